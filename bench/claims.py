"""Claiming an activity's gift under load (issue 17): each request a new worker claiming the same
activity (a stock large enough for all), measured in rounds interleaved with hello world on the
same gunicorn; then the race the database decides — 500 workers at once on a stock of 300 —
which must hand out exactly 300. tests/activities/test_live_claim_race.py fires the same race."""

from __future__ import annotations

import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg
import requests

from app.core import clock
from bench import checkins, load, settings
from bench.people import worker_tokens
from bench.server import Server

ROUNDS = 3
RACE_STOCK, RACE_CLAIMANTS = 300, 500


def dsn(server: Server) -> str:
    return server.env["YIZHAN_DATABASE_URL"].replace("+psycopg", "")


def staff_headers(server: Server) -> dict:
    return {"Authorization": f"Bearer {server.login()}"}


def gift_activity(server: Server, stock: int) -> int:
    """A station and an activity at it, starting in two hours, with a gift of `stock`."""
    headers = staff_headers(server)
    station = {
        "name": "活动压测站点", "district": "FC", "address": "绵阳市涪城区临园路1号", "lat": 31.4567, "lng": 104.7462,
        "build_mode": "self_built", "opening_hours": {"always_open": True}, "status": "built",
    }  # fmt: skip
    code = requests.post(f"{server.base_url}/api/staff/v1/stations", json=station, headers=headers, timeout=30).json()["code"]
    start = clock.now() + timedelta(hours=2)
    body = {
        "kind": "cooling", "title": "送清凉：清凉包", "district": "FC", "stations": [code], "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(), "gift": {"name": "清凉包", "stock": stock},
    }  # fmt: skip
    answer = requests.post(f"{server.base_url}/api/staff/v1/activities", json=body, headers=headers, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def fire(server: Server, activity_id: int, tokens: list[str]) -> tuple[list[requests.Response], list[float]]:
    """Every token claims once, all released together (a barrier); the answers and their seconds."""
    url = f"{server.base_url}/api/mp/v1/activities/{activity_id}/claims"
    start = threading.Barrier(len(tokens))

    def one(token: str) -> tuple[requests.Response, float]:
        start.wait()
        began = time.perf_counter()
        answer = requests.post(url, json={}, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        return answer, time.perf_counter() - began

    with ThreadPoolExecutor(len(tokens)) as pool:
        results = list(pool.map(one, tokens))
    return [r for r, _ in results], [s for _, s in results]


def stored(server: Server, activity_id: int) -> tuple[int, int]:
    """(live claims, gifts remaining) as the database has them."""
    with psycopg.connect(dsn(server)) as conn:
        live = "SELECT count(*) FROM gift_claims WHERE activity_id = %s AND status <> 'cancelled'"
        claims = conn.execute(live, (activity_id,)).fetchone()[0]
        left = conn.execute("SELECT gift_remaining FROM activities WHERE id = %s", (activity_id,)).fetchone()[0]
    return claims, left


def _workers() -> int:
    return 20_000 if settings.quick() else 60_000


def run(server: Server, tmpdir: str) -> list[load.LoadResult]:
    """Hello world and the claim, interleaved; then the 500-on-300 race as a note."""
    count = _workers()
    activity_id = gift_activity(server, count)
    path = os.path.join(tmpdir, "claim-tokens.txt")
    with open(path, "w") as out:
        out.write("\n".join(worker_tokens(server, count, "claims")) + "\n")
    seconds = max(2, settings.seconds() // ROUNDS)
    used = 0
    hello, claims = [], []
    for _ in range(ROUNDS):
        hello.append(load.run("hello", f"{server.base_url}/api/mp/v1/ping", seconds=seconds))
        result = load.run(
            "claim",
            f"{server.base_url}/api/mp/v1/activities/{activity_id}/claims",
            checkins.TOKENS_SCRIPT % {"body": "{}", "tokens": path, "start": used, "threads": 2, "readme": "false"},
            seconds,
        )
        used += 2 * result.requests + 64  # as bench/checkins.py: each wrk thread takes every other token
        claims.append(result)
    if used > count:
        raise RuntimeError(f"the claim rounds needed {used} workers, more than the {count} made")
    written, _ = stored(server, activity_id)
    row = checkins.combined("claim a gift (POST /api/mp/v1/activities/{id}/claims), a new worker each, one activity", claims)
    ratio = statistics.median(c.requests_per_s / h.requests_per_s for c, h in zip(claims, hello, strict=True))
    race_id = gift_activity(server, RACE_STOCK)
    answers, spent = fire(server, race_id, worker_tokens(server, RACE_CLAIMANTS, "race"))
    granted = sum(a.status_code == 201 for a in answers)
    refused = sum(a.status_code == 409 and a.json()["error"]["code"] == "gift_out_of_stock" for a in answers)
    exact = granted == RACE_STOCK and refused == RACE_CLAIMANTS - RACE_STOCK and stored(server, race_id) == (RACE_STOCK, 0)
    row.note = (
        f"{ROUNDS} rounds of {seconds} s interleaved with hello world; ratio to it (median) {ratio:.3f}; {written} claims stored."
        f" Race: {RACE_CLAIMANTS} at once on a stock of {RACE_STOCK}: {granted} granted, {refused} gift_out_of_stock"
        f" ({'exact' if exact else 'NOT EXACT'}), slowest {max(spent) * 1000:.0f} ms"
    )
    hello_row = checkins.combined("hello world, interleaved with the claims", hello)
    return [hello_row, row]
