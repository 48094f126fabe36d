"""Where a request's time goes on the hot paths (check-in, nearby), next to hello world: the app
in this process on the bench server's database and Redis, driven by Flask's test client, so the
figures hold no HTTP and no gunicorn. Per request: CPU, SQL statements and their time, Redis
commands and their time, and the rest (Flask, validation, SQLAlchemy, serialising)."""

from __future__ import annotations

import contextlib
import os
import random
import time
from dataclasses import dataclass

import redis
import sqlalchemy as sa

from bench.server import Server

REQUESTS = 300


@dataclass
class Spent:
    cpu_ms: float
    wall_ms: float
    sql: int
    sql_ms: float
    redis: int
    redis_ms: float
    statements: list[str]


@contextlib.contextmanager
def app_on(server: Server):
    """The app in this process, configured as the server is (same database and Redis)."""
    saved = dict(os.environ)
    os.environ.update(server.env)
    try:
        from app import create_app

        app = create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    with app.app_context():
        yield app


@contextlib.contextmanager
def _counting(engine):
    seen = {"sql": [], "redis": []}

    def before(conn, cursor, statement, params, context, executemany):
        context.bench_started = time.perf_counter()

    def after(conn, cursor, statement, params, context, executemany):
        seen["sql"].append((time.perf_counter() - context.bench_started, " ".join(statement.split())[:90]))

    original = redis.Redis.execute_command

    def timed_command(self, *args, **options):
        started = time.perf_counter()
        try:
            return original(self, *args, **options)
        finally:
            seen["redis"].append(time.perf_counter() - started)

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    redis.Redis.execute_command = timed_command
    try:
        yield seen
    finally:
        redis.Redis.execute_command = original
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)


def measure(app, send, requests: int = REQUESTS) -> Spent:
    """`send(client, i)` makes request i and checks its answer; the first tenth warms up."""
    from app.extensions import db

    client = app.test_client()
    warm = requests // 10
    for i in range(warm):
        send(client, i)
    with _counting(db.engine) as seen:
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(warm, requests):
            send(client, i)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    n = requests - warm
    # One request's statements, in order (the last request's share of the list).
    per = len(seen["sql"]) // n
    return Spent(
        cpu_ms=cpu / n * 1000,
        wall_ms=wall / n * 1000,
        sql=per,
        sql_ms=sum(t for t, _ in seen["sql"]) / n * 1000,
        redis=len(seen["redis"]) // n,
        redis_ms=sum(seen["redis"]) / n * 1000,
        statements=[text for _, text in seen["sql"][-per:]] if per else [],
    )


def hello(app) -> Spent:
    def send(client, _i):
        assert client.get("/api/mp/v1/ping").status_code == 200

    return measure(app, send, requests=REQUESTS * 5)


def check_in(app, scan: str, tokens: list[str]) -> Spent:
    def send(client, i):
        r = client.post("/api/mp/v1/checkins", json={"scan": scan, "services": ["water"]}, headers={"Authorization": f"Bearer {tokens[i]}"})
        assert r.status_code == 201, r.get_data(as_text=True)

    return measure(app, send)


def nearby(app, token: str, bounds: tuple[float, float, float, float]) -> Spent:
    lat_min, lat_max, lng_min, lng_max = bounds
    rnd = random.Random(7)

    def send(client, _i):
        lat, lng = lat_min + rnd.random() * (lat_max - lat_min), lng_min + rnd.random() * (lng_max - lng_min)
        r = client.get(
            f"/api/mp/v1/stations/nearby?lat={lat:.6f}&lng={lng:.6f}&radius_m=3000", headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200, r.get_data(as_text=True)

    return measure(app, send)


def describe(label: str, spent: Spent, base: Spent | None = None) -> str:
    rest = spent.wall_ms - spent.sql_ms - spent.redis_ms
    times = f" ({spent.cpu_ms / base.cpu_ms:.0f}× hello world's)" if base else ""
    line = (
        f"- {label}: {spent.cpu_ms:.2f} ms of CPU per request{times}, {spent.wall_ms:.2f} ms wall:"
        f" {spent.sql} SQL statements {spent.sql_ms:.2f} ms, {spent.redis} Redis commands {spent.redis_ms:.2f} ms,"
        f" the rest (Flask, validation, SQLAlchemy, serialising) {rest:.2f} ms."
    )
    if spent.statements:
        line += " Statements: " + "; ".join(f"`{s}…`" for s in spent.statements)
    return line
