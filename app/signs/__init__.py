"""app/signs."""
