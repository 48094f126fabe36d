"""app/registry."""
