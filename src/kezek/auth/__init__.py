"""Officials, citizens, roles, jurisdiction scopes, API tokens."""
