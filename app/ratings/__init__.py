"""app/ratings."""
