"""Kezek: the social-housing queue, distribution of dwellings and housing assistance."""

__version__ = "0.1.0"
