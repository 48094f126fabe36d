"""app/reference."""
