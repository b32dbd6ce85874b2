"""Business calendar tables (owned by the calendar package)."""
