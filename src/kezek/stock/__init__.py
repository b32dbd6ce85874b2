"""Housing stock: dwellings to distribute, their hand-over and status."""
