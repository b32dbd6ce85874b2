"""The queue: lists per regime, stable positions with a ledger, inventory, migration, publication."""
