"""Distribution of dwellings: reproducible runs, commission, offers, journal, fairness."""
