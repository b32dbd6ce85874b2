"""The web face: FastAPI app factory, pages, JSON API, templates, static files, translations."""
