"""app/visits."""
