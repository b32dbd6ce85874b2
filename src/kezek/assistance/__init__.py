"""Housing assistance as a state service: claims, consents, calculation, decisions and payments."""
