"""Check-in under load (target: ≥ 1,000 requests/s with p99 ≤ 50 ms at 16 connections, no
errors), each request a new visit by a new worker, next to a hello-world endpoint on the same
gunicorn."""

from __future__ import annotations

import os

import psycopg
import requests

from bench import hot_paths, load, settings
from bench.server import Server


def _workers() -> int:
    """More than a run can use: every request is a distinct worker, so a new visit."""
    return 5_000 if settings.quick() else 60_000


_CHECKIN_SCRIPT = """
local tokens = {}
local n = 0
local step = 1
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"scan": "%(scan)s", "services": ["water"]}'

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
  n = offset
  step = %(threads)d
end

function request()
  local token = tokens[n]
  n = n + step
  wrk.headers["Authorization"] = "Bearer " .. token
  return wrk.format()
end
"""


def _station_scan(server: Server, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "name": "压测站点",
        "district": "FC",
        "address": "绵阳市涪城区临园路1号",
        "lat": 31.4567,
        "lng": 104.7462,
        "build_mode": "self_built",
        "opening_hours": {"always_open": True},
        "status": "built",
    }
    code = requests.post(f"{server.base_url}/api/staff/v1/stations", json=body, headers=headers).json()["code"]
    return requests.get(f"{server.base_url}/api/staff/v1/stations/{code}/sign", headers=headers).json()["url"]


def _worker_tokens(server: Server, path: str) -> None:
    """Workers inserted with COPY (not through WeChat sign-in), and tokens minted as the app does."""
    from itsdangerous import URLSafeTimedSerializer

    from app.services import tokens

    dsn = server.env["DATABASE_URL"].replace("+psycopg", "")
    with psycopg.connect(dsn) as conn:
        with conn.cursor().copy("COPY workers (openid, created_at, last_seen_at) FROM STDIN") as copy:
            for n in range(_workers()):
                copy.write_row((f"o-bench-{n:07d}", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))
        ids = [row[0] for row in conn.execute("SELECT id FROM workers WHERE openid LIKE 'o-bench-%' ORDER BY id")]
    # The same format and salt as app.services.tokens: the bench signs what the app will accept.
    serializer = URLSafeTimedSerializer(server.env["SECRET_KEY"], salt=tokens.WORKER)
    with open(path, "w") as out:
        out.write("\n".join(serializer.dumps({"wid": wid}) for wid in ids) + "\n")


def _visits(server: Server) -> int:
    with psycopg.connect(server.env["DATABASE_URL"].replace("+psycopg", "")) as conn:
        return conn.execute("SELECT count(*) FROM checkins").fetchone()[0]


def run(server: Server, tmpdir: str) -> list[load.LoadResult]:
    scan = _station_scan(server, server.login())
    tokens = os.path.join(tmpdir, "tokens.txt")
    _worker_tokens(server, tokens)
    hello = load.run("hello world (GET /api/mp/v1/ping)", f"{server.base_url}/api/mp/v1/ping", seconds=settings.seconds())
    before = _visits(server)
    script = _CHECKIN_SCRIPT % {"scan": scan, "tokens": tokens, "threads": 2}
    checkin = load.run(
        "check-in (POST /api/mp/v1/checkins, a new worker each)", f"{server.base_url}/api/mp/v1/checkins", script, settings.seconds()
    )
    written = _visits(server) - before
    # wrk counts the answers it read; the server may finish a few requests in flight at the end.
    met = checkin.requests_per_s >= 1000 and checkin.p99_ms <= 50 and checkin.errors == 0
    checkin.note = (
        f"target ≥ 1,000 req/s, p99 ≤ 50 ms, no errors: {'met' if met else 'NOT met'}; "
        f"{written} visits written for {checkin.requests - checkin.errors} answered successes"
    )
    return [hello, checkin]


def where_time_goes(server: Server, tmpdir: str) -> list[tuple[str, hot_paths.Spent]]:
    """Hello world and check-in in this process (bench/hot_paths.py), with workers the load run
    did not reach, at a station of their own."""
    with open(os.path.join(tmpdir, "tokens.txt")) as lines:
        fresh = lines.read().split()[-hot_paths.REQUESTS :]
    scan = _station_scan(server, server.login())
    with hot_paths.app_on(server) as app:
        return [
            ("hello world (GET /api/mp/v1/ping)", hot_paths.hello(app)),
            ("check-in, a new visit each (POST /api/mp/v1/checkins)", hot_paths.check_in(app, scan, fresh)),
        ]
