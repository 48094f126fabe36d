"""Nearby over 190,000 stations (the national count of union stations) within 3 km: target p99
≤ 20 ms at the endpoint. The stations are spread evenly over the service area (GEO_BOUNDS,
Mianyang with its margin), about 90 within 3 km of any point: denser than any real city, so each
search reads a full first page. Each request asks from a random point of the area."""

from __future__ import annotations

import json
import random
import subprocess
import time

import psycopg
import redis

from app.accounts import tokens
from app.core import clock
from bench import hot_paths, load, settings
from bench.server import BIN, ROOT, Server

STATIONS = 190_000
QUICK_STATIONS = 20_000
TARGET_P99_MS = 20
BOUNDS = (30.6, 33.2, 103.6, 105.8)  # lat_min, lat_max, lng_min, lng_max: config's GEO_BOUNDS
DISTRICTS = ("FC", "YX", "AZ", "GX", "JK", "KJ", "XH", "JY", "ST", "ZT", "YT", "PW", "BC")
AMENITIES = ("drinking_water", "hot_water", "toilet", "rest_seats", "air_conditioning", "phone_charging", "first_aid")
OFFICE_HOURS = {"always_open": False, "weekly": [{"weekday": d, "open": "08:00", "close": "18:00"} for d in range(1, 8)]}

_NEARBY_SCRIPT = """
wrk.headers["Authorization"] = "Bearer %(token)s"
math.randomseed(%(seed)d)

function request()
  local lat = %(lat_min)f + math.random() * %(lat_span)f
  local lng = %(lng_min)f + math.random() * %(lng_span)f
  return wrk.format("GET", string.format("/api/mp/v1/stations/nearby?lat=%%.6f&lng=%%.6f&radius_m=3000", lat, lng))
end
"""


def _dsn(server: Server) -> str:
    return server.env["YIZHAN_DATABASE_URL"].replace("+psycopg", "")


def _insert_stations(server: Server) -> None:
    """COPY, not the API: the import would take minutes, and only the rows matter here."""
    rnd = random.Random(190_000)
    lat_min, lat_max, lng_min, lng_max = BOUNDS
    columns = (
        "code, name, district_code, address, lat, lng, build_mode, amenities, opening_hours, worker_groups,"
        " status, demonstration, provincial_best, sign_version, created_at, updated_at"
    )
    with psycopg.connect(_dsn(server)) as conn, conn.cursor().copy(f"COPY stations ({columns}) FROM STDIN") as copy:
        for n in range(_stations()):
            district = DISTRICTS[n % len(DISTRICTS)]
            copy.write_row(
                (
                    f"{district}{100000 + n}",
                    f"压测站点{n}",
                    district,
                    f"绵阳市压测路{n}号",
                    rnd.uniform(lat_min, lat_max),
                    rnd.uniform(lng_min, lng_max),
                    "self_built",
                    json.dumps(rnd.sample(AMENITIES, 3)),
                    json.dumps(OFFICE_HOURS if n % 3 else {"always_open": True, "weekly": []}),
                    json.dumps(["sanitation", "courier"]),
                    "built",
                    False,
                    False,
                    1,
                    "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z",
                )
            )


def _stations() -> int:
    return QUICK_STATIONS if settings.quick() else STATIONS


def _worker_token(server: Server) -> str:
    from itsdangerous import URLSafeTimedSerializer

    with psycopg.connect(_dsn(server)) as conn:
        now = clock.now()  # the app's clock, not the database server's
        wid = conn.execute(
            "INSERT INTO workers (openid, created_at, last_seen_at) VALUES ('o-bench-nearby', %s, %s) RETURNING id", (now, now)
        ).fetchone()[0]
    # The same format and salt as app.accounts.tokens: the bench signs what the app will accept.
    return URLSafeTimedSerializer(server.env["YIZHAN_SECRET_KEY"], salt=tokens.WORKER).dumps({"wid": wid})


def _rebuild_seconds(server: Server) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "flask"), "geo", "rebuild"], env=server.env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _verdict(result: load.LoadResult) -> str:
    return f"target p99 ≤ {TARGET_P99_MS} ms: {'met' if result.p99_ms <= TARGET_P99_MS else 'NOT met'}"


def run(server: Server) -> tuple[list[dict], list[load.LoadResult], list[tuple[str, hot_paths.Spent]]]:
    """(timed rows, load results, where a request's time goes): the index rebuild; nearby at 16
    connections (its ratio is to the run's hello world at 16), then hello world and nearby at one
    connection each; then one nearby search at a time in this process (bench/hot_paths.py)."""
    try:
        return _run(server)
    finally:
        _drop_geo_index(server)


def _drop_geo_index(server: Server) -> None:
    """The run's geo index (every station this run's benchmarks made) is of no use afterwards."""
    client = redis.Redis.from_url(server.env["YIZHAN_REDIS_URL"])
    keys = list(client.scan_iter(f"{server.env['YIZHAN_REDIS_KEY_PREFIX']}:{{geo}}:*"))
    if keys:
        client.delete(*keys)


def _run(server: Server) -> tuple[list[dict], list[load.LoadResult]]:
    _insert_stations(server)
    rebuild = _rebuild_seconds(server)
    lat_min, lat_max, lng_min, lng_max = BOUNDS
    token = _worker_token(server)
    script = _NEARBY_SCRIPT % {
        "token": token,
        "seed": 190_000,
        "lat_min": lat_min,
        "lat_span": lat_max - lat_min,
        "lng_min": lng_min,
        "lng_span": lng_max - lng_min,
    }
    url = f"{server.base_url}/api/mp/v1/stations/nearby"
    hello = f"{server.base_url}/api/mp/v1/ping"
    seconds, over = settings.seconds(), f"{_stations():,} stations"
    loads = [
        load.run(f"nearby, 3 km over {over} (GET /api/mp/v1/stations/nearby)", url, script, seconds),
        load.run("hello world, 1 connection", hello, seconds=seconds, connections=1, threads=1),
        load.run(f"nearby, 3 km over {over}, 1 connection", url, script, seconds, connections=1, threads=1),
    ]
    loads[0].note = _verdict(loads[0])
    loads[2].note = f"{_verdict(loads[2])}; ratio to hello world at 1 connection: {loads[2].requests_per_s / loads[1].requests_per_s:.3f}"
    rows = [
        {"what": f"geo index rebuild from the database, {_stations():,} stations (flask geo rebuild)", "seconds": rebuild, "target": None}
    ]
    label = f"nearby, 3 km over {_stations():,} stations (GET /api/mp/v1/stations/nearby)"
    with hot_paths.app_on(server) as app:
        spent = hot_paths.measure(app, [hot_paths.hello(), hot_paths.nearby(token, BOUNDS, label)])
    return rows, loads, spent
