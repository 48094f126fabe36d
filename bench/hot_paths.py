"""Where a request's CPU goes on the hot paths (check-in, the README's check-in, nearby), next to
hello world: the app in this process on the bench server's database and Redis, driven by Flask's
test client, each request in its own app and request context as in production (nothing is held
open around the loop), so the figures hold no HTTP and no gunicorn.

Two passes per endpoint, interleaved round by round so drift of the shared machine falls on every
endpoint alike: a timing pass (process CPU per request, database round trips and Redis commands
per request) and a sampling pass, in which SIGPROF fires every SAMPLE_S of this process's CPU
time and charges the sample to the package of the innermost Python frame running (psycopg,
SQLAlchemy, redis-py, Flask and its kin, our code, …): attribution by CPU sampling, not "wall
minus SQL minus Redis". Ratios are per round, then the median over the rounds."""

from __future__ import annotations

import collections
import contextlib
import os
import random
import signal
import statistics
import time
from dataclasses import dataclass, field

import psycopg
import redis
from psycopg import _connection_base

from bench import settings
from bench.server import ROOT, Server

REQUESTS = 300  # per endpoint per round
ROUNDS = 5
SAMPLE_S = 0.0005

LAYERS = (  # (label, path fragments), first match wins
    ("psycopg", ("/psycopg/", "/psycopg_binary/", "/psycopg_pool/")),
    ("SQLAlchemy", ("/sqlalchemy/", "/flask_sqlalchemy/")),
    ("redis-py", ("/redis/",)),
    ("rate limits (limits, Flask-Limiter)", ("/limits/", "/flask_limiter/")),
    ("Flask, Werkzeug, APIFlask, webargs, marshmallow", ("/flask/", "/werkzeug/", "/apiflask/", "/webargs/", "/marshmallow/", "/flask_")),
    ("tokens (itsdangerous)", ("/itsdangerous/",)),
    ("json", ("/json/",)),
    ("our code (app/, miniprogram_api/)", (f"{ROOT}/app/", f"{ROOT}/miniprogram_api/")),
    ("the bench's own driver", (f"{ROOT}/bench/",)),
)


@dataclass
class Spent:
    cpu_ms: float  # median over the rounds
    ratio: float | None  # to hello world's, median of the per-round ratios
    round_trips: float  # PostgreSQL round trips per request
    redis: float  # Redis commands per request
    layers: dict[str, float] = field(default_factory=dict)  # share of the sampled CPU
    top: list[tuple[str, float]] = field(default_factory=list)  # leaf functions, share


@contextlib.contextmanager
def app_on(server: Server):
    """The app in this process, configured as the server is (same database and Redis). No
    context is pushed: each test-client request pushes its own, as a served request does."""
    saved = dict(os.environ)
    os.environ.update(server.env)
    try:
        from app import create_app

        app = create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield app


@contextlib.contextmanager
def _counting():
    """Round trips to PostgreSQL (statements, and BEGIN / COMMIT / ROLLBACK / SAVEPOINT) and Redis
    commands, counted where the drivers send them."""
    seen = collections.Counter()
    execute, command, redis_command = psycopg.Cursor.execute, _connection_base.BaseConnection._exec_command, redis.Redis.execute_command

    def counted_execute(self, *args, **kwargs):
        seen["pg"] += 1
        return execute(self, *args, **kwargs)

    def counted_command(self, *args, **kwargs):
        seen["pg"] += 1
        return command(self, *args, **kwargs)

    def counted_redis(self, *args, **kwargs):
        seen["redis"] += 1
        return redis_command(self, *args, **kwargs)

    psycopg.Cursor.execute = counted_execute
    _connection_base.BaseConnection._exec_command = counted_command
    redis.Redis.execute_command = counted_redis
    try:
        yield seen
    finally:
        psycopg.Cursor.execute = execute
        _connection_base.BaseConnection._exec_command = command
        redis.Redis.execute_command = redis_command


def _layer(filename: str) -> str:
    for label, fragments in LAYERS:
        if any(f in filename for f in fragments):
            return label
    return "other (standard library, …)"


@contextlib.contextmanager
def _sampling():
    samples: list[tuple[str, str]] = []

    def on_sample(_signum, frame):
        if frame is not None:
            code = frame.f_code
            samples.append((_layer(code.co_filename), f"{'/'.join(code.co_filename.rsplit('/', 2)[-2:])}:{code.co_name}"))

    previous = signal.signal(signal.SIGPROF, on_sample)
    signal.setitimer(signal.ITIMER_PROF, SAMPLE_S, SAMPLE_S)
    try:
        yield samples
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, previous)


@dataclass
class Endpoint:
    label: str
    send: object  # send(client, i): one request, its answer checked
    requests: int = REQUESTS
    cpu: list[float] = field(default_factory=list)
    counts: collections.Counter = field(default_factory=collections.Counter)
    samples: list[tuple[str, str]] = field(default_factory=list)
    done: int = 0
    next_i: int = 0

    def run(self, client, n: int) -> None:
        for _ in range(n):
            self.send(client, self.next_i)
            self.next_i += 1


def measure(app, endpoints: list[Endpoint], rounds: int = ROUNDS) -> list[tuple[str, Spent]]:
    """Each endpoint warmed up, then `rounds` rounds of: every endpoint timed, every endpoint
    sampled. The first endpoint is the base (hello world)."""
    client = app.test_client()
    for e in endpoints:
        e.run(client, max(10, e.requests // 10))
    if settings.quick():
        rounds = 3
    for _ in range(rounds):
        for e in endpoints:
            with _counting() as seen:
                started = time.process_time()
                e.run(client, e.requests)
                e.cpu.append((time.process_time() - started) / e.requests * 1000)
            e.counts.update(seen)
            e.done += e.requests
        for e in endpoints:
            with _sampling() as samples:
                e.run(client, e.requests)
            e.samples += samples
    base = endpoints[0]
    out = []
    for e in endpoints:
        ratios = [c / b for c, b in zip(e.cpu, base.cpu, strict=True)] if e is not base else None
        layers = collections.Counter(layer for layer, _ in e.samples)
        top = collections.Counter(fn for _, fn in e.samples).most_common(8)
        total = max(1, len(e.samples))
        out.append(
            (
                e.label,
                Spent(
                    cpu_ms=statistics.median(e.cpu),
                    ratio=statistics.median(ratios) if ratios else None,
                    round_trips=e.counts["pg"] / e.done,
                    redis=e.counts["redis"] / e.done,
                    layers={k: v / total for k, v in layers.most_common()},
                    top=[(k, v / total) for k, v in top],
                ),
            )
        )
    return out


def hello() -> Endpoint:
    def send(client, _i):
        assert client.get("/api/mp/v1/ping").status_code == 200

    return Endpoint("hello world (GET /api/mp/v1/ping)", send, requests=REQUESTS * 3)


def check_in(scan: str, tokens: list[str], readme_form: bool = False, station: tuple[float, float] | None = None) -> Endpoint:
    """A new visit each (a worker of its own per request). The README's form carries an
    Idempotency-Key and the worker's location, as the mini-program sends it."""
    tokens = iter(tokens)

    def send(client, i):
        headers = {"Authorization": f"Bearer {next(tokens)}"}
        body = {"scan": scan, "services": ["water"]}
        if readme_form:
            headers["Idempotency-Key"] = f"bench-{i}-{random.random()}"
            body["location"] = {"lat": station[0] + 0.0004, "lng": station[1], "datum": "gcj02"}
        r = client.post("/api/mp/v1/checkins", json=body, headers=headers)
        assert r.status_code == 201, r.get_data(as_text=True)

    label = (
        "check-in as the README sends it (Idempotency-Key and location), a new visit each"
        if readme_form
        else "check-in, bare (scan and services), a new visit each"
    )
    return Endpoint(label, send)


def nearby(token: str, bounds: tuple[float, float, float, float], label: str) -> Endpoint:
    lat_min, lat_max, lng_min, lng_max = bounds
    rnd = random.Random(7)

    def send(client, _i):
        lat, lng = lat_min + rnd.random() * (lat_max - lat_min), lng_min + rnd.random() * (lng_max - lng_min)
        r = client.get(
            f"/api/mp/v1/stations/nearby?lat={lat:.6f}&lng={lng:.6f}&radius_m=3000", headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200, r.get_data(as_text=True)

    return Endpoint(label, send)


def tokens_needed() -> int:
    """Fresh workers one measurement takes per check-in endpoint."""
    rounds = 3 if settings.quick() else ROUNDS
    return REQUESTS // 10 + 10 + 2 * rounds * REQUESTS


def describe(label: str, spent: Spent, target: float | None = None) -> str:
    times = ""
    if spent.ratio is not None:
        verdict = f"; target ≤ {target:g}×: {'met' if spent.ratio <= target else 'NOT met'}" if target else ""
        times = f" = {spent.ratio:.2f}× hello world's (median of per-round ratios{verdict})"
    layers = ", ".join(f"{k} {v:.0%}" for k, v in spent.layers.items() if v >= 0.01)
    top = ", ".join(f"`{k}` {v:.0%}" for k, v in spent.top[:6])
    return (
        f"- {label}: {spent.cpu_ms:.2f} ms of CPU per request{times}; {spent.round_trips:.1f} PostgreSQL round trips and"
        f" {spent.redis:.1f} Redis commands per request. CPU by layer (sampled): {layers}. Hottest leaf functions: {top}."
    )
