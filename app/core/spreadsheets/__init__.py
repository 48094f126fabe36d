"""app/core/spreadsheets."""
