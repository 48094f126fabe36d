"""app/demo."""
