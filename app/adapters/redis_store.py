"""The Redis connection, or its absence: with no REDIS_URL the app runs on in-process
equivalents (Flask-Limiter's memory storage today) and reports Redis as not configured."""

from __future__ import annotations

import logging

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)


class RedisStore:
    def __init__(self) -> None:
        self.client: redis.Redis | None = None
        self.prefix = "yizhan"

    def init_app(self, app) -> None:
        url = app.config.get("REDIS_URL")
        self.prefix = app.config["REDIS_KEY_PREFIX"]
        self.client = redis.Redis.from_url(url, **connection_options()) if url else None
        app.extensions["redis_store"] = self

    @property
    def configured(self) -> bool:
        return self.client is not None

    def key(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def ping(self) -> bool:
        if self.client is None:
            return False
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            log.warning("redis ping failed", exc_info=True)
            return False


def connection_options() -> dict:
    """Short timeouts and no retries: a Redis that is down or hangs must cost a request
    milliseconds, not seconds (redis-py retries three times with backoff by default)."""
    return {"socket_timeout": 0.5, "socket_connect_timeout": 0.5, "retry": Retry(NoBackoff(), 0)}
