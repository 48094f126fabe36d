"""Check-ins against the app as it runs in production (tests/live.py), with Redis up and
unreachable: two gunicorn workers, one database, many concurrent requests."""

from __future__ import annotations

import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.server import BIN, ROOT
from tests.live import checkin_rows, new_station, worker_headers
from tests.services import REDIS_TEST_URL

CONCURRENT = 50


def test_concurrent_identical_check_ins_make_exactly_one_visit(live, fake_wechat, request):
    code, scan = new_station(live)
    headers = worker_headers(live, fake_wechat, f"o-concurrent-{request.node.callspec.id}")
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
    assert checkin_rows(live, code) == 1


def test_replayed_idempotency_key_across_workers(live, fake_wechat, request):
    code, scan = new_station(live)
    headers = {**worker_headers(live, fake_wechat, f"o-idem-{request.node.callspec.id}"), "Idempotency-Key": "k-1"}
    answers = [requests.post(f"{live.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": []}, headers=headers) for _ in range(6)]
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["id"] for r in answers}) == 1
    assert checkin_rows(live, code) == 1


def test_distinct_workers_are_distinct_visits(live, fake_wechat, request):
    code, scan = new_station(live)
    workers = [worker_headers(live, fake_wechat, f"o-many-{request.node.callspec.id}-{n}") for n in range(10)]
    with ThreadPoolExecutor(10) as pool:
        answers = list(
            pool.map(
                lambda h: requests.post(f"{live.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": []}, headers=h),
                workers,
            )
        )
    assert [r.status_code for r in answers] == [201] * 10
    assert checkin_rows(live, code) == 10


def test_health_says_what_redis_is_doing(live):
    body = requests.get(f"{live.base_url}/healthz").json()
    expected = "ok" if live.env["YIZHAN_REDIS_URL"] == REDIS_TEST_URL else "degraded"
    assert body["status"] == expected


def test_rollups_equal_raw_after_concurrent_scans(live, fake_wechat, request):
    """Duplicates, one worker at two stations at the same instant, and many workers at once,
    through two gunicorn workers: `flask reports verify` then finds the rollups equal to a
    recount of the raw visits."""
    run = request.node.callspec.id
    scans = [new_station(live, name=f"汇总站点{n}")[1] for n in range(2)]
    workers = [worker_headers(live, fake_wechat, f"o-rollup-{run}-{n}") for n in range(6)]
    # Each worker scans each station three times at once: 36 requests, 12 visits.
    jobs = [(headers, scan) for headers in workers for scan in scans for _ in range(3)]
    start = threading.Barrier(len(jobs))

    def one(job):
        headers, scan = job
        start.wait()
        return requests.post(
            f"{live.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": ["water", "toilet"]}, headers=headers, timeout=30
        )

    with ThreadPoolExecutor(len(jobs)) as pool:
        statuses = [r.status_code for r in pool.map(one, jobs)]
    assert statuses.count(201) == len(workers) * len(scans), statuses
    assert statuses.count(200) == len(jobs) - len(workers) * len(scans), statuses
    verify = subprocess.run([str(BIN / "flask"), "reports", "verify"], env=live.env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "一致" in verify.stdout
