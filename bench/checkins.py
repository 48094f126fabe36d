"""Check-in under load, each request a new visit by a new worker, measured in rounds interleaved
with hello world and a naive check-in on the same gunicorn (bench/naive.py: one ORM insert with a
unique constraint), so the machine's drift falls on all of them alike. Both forms of the check-in
run: the bare one (scan and services) and the README's (with an Idempotency-Key and a location).
Targets (issue 20): check-in ≥ 0.25× hello world's requests per second and ≥ 2.5× the naive
check-in's, 0 errors, visits written = successes."""

from __future__ import annotations

import os
import statistics

import psycopg
import requests

from bench import hot_paths, load, settings
from bench.server import Server

ROUNDS = 3
STATION = (31.4567, 104.7462)


def _workers() -> int:
    """More than a run can use: every request is a distinct worker, so a new visit."""
    return 20_000 if settings.quick() else 60_000


_CHECKIN_SCRIPT = """
local tokens = {}
local n = 0
local step = 1
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '%(body)s'

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
  n = %(start)d + offset
  step = %(threads)d
end

function request()
  local token = tokens[n]
  wrk.headers["Authorization"] = "Bearer " .. token
  if %(readme)s then wrk.headers["Idempotency-Key"] = "bench-" .. n end
  n = n + step
  return wrk.format()
end
"""

_NAIVE_SCRIPT = """
local n = 0
local step = 1
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

function init(args)
  n = %(start)d + offset
  step = %(threads)d
end

function request()
  wrk.body = string.format('{"worker": %%d, "station": "FC0001"}', n)
  n = n + step
  return wrk.format()
end
"""


def _station_scan(server: Server, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "name": "压测站点",
        "district": "FC",
        "address": "绵阳市涪城区临园路1号",
        "lat": STATION[0],
        "lng": STATION[1],
        "build_mode": "self_built",
        "opening_hours": {"always_open": True},
        "status": "built",
    }
    code = requests.post(f"{server.base_url}/api/staff/v1/stations", json=body, headers=headers).json()["code"]
    return requests.get(f"{server.base_url}/api/staff/v1/stations/{code}/sign", headers=headers).json()["url"]


def _worker_tokens(server: Server, path: str, count: int, tag: str) -> None:
    """Workers inserted with COPY (not through WeChat sign-in), and tokens minted as the app does."""
    from itsdangerous import URLSafeTimedSerializer

    from app.accounts import tokens

    dsn = server.env["YIZHAN_DATABASE_URL"].replace("+psycopg", "")
    with psycopg.connect(dsn) as conn:
        with conn.cursor().copy("COPY workers (openid, created_at, last_seen_at) FROM STDIN") as copy:
            for n in range(count):
                copy.write_row((f"o-bench-{tag}-{n:07d}", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))
        ids = [row[0] for row in conn.execute("SELECT id FROM workers WHERE openid LIKE %s ORDER BY id", (f"o-bench-{tag}-%",))]
        # They have consented to the latest privacy notice: their check-ins may carry a location.
        conn.execute(
            "INSERT INTO privacy_consents (worker_id, notice_version, feature, given_at)"
            " SELECT id, (SELECT max(version) FROM privacy_notices), 'location', now() FROM workers WHERE openid LIKE %s",
            (f"o-bench-{tag}-%",),
        )
    # The same format and salt as app.accounts.tokens: the bench signs what the app will accept.
    serializer = URLSafeTimedSerializer(server.env["YIZHAN_SECRET_KEY"], salt=tokens.WORKER)
    with open(path, "w") as out:
        out.write("\n".join(serializer.dumps({"wid": wid}) for wid in ids) + "\n")


def _count(server: Server, sql: str) -> int:
    with psycopg.connect(server.env["YIZHAN_DATABASE_URL"].replace("+psycopg", "")) as conn:
        return conn.execute(sql).fetchone()[0]


def _combined(what: str, runs: list[load.LoadResult]) -> load.LoadResult:
    """The rounds as one row: median requests/s, median p50, worst p99, errors and requests summed."""
    return load.LoadResult(
        what=what,
        requests_per_s=statistics.median(r.requests_per_s for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=max(r.p99_ms for r in runs),
        errors=sum(r.errors for r in runs),
        requests=sum(r.requests for r in runs),
    )


def run(server: Server, tmpdir: str) -> list[load.LoadResult]:
    from bench.naive import create_table

    create_table(server.env["YIZHAN_DATABASE_URL"])
    scan = _station_scan(server, server.login())
    tokens = os.path.join(tmpdir, "tokens.txt")
    _worker_tokens(server, tokens, _workers(), "load")
    seconds = max(2, settings.seconds() // ROUNDS)
    base = server.base_url
    used = 0
    runs: dict[str, list[load.LoadResult]] = {"hello": [], "bare": [], "readme": [], "naive": []}
    visits_before = _count(server, "SELECT count(*) FROM checkins")
    naive_before = _count(server, "SELECT count(*) FROM bench_naive_checkins")
    for _ in range(ROUNDS):
        runs["hello"].append(load.run("hello", f"{base}/api/mp/v1/ping", seconds=seconds))
        for form in ("bare", "readme"):
            readme = form == "readme"
            body = {"scan": scan, "services": ["water"]}
            body_json = (
                f'{{"scan": "{scan}", "services": ["water"], "location": {{"lat": {STATION[0] + 0.0004}, "lng": {STATION[1]}}}}}'
                if readme
                else f'{{"scan": "{body["scan"]}", "services": ["water"]}}'
            )
            script = _CHECKIN_SCRIPT % {
                "body": body_json,
                "tokens": tokens,
                "start": used,
                "threads": 2,
                "readme": "true" if readme else "false",
            }
            result = load.run(form, f"{base}/api/mp/v1/checkins", script, seconds)
            # Each of wrk's threads takes every other token and they need not do as many requests:
            # twice the answers (and the ones in flight) bounds what one run took.
            used += 2 * result.requests + 64
            runs[form].append(result)
        runs["naive"].append(load.run("naive", f"{base}/bench/naive-checkins", _NAIVE_SCRIPT % {"start": used * 10, "threads": 2}, seconds))
    if used > _workers():
        raise RuntimeError(f"the check-in rounds needed {used} workers, more than the {_workers()} made")
    written = _count(server, "SELECT count(*) FROM checkins") - visits_before
    naive_written = _count(server, "SELECT count(*) FROM bench_naive_checkins") - naive_before
    hello = _combined("hello world (GET /api/mp/v1/ping)", runs["hello"])
    bare = _combined("check-in, bare (POST /api/mp/v1/checkins: scan, services), a new worker each", runs["bare"])
    readme = _combined("check-in as the README sends it (Idempotency-Key, location), a new worker each", runs["readme"])
    naive = _combined("naive check-in (one Flask-SQLAlchemy ORM insert, unique constraint; bench/naive.py)", runs["naive"])
    to_hello = [c.requests_per_s / h.requests_per_s for c, h in zip(runs["bare"], runs["hello"], strict=True)]
    to_naive = [c.requests_per_s / n.requests_per_s for c, n in zip(runs["bare"], runs["naive"], strict=True)]
    answered = sum(r.requests - r.errors for r in runs["bare"] + runs["readme"])
    met_hello, met_naive = statistics.median(to_hello) >= 0.25, statistics.median(to_naive) >= 2.5
    bare.note = (
        f"{ROUNDS} rounds of {seconds} s interleaved with the others; per-round ratio to hello world (median)"
        f" {statistics.median(to_hello):.3f} (target ≥ 0.25: {'met' if met_hello else 'NOT met'}), to the naive check-in"
        f" {statistics.median(to_naive):.2f}× (target ≥ 2.5×: {'met' if met_naive else 'NOT met'})"
    )
    readme_ratio = statistics.median(r.requests_per_s / h.requests_per_s for r, h in zip(runs["readme"], runs["hello"], strict=True))
    readme.note = (
        f"ratio to hello world (median) {readme_ratio:.3f}; both check-in forms: {written} visits written for {answered} answered"
        f" successes ({written - answered:+d}: requests in flight when wrk stopped, answered to no one)"
    )
    naive.note = f"{naive_written} rows written"
    return [hello, bare, readme, naive]


def where_time_goes(server: Server, tmpdir: str) -> list[tuple[str, hot_paths.Spent]]:
    """Hello world, the bare check-in and the README's check-in in this process (bench/hot_paths.py),
    interleaved, with workers of their own at a station of their own."""
    scan = _station_scan(server, server.login())
    need = hot_paths.tokens_needed()
    lists = []
    for tag in ("bare", "readme"):
        path = os.path.join(tmpdir, f"tokens-{tag}.txt")
        _worker_tokens(server, path, need, f"cpu-{tag}")
        with open(path) as lines:
            lists.append(lines.read().split())
    with hot_paths.app_on(server) as app:
        return hot_paths.measure(
            app,
            [
                hot_paths.hello(),
                hot_paths.check_in(scan, lists[0]),
                hot_paths.check_in(scan, lists[1], readme_form=True, station=STATION),
            ],
        )
