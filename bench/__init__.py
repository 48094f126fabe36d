"""`make bench`: measurements on PostgreSQL and Redis behind gunicorn, written to bench/RESULTS.md."""
