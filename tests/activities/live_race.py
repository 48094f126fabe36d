"""The claim race against the app as production runs it, shared by the test and `make bench`:
an activity with a gift through the staff API, N workers made in its database with tokens minted
by the app's own token code, and N claims fired at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg
import requests
from flask import Flask

from app.accounts import tokens
from app.core import clock
from tests.live import new_station, staff_headers


def dsn(server) -> str:
    return server.env["DATABASE_URL"].replace("+psycopg", "")


def gift_activity(server, stock: int) -> int:
    code, _ = new_station(server)
    start = clock.now() + timedelta(hours=2)
    body = {
        "kind": "cooling",
        "title": "送清凉：清凉包",
        "district": "FC",
        "stations": [code],
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(),
        "gift": {"name": "清凉包", "stock": stock},
    }
    r = requests.post(f"{server.base_url}/api/staff/v1/activities", json=body, headers=staff_headers(server), timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def worker_tokens(server, count: int, tag: str) -> list[str]:
    """`count` workers straight into the database (signing 500 people in through WeChat is not
    what is measured), each with a token the server accepts."""
    with psycopg.connect(dsn(server)) as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "INSERT INTO workers (openid, created_at, last_seen_at) SELECT 'o-race-' || %s || '-' || n, now(), now() "
                "FROM generate_series(1, %s) n RETURNING id",
                (tag, count),
            )
        ]
    signer = Flask(__name__)
    signer.config["SECRET_KEY"] = server.env["SECRET_KEY"]
    with signer.app_context():
        return [tokens.issue(tokens.WORKER, {"wid": worker_id}, timedelta(hours=1)).token for worker_id in ids]


def fire(server, activity_id: int, worker_tokens: list[str], connections: int | None = None) -> tuple[list[requests.Response], list[float]]:
    """Every token claims once; with `connections` None all start together (a barrier), else
    that many at a time. Returns the answers and each request's seconds."""
    url = f"{server.base_url}/api/mp/v1/activities/{activity_id}/claims"
    start = threading.Barrier(len(worker_tokens)) if connections is None else None
    local = threading.local()

    def one(token: str) -> tuple[requests.Response, float]:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        if start is not None:
            start.wait()
        began = time.perf_counter()
        answer = session.post(url, json={}, headers={"Authorization": f"Bearer {token}"}, timeout=120)
        return answer, time.perf_counter() - began

    with ThreadPoolExecutor(connections or len(worker_tokens)) as pool:
        results = list(pool.map(one, worker_tokens))
    return [r for r, _ in results], [s for _, s in results]


def stored(server, activity_id: int) -> tuple[int, int]:
    """(live claims, gifts remaining) as the database has them."""
    with psycopg.connect(dsn(server)) as conn:
        claims = conn.execute(
            "SELECT count(*) FROM gift_claims WHERE activity_id = %s AND status <> 'cancelled'", (activity_id,)
        ).fetchone()[0]
        left = conn.execute("SELECT gift_remaining FROM activities WHERE id = %s", (activity_id,)).fetchone()[0]
    return claims, left
