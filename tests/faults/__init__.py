"""Helpers for the fault tests (tests/test_faults_*.py): parts we can break on purpose, all on
loopback and all our own processes. The shared PostgreSQL and Redis are never touched: a TCP
proxy stands between the app and PostgreSQL, and Redis is a private redis-server."""
