"""app/keepers."""
