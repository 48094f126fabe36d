"""WeChat slow or failing, against the app as production runs it (gunicorn, two workers,
PostgreSQL, Redis) and the fake WeChat server's fault switches (`/__control/faults`): sign-in
and the comment check give up within WECHAT_TIMEOUT with a clear code, and workers already
signed in check in as if nothing happened, each visit counted once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from tests import services
from tests.live import live_env, new_station, worker_headers
from tests.wechat_server import FakeWeChat

TIMEOUT = 1.0  # WECHAT_TIMEOUT of the app under test
FAST = TIMEOUT + 2.0  # the longest any answer may take while WeChat is slow or down
SESSION = "sns/jscode2session"
CHECK = "wxa/msg_sec_check"


@pytest.fixture(scope="module")
def server(fake_wechat):
    from bench.server import PG_ADMIN_URL, running_app
    from tests.conftest import RUN_ID

    name = f"{RUN_ID}_faults_wechat"
    env = {
        **live_env(fake_wechat, services.REDIS_TEST_URL),
        "YIZHAN_WECHAT_TIMEOUT": str(TIMEOUT),
        "YIZHAN_MP_SESSION_LIMIT_PER_IP": "1000 per minute",
        "YIZHAN_CHECKIN_LIMIT_PER_IP": "10000 per minute",
        "YIZHAN_RATING_LIMIT_PER_IP": "10000 per minute",
    }
    with running_app(workers=2, env=env, name=name) as app_server:
        app_server.direct_db = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        yield app_server


@pytest.fixture
def wechat(fake_wechat):
    control = FakeWeChat(fake_wechat)
    control.clear_faults()
    yield control
    control.clear_faults()


def timed(method: str, url: str, **kw) -> tuple[requests.Response, float]:
    start = time.monotonic()
    r = requests.request(method, url, timeout=30, **kw)
    return r, time.monotonic() - start


FAULTS = {
    "slow": ({"delay": 5}, 503, "wechat_unavailable"),
    "HTTP 500": ({"status": 500}, 503, "wechat_unavailable"),
    "busy (-1)": ({"errcode": -1}, 503, "wechat_unavailable"),
    "connection dropped": ({"drop": True}, 503, "wechat_unavailable"),
    "login quota (45011)": ({"errcode": 45011}, 429, "wechat_rate_limited"),
    "risky user (40226)": ({"errcode": 40226}, 403, "wechat_user_blocked"),
}


@pytest.mark.parametrize(("fault", "status", "code"), FAULTS.values(), ids=FAULTS.keys())
def test_sign_in_fails_fast_with_a_clear_code(server, wechat, fault, status, code):
    login_code = wechat.login_code("o-wxfault-login")
    wechat.fail(SESSION, **fault)
    r, elapsed = timed("POST", f"{server.base_url}/api/mp/v1/session", json={"code": login_code})
    assert elapsed < FAST, f"took {elapsed:.1f}s"
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"] and not body["error"]["message"].isascii()  # Chinese, for the worker
    if status in (503, 429):
        assert int(r.headers["Retry-After"]) > 0
    assert "token" not in body


@pytest.mark.parametrize("fault", [{"delay": 5}, {"status": 502}, {"drop": True}], ids=["slow", "HTTP 502", "dropped"])
def test_a_comment_wechat_cannot_check_is_held_quickly(server, wechat, fake_wechat, fault):
    _code, scan = new_station(server)
    headers = worker_headers(server, fake_wechat, f"o-wxfault-rate-{next(iter(fault))}")
    visit = requests.post(f"{server.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": []}, headers=headers, timeout=10)
    assert visit.status_code == 201, visit.text
    wechat.fail(CHECK, **fault)
    wechat.fail("cgi-bin/token", **fault)
    r, elapsed = timed(
        "POST",
        f"{server.base_url}/api/mp/v1/checkins/{visit.json()['id']}/rating",
        json={"score": 4, "comment": "水很干净"},
        headers=headers,
    )
    assert elapsed < 2 * FAST, f"took {elapsed:.1f}s"  # at most the token fetch and the check, each timed out
    assert r.status_code == 201, r.text
    assert r.json()["comment_status"] == "review"  # held for staff: neither lost nor published


def test_check_ins_of_signed_in_workers_are_unaffected(server, wechat, fake_wechat):
    """WeChat hangs on every path while 30 signed-in workers check in, 6 at a time."""
    code, scan = new_station(server)
    workers = [worker_headers(server, fake_wechat, f"o-wxfault-ci-{n}") for n in range(30)]
    wechat.fail("*", delay=10)

    def one(n: int):
        return timed("POST", f"{server.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": ["water"]}, headers=workers[n])

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(one, range(30)))
    assert [r.status_code for r, _ in answers] == [201] * 30
    assert max(t for _, t in answers) < FAST
    with psycopg.connect(server.direct_db) as conn:
        rows = conn.execute("SELECT c.id FROM checkins c JOIN stations s ON s.id = c.station_id WHERE s.code = %s", (code,)).fetchall()
    assert {row[0] for row in rows} == {r.json()["id"] for r, _ in answers}
    assert len(rows) == 30
