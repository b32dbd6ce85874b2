"""State-data integration tables (owned by the integration package)."""
