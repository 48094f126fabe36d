"""Check-ins against the app as it runs in production: gunicorn with two worker processes on a
fresh PostgreSQL database, the fake WeChat server for sign-in, and Redis up or unreachable.
Everything goes over HTTP, as the mini-program would."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from bench.server import STAFF_PASSWORD, STAFF_USER, running_app
from tests.conftest import RUN_ID
from tests.services import REDIS_TEST_URL
from tests.wechat_server import FakeWeChat

pytestmark = pytest.mark.needs_postgres
CONCURRENT = 50
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


@pytest.fixture(scope="module", params=["redis", "redis-unreachable"])
def live(request, fake_wechat):
    env = {
        "YIZHAN_ENV": "development",
        "WECHAT_API_BASE": fake_wechat,
        "WECHAT_APPID": "wxfake0000000000",
        "WECHAT_SECRET": "fake-secret",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "REDIS_URL": REDIS_TEST_URL if request.param == "redis" else DEAD_REDIS,
        "YIZHAN_CHECKIN_LIMIT_PER_WORKER": "1000 per minute",
    }
    with running_app(workers=2, env=env, name=f"{RUN_ID}_live_{request.param.replace('-', '_')}") as server:
        yield server


def _staff_headers(server) -> dict:
    r = requests.post(f"{server.base_url}/api/staff/v1/auth/login", json={"username": STAFF_USER, "password": STAFF_PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _station_scan(server) -> tuple[str, str]:
    headers = _staff_headers(server)
    body = {
        "name": "并发测试站点",
        "district": "FC",
        "address": "绵阳市涪城区临园路1号",
        "lat": 31.4567,
        "lng": 104.7462,
        "build_mode": "self_built",
        "opening_hours": {"always_open": True},
    }
    r = requests.post(f"{server.base_url}/api/staff/v1/stations", json=body, headers=headers)
    r.raise_for_status()
    code = r.json()["code"]
    sign = requests.get(f"{server.base_url}/api/staff/v1/stations/{code}/sign", headers=headers).json()
    return code, sign["url"]


def _worker_headers(server, fake_wechat, openid: str) -> dict:
    code = FakeWeChat(fake_wechat).login_code(openid)
    r = requests.post(f"{server.base_url}/api/mp/v1/session", json={"code": code})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _rows(server, code: str) -> int:
    with psycopg.connect(server.env["DATABASE_URL"].replace("+psycopg", "")) as conn:
        return conn.execute(
            "SELECT count(*) FROM checkins c JOIN stations s ON s.id = c.station_id WHERE s.code = %s", (code,)
        ).fetchone()[0]


def test_concurrent_identical_check_ins_make_exactly_one_visit(live, fake_wechat, request):
    code, scan = _station_scan(live)
    headers = _worker_headers(live, fake_wechat, f"o-concurrent-{request.node.callspec.id}")
    start = threading.Barrier(CONCURRENT)

    def one(_):
        start.wait()
        return requests.post(f"{live.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": ["water"]}, headers=headers, timeout=30)

    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(one, range(CONCURRENT)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(201) == 1, statuses
    assert statuses.count(200) == CONCURRENT - 1, statuses
    assert len({r.json()["id"] for r in answers}) == 1
    assert _rows(live, code) == 1


def test_replayed_idempotency_key_across_workers(live, fake_wechat, request):
    code, scan = _station_scan(live)
    headers = {**_worker_headers(live, fake_wechat, f"o-idem-{request.node.callspec.id}"), "Idempotency-Key": "k-1"}
    answers = [
        requests.post(f"{live.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": []}, headers=headers)
        for _ in range(6)
    ]
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["id"] for r in answers}) == 1
    assert _rows(live, code) == 1


def test_distinct_workers_are_distinct_visits(live, fake_wechat, request):
    code, scan = _station_scan(live)
    workers = [_worker_headers(live, fake_wechat, f"o-many-{request.node.callspec.id}-{n}") for n in range(10)]
    with ThreadPoolExecutor(10) as pool:
        answers = list(
            pool.map(
                lambda h: requests.post(f"{live.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": []}, headers=h),
                workers,
            )
        )
    assert [r.status_code for r in answers] == [201] * 10
    assert _rows(live, code) == 10


def test_health_says_what_redis_is_doing(live):
    body = requests.get(f"{live.base_url}/healthz").json()
    expected = "ok" if live.env["REDIS_URL"] == REDIS_TEST_URL else "degraded"
    assert body["status"] == expected
