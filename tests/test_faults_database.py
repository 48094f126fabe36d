"""PostgreSQL goes away under the app as production runs it (gunicorn, two workers): a TCP proxy
of our own (tests/faults/tcp_proxy.py) stands between the app and the shared PostgreSQL, and
refuses or swallows connections on command. The API answers 503 `database_unavailable` with
`Retry-After` and a Chinese message, quickly and without a stack trace; it recovers by itself
when the database returns; and what it wrote is exactly what it said it wrote."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests

from tests import services
from tests.faults.tcp_proxy import TcpProxy
from tests.live import checkin_rows, live_env, new_station, staff_headers, worker_headers

CONNECT_TIMEOUT = 2  # YIZHAN_DB_CONNECT_TIMEOUT for the app under test
FAST = CONNECT_TIMEOUT + 3  # no answer during an outage may take longer than this


def _via(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


@pytest.fixture(scope="module")
def db_proxy():
    target = urlsplit(services.PG_ADMIN_URL)
    with TcpProxy(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def server(db_proxy, fake_wechat):
    from bench.server import PG_ADMIN_URL, running_app
    from tests.conftest import RUN_ID

    name = f"{RUN_ID}_faults_db"
    env = {
        **live_env(fake_wechat, services.REDIS_TEST_URL),
        "YIZHAN_DATABASE_URL": _via(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", db_proxy.port),
        "YIZHAN_DB_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "YIZHAN_MP_SESSION_LIMIT_PER_IP": "1000 per minute",
        "YIZHAN_CHECKIN_LIMIT_PER_IP": "10000 per minute",
    }
    with running_app(workers=2, env=env, name=name) as app_server:
        app_server.direct_db = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"  # around the proxy
        yield app_server


@pytest.fixture(autouse=True)
def _proxy_mended(db_proxy):
    db_proxy.forward()
    yield
    db_proxy.forward()


def query(server, sql: str, *args):
    with psycopg.connect(server.direct_db) as conn:
        return conn.execute(sql, args).fetchall()


def assert_unavailable(r: requests.Response, elapsed: float) -> None:
    assert r.status_code == 503, (r.status_code, r.text[:500])
    assert elapsed < FAST, f"took {elapsed:.1f}s"
    body = r.json()
    assert body["error"]["code"] == "database_unavailable", body
    assert "数据库" in body["error"]["message"]
    assert int(r.headers["Retry-After"]) > 0
    assert "Traceback" not in r.text and "psycopg" not in r.text and "sqlalchemy" not in r.text.lower()


def wait_until_serving(server, headers, timeout: float = 15) -> float:
    """Seconds until the API answers from the database again (no restart, no help)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if requests.get(f"{server.base_url}/api/mp/v1/me", headers=headers, timeout=FAST).status_code == 200:
                return time.monotonic() - start
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError("the API did not recover after the database came back")


def timed(method: str, url: str, **kw) -> tuple[requests.Response, float]:
    start = time.monotonic()
    r = requests.request(method, url, timeout=30, **kw)
    return r, time.monotonic() - start


def test_database_outage_during_a_stream_of_check_ins(server, db_proxy, fake_wechat):
    """60 workers check in, 6 at a time; PostgreSQL refuses every connection for a while in the
    middle. Each answer is a visit (201) or a clean 503; after the database returns, the 503s
    are retried with their Idempotency-Key. In the end every worker has exactly one visit and
    the visits answered are exactly the rows written."""
    code, scan = new_station(server)
    workers = [worker_headers(server, fake_wechat, f"o-dbfault-{n}") for n in range(60)]
    answers: dict[int, tuple[requests.Response, float]] = {}

    def check_in(n: int):
        headers = {**workers[n], "Idempotency-Key": f"dbfault-{n}"}
        return n, timed("POST", f"{server.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": ["water"]}, headers=headers)

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(check_in, n) for n in range(60)]
        while sum(f.done() for f in futures) < 15:
            time.sleep(0.01)
        db_proxy.refuse()  # mid-stream: open connections reset, new ones refused
        time.sleep(2.0)
        db_proxy.forward()
        for future in futures:
            n, answer = future.result()
            answers[n] = answer

    failed = [n for n, (r, _) in answers.items() if r.status_code != 201]
    for n in failed:
        assert_unavailable(*answers[n])
    assert failed, "the outage should have hit some check-ins"
    assert len(failed) < 60

    wait_until_serving(server, workers[0])
    for n in failed:  # the client's retry, as the mini-program does on 503
        answers[n] = check_in(n)[1]
        assert answers[n][0].status_code == 201, answers[n][0].text

    ids = {r.json()["id"] for r, _ in answers.values()}
    rows = query(server, "SELECT c.id, c.worker_id FROM checkins c JOIN stations s ON s.id = c.station_id WHERE s.code = %s", code)
    assert {row[0] for row in rows} == ids
    assert len(ids) == 60 == checkin_rows(server, code)
    assert len({row[1] for row in rows}) == 60  # nobody twice
    # Each visit's Idempotency-Key was stored with it, or not at all.
    keys = query(server, "SELECT count(*) FROM idempotency_records WHERE checkin_id = ANY(%s)", sorted(ids))[0][0]
    assert keys == 60


def test_staff_writes_during_an_outage_leave_nothing_behind(server, db_proxy):
    headers = staff_headers(server)
    before = query(server, "SELECT (SELECT count(*) FROM stations), (SELECT count(*) FROM audit_log)")
    db_proxy.refuse()
    body = {
        "name": "停库时登记",
        "district": "FC",
        "address": "绵阳市涪城区",
        "lat": 31.4567,
        "lng": 104.7462,
        "build_mode": "self_built",
        "opening_hours": {"always_open": True},
    }
    for _ in range(4):  # both gunicorn workers, pooled connections or not
        assert_unavailable(*timed("POST", f"{server.base_url}/api/staff/v1/stations", json=body, headers=headers))
    r, elapsed = timed("GET", f"{server.base_url}/healthz")
    assert r.status_code == 503 and elapsed < FAST
    assert r.json()["status"] == "down"
    db_proxy.forward()
    deadline = time.monotonic() + 15
    while requests.get(f"{server.base_url}/healthz", timeout=FAST).status_code != 200:
        assert time.monotonic() < deadline, "health did not recover"
        time.sleep(0.2)
    assert query(server, "SELECT (SELECT count(*) FROM stations), (SELECT count(*) FROM audit_log)") == before
    r = requests.post(f"{server.base_url}/api/staff/v1/stations", json=body, headers=headers, timeout=FAST)
    assert r.status_code == 201, r.text


def test_a_hung_database_costs_the_connect_timeout_not_a_hang(server, db_proxy, fake_wechat):
    """New connections are accepted and never answered: each request gives up after the
    connect timeout with the same 503, and the API is back once the database answers."""
    headers = worker_headers(server, fake_wechat, "o-dbhang")
    db_proxy.blackhole()
    for _ in range(3):
        r, elapsed = timed("GET", f"{server.base_url}/api/mp/v1/me", headers=headers)
        assert_unavailable(r, elapsed)
        assert elapsed >= CONNECT_TIMEOUT * 0.8  # it did wait for the database, then gave up
    db_proxy.forward()
    assert wait_until_serving(server, headers) < 10
