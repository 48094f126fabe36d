"""app/accounts."""
