"""What every area shares: the clock, errors and their codes, base models and schemas, pagination,
geo, opening hours, spreadsheets, background jobs and files. Nothing here imports from an area
(docs/architecture.md; tests/test_architecture.py)."""
