"""app/reports."""
