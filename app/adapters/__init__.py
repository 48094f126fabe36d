"""Adapters to the outside world (Redis, WeChat, files), each behind a small interface with an
embedded implementation for the default run."""
