"""State-service cases: registration in the queue with its deadline clocks and regulation steps."""
