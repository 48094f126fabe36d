"""Finding the PostgreSQL and Redis the tests run against, and failing loudly when CI needs them."""

from __future__ import annotations

import os

import psycopg
import redis

PG_ADMIN_URL = os.environ.get("YIZHAN_TEST_PG", "postgresql://root@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("YIZHAN_TEST_REDIS", "redis://127.0.0.1:6379/0")
# For throwaway apps whose test never reaches the database: nothing listens there.
NO_DATABASE = "postgresql+psycopg://root@127.0.0.1:1/none"


def postgres_problem() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {exc}"
    return None


def redis_problem() -> str | None:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {REDIS_TEST_URL} is unreachable: {exc}"
    return None


def create_database(name: str) -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def delete_redis_keys(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
