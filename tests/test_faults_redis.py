"""Redis fails under the app as production runs it (gunicorn, two workers, PostgreSQL): a
private redis-server of our own (tests/faults/private_redis.py), behind a TCP proxy of our own
(tests/faults/tcp_proxy.py), is killed, or cut off with its data kept, in the middle of a
stream of check-ins. Every check-in still succeeds, none is lost and none is
counted twice; when Redis is back, the geo index of stations catches up with the changes made
while it was away, and the headcounts workers see match the rows written."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from tests.faults.private_redis import PrivateRedis
from tests.faults.tcp_proxy import TcpProxy
from tests.live import live_env, new_station, worker_headers

STREAM = 48
SLOW = 5.0  # no check-in may take longer than this, Redis or not
FAR = {"lat": 31.5200, "lng": 104.6800}  # a spot ~8 km from the stream's station


@pytest.fixture(scope="module")
def private_redis():
    with PrivateRedis() as server:
        yield server


@pytest.fixture(scope="module")
def redis_proxy(private_redis):
    with TcpProxy("127.0.0.1", private_redis.port) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def server(private_redis, redis_proxy, fake_wechat):
    from bench.server import PG_ADMIN_URL, running_app
    from tests.conftest import RUN_ID

    name = f"{RUN_ID}_faults_redis"
    env = {
        **live_env(fake_wechat, f"redis://127.0.0.1:{redis_proxy.port}/0"),
        "YIZHAN_MP_SESSION_LIMIT_PER_IP": "1000 per minute",
        "YIZHAN_CHECKIN_LIMIT_PER_IP": "10000 per minute",
    }
    with running_app(workers=2, env=env, name=name) as app_server:
        app_server.direct_db = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        app_server.prefix = name
        yield app_server


@pytest.fixture(autouse=True)
def _redis_running(private_redis, redis_proxy):
    yield
    redis_proxy.forward()
    if private_redis.process.poll() is not None:
        private_redis.start()


def index_key(server) -> str:
    return f"{server.prefix}:{{geo}}:stations:index"


def ready_key(server) -> str:
    return f"{server.prefix}:{{geo}}:stations:ready"


def visits(server, code: str) -> list[tuple[int, int]]:
    with psycopg.connect(server.direct_db) as conn:
        sql = "SELECT c.id, c.worker_id FROM checkins c JOIN stations s ON s.id = c.station_id WHERE s.code = %s"
        return conn.execute(sql, (code,)).fetchall()


def stream_of_check_ins(server, scan: str, workers: list[dict], fault, mend, tag: str) -> dict[int, tuple[requests.Response, float]]:
    """Each worker checks in once, six at a time; `fault()` runs after a quarter of the answers
    are in and `mend()` after three quarters."""
    answers = {}

    def one(n: int):
        start = time.monotonic()
        headers = {**workers[n], "Idempotency-Key": f"{tag}-{n}"}
        r = requests.post(f"{server.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": ["water"]}, headers=headers, timeout=30)
        return n, r, time.monotonic() - start

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(one, n) for n in range(len(workers))]
        for done_at, action in ((len(workers) // 4, fault), (3 * len(workers) // 4, mend)):
            while sum(f.done() for f in futures) < done_at:
                time.sleep(0.01)
            action()
        for future in futures:
            n, r, elapsed = future.result()
            answers[n] = (r, elapsed)
    return answers


def assert_every_visit_counted_once(server, code: str, answers, workers) -> None:
    slow = {n: round(t, 2) for n, (_, t) in answers.items() if t > SLOW}
    assert not slow, f"slow check-ins: {slow}"
    statuses = [r.status_code for r, _ in answers.values()]
    assert statuses == [201] * len(workers), statuses
    ids = {r.json()["id"] for r, _ in answers.values()}
    rows = visits(server, code)
    assert {row[0] for row in rows} == ids
    assert len(rows) == len(workers) == len({row[1] for row in rows})  # none lost, nobody twice
    # What workers and keepers are shown comes from the same rows.
    detail = requests.get(f"{server.base_url}/api/mp/v1/stations/{code}", headers=workers[0], timeout=10).json()
    assert detail["visits_today"]["scan"] == len(workers)


def nearby_codes(server, headers, point: dict) -> list[str]:
    r = requests.get(f"{server.base_url}/api/mp/v1/stations/nearby", params={**point, "radius_m": 2000}, headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    return [s["code"] for s in r.json()["items"]]


def indexed(server, client, headers, code: str) -> bool:
    """Whether Redis's index has the station, after a nearby search (which rebuilds it if due)."""
    nearby_codes(server, headers, FAR)
    return client.zscore(index_key(server), code) is not None


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_redis_killed_during_a_stream_of_check_ins(server, private_redis, fake_wechat):
    """Redis dies (and comes back empty, as a restart without persistence does). A station
    registered meanwhile is found by nearby at once (SQL), and in the rebuilt index after."""
    code, scan = new_station(server)
    workers = [worker_headers(server, fake_wechat, f"o-rkill-{n}") for n in range(STREAM)]
    made = {}

    def fault():
        private_redis.kill()
        made["code"] = new_station(server, name="Redis停机时登记", **FAR)[0]

    answers = stream_of_check_ins(server, scan, workers, fault, private_redis.start, "rkill")
    assert_every_visit_counted_once(server, code, answers, workers)

    client = private_redis.client()
    assert made["code"] in nearby_codes(server, workers[0], FAR)
    wait_for(lambda: indexed(server, client, workers[0], made["code"]), 10, "the index to have the new station")
    assert client.zscore(index_key(server), code) is not None


def test_redis_cut_off_during_a_stream_of_check_ins(server, redis_proxy, private_redis, fake_wechat):
    """Redis is unreachable and then back with its data (a network cut, a failover): the index
    it kept lacks the station registered meanwhile. The process that missed the change voids
    the index as soon as Redis answers, with no request needed; every process then rebuilds it."""
    code, scan = new_station(server, lat=31.4600, lng=104.7500)
    workers = [worker_headers(server, fake_wechat, f"o-rcut-{n}") for n in range(STREAM // 2)]
    client = private_redis.client()
    wait_for(lambda: nearby_codes(server, workers[0], FAR) is not None and client.exists(ready_key(server)), 10, "the index to be ready")
    point = {"lat": FAR["lat"] + 0.002, "lng": FAR["lng"]}
    made = {}

    def fault():
        redis_proxy.refuse()
        made["code"] = new_station(server, name="Redis断开时登记", **point)[0]

    answers = stream_of_check_ins(server, scan, workers, fault, redis_proxy.forward, "rcut")
    assert_every_visit_counted_once(server, code, answers, workers)

    assert client.zscore(index_key(server), made["code"]) is None  # Redis never heard of it
    wait_for(lambda: not client.exists(ready_key(server)), 5, "the index to be voided")
    wait_for(lambda: made["code"] in nearby_codes(server, workers[0], point), 10, "nearby to list the new station")
    wait_for(lambda: indexed(server, client, workers[0], made["code"]), 10, "the index to have the new station")
