"""The embedded demo's story, laid down through the real services (see story.py)."""
