"""Digitisation: legacy queue lists and dwelling registers imported from spreadsheets, row by row."""
