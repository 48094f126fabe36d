"""app/station_pages."""
