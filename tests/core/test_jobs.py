"""The durable job queue (app/core/jobs) on PostgreSQL, with real worker processes
(`flask jobs worker`): jobs live and die with the transaction that scheduled them, wait for their
instant, retry with back-off, and an at-most-once task is never repeated when its worker is
killed mid-call — while an ordinary task is."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import tests.job_tasks  # noqa: F401  (registers the test tasks here too, for enqueue)
from app.core import clock, jobs
from app.extensions import db
from tests.conftest import RUN_ID, app_on_own_database

ROOT = Path(__file__).resolve().parent.parent.parent
DB_NAME = f"{RUN_ID}_jobs"
# Short beats and back-offs so a dead worker is noticed, and a retry comes, within seconds.
FAST = {
    "YIZHAN_JOBS_HEARTBEAT_SECONDS": "0.5",
    "YIZHAN_JOBS_STALLED_AFTER_SECONDS": "2",
    "YIZHAN_JOBS_POLL_SECONDS": "0.5",
    "YIZHAN_JOBS_RETRY_BASE_SECONDS": "0.5",
    "YIZHAN_JOBS_CONCURRENCY": "2",
}


@pytest.fixture(scope="module")
def jobs_db():
    with app_on_own_database(DB_NAME, {"JOBS_RETRY_BASE_SECONDS": 0.5}) as made:
        yield made


@pytest.fixture
def jobs_app(jobs_db):
    application, _ = jobs_db
    with application.app_context():
        yield application
        db.session.rollback()


@contextmanager
def worker(url: str, log: Path, modules: tuple[str, ...] = ("tests.job_tasks",), **env_vars):
    """`flask jobs worker` as a process of its own; yields the Popen (the test may kill it)."""
    env = {**os.environ, "YIZHAN_ENV": "testing", "YIZHAN_DATABASE_URL": url, "FLASK_APP": "wsgi", **FAST, **env_vars}
    env.pop("YIZHAN_REDIS_URL", None)
    imports = [arg for module in modules for arg in ("--import", module)]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "jobs", "worker", *imports],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(predicate, timeout: float = 45, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def events(path: Path, tag: str | None = None, event: str | None = None) -> list[dict]:
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if (tag is None or r["tag"] == tag) and (event is None or r["event"] == event)]


def status(job_id: int) -> str | None:
    db.session.rollback()  # a fresh snapshot: the worker changes the rows
    found = jobs.job_status(job_id)
    return found and found["status"]


def finished(job_id: int, expected: str = "succeeded"):
    return lambda: status(job_id) == expected


def test_a_job_exists_only_if_its_transaction_commits(jobs_app, jobs_db, tmp_path):
    log = tmp_path / "events.jsonl"
    rolled_back = jobs.enqueue("test.record", {"file": str(log), "tag": "rolled-back"})
    db.session.rollback()
    committed = jobs.enqueue("test.record", {"file": str(log), "tag": "committed"})
    db.session.commit()
    assert status(rolled_back) is None  # the row went with the transaction

    with worker(jobs_db[1], tmp_path / "worker.log"):
        wait_for(finished(committed), what="the committed job")
        # A job enqueued after it is done too: the worker had every chance to run the other.
        marker = jobs.enqueue("test.record", {"file": str(log), "tag": "marker"})
        db.session.commit()
        wait_for(finished(marker), what="the marker job")

    assert [e["tag"] for e in events(log)] == ["committed", "marker"]  # each once, nothing else


def test_a_delayed_job_waits_for_its_instant(jobs_app, jobs_db, tmp_path):
    log = tmp_path / "events.jsonl"
    run_at = clock.now() + timedelta(seconds=4)
    delayed = jobs.enqueue("test.record", {"file": str(log), "tag": "delayed"}, run_at=run_at)
    db.session.commit()
    with worker(jobs_db[1], tmp_path / "worker.log"):
        marker = jobs.enqueue("test.record", {"file": str(log), "tag": "marker"})
        db.session.commit()
        wait_for(finished(marker), what="the marker job")
        if clock.now() < run_at:  # (a very slow machine may get here after the instant)
            assert status(delayed) == "todo"
        wait_for(finished(delayed), what="the delayed job")
    (ran,) = events(log, "delayed")
    assert datetime.fromisoformat(ran["at"]) >= run_at


def test_a_failure_without_effect_is_retried_with_back_off(jobs_app, jobs_db, tmp_path):
    log = tmp_path / "events.jsonl"
    job = jobs.enqueue("test.flaky", {"file": str(log), "tag": "flaky", "fail_times": 2})
    db.session.commit()
    with worker(jobs_db[1], tmp_path / "worker.log"):
        wait_for(finished(job), what="the flaky job")
    attempts = [datetime.fromisoformat(e["at"]) for e in events(log, "flaky", "attempt")]
    assert len(attempts) == 3 and len(events(log, "flaky", "ran")) == 1
    # Back-off 0.5 s × 2^attempt: at least 0.5 s, then at least 1 s, between the attempts.
    assert attempts[1] - attempts[0] >= timedelta(seconds=0.5)
    assert attempts[2] - attempts[1] >= timedelta(seconds=1)
    assert jobs.job_status(job)["attempts"] == 3  # the queue counts every attempt


def test_at_most_once_outcomes(jobs_app, jobs_db, tmp_path):
    """busy → retried and sent once; 43101 (GiveUp) → final; no answer → uncertain, not retried."""
    log = tmp_path / "events.jsonl"
    ids = {
        outcome: jobs.enqueue("test.send_once", {"file": str(log), "tag": outcome, "outcome": outcome})
        for outcome in ("busy", "withdrawn", "timeout")
    }
    db.session.commit()
    with worker(jobs_db[1], tmp_path / "worker.log"):
        wait_for(finished(ids["busy"]), what="the busy send")
        wait_for(finished(ids["withdrawn"], "failed"), what="the withdrawn send")
        wait_for(finished(ids["timeout"], "failed"), what="the unanswered send")
        time.sleep(1.5)  # longer than a back-off: a wrong retry would show now
    db.session.rollback()
    assert (len(events(log, "busy", "attempt")), len(events(log, "busy", "sent"))) == (2, 1)
    assert jobs.outcome(ids["busy"]) == "done"
    assert len(events(log, "withdrawn", "attempt")) == 1 and jobs.outcome(ids["withdrawn"]) == "gave_up"
    assert len(events(log, "timeout", "attempt")) == 1 and jobs.outcome(ids["timeout"]) == "uncertain"


def test_a_worker_killed_mid_task(jobs_app, jobs_db, tmp_path):
    """SIGKILL during the call: the at-most-once send is recorded uncertain and never repeated
    after a restart; the ordinary (idempotent) task runs again and finishes."""
    log, release = tmp_path / "events.jsonl", tmp_path / "release"
    common = {"file": str(log), "release": str(release)}
    send = jobs.enqueue("test.send_once", {**common, "tag": "send", "wait": True})
    ordinary = jobs.enqueue("test.retryable_slow", {**common, "tag": "ordinary"})
    db.session.commit()

    with worker(jobs_db[1], tmp_path / "worker-1.log") as first:
        wait_for(lambda: events(log, "send", "attempt") and events(log, "ordinary", "attempt"), what="both tasks to start")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert db.session.execute(db.text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")).scalar() == 2
    release.touch()  # from now on, an attempt runs to its end

    with worker(jobs_db[1], tmp_path / "worker-2.log"):
        wait_for(finished(ordinary), what="the ordinary task to run again")
        wait_for(finished(send, "failed"), what="the interrupted send to be settled")
        time.sleep(1.5)
    db.session.rollback()
    assert len(events(log, "ordinary", "attempt")) == 2 and len(events(log, "ordinary", "ran")) == 1
    assert len(events(log, "send", "attempt")) == 1 and events(log, "send", "sent") == []
    assert jobs.outcome(send) == "uncertain"
    # What an operator sees (the module's other tests may have left uncertain sends too).
    uncertain = db.session.execute(db.text("SELECT count(*) FROM at_most_once_jobs WHERE state = 'uncertain'")).scalar()
    report = jobs_app.test_cli_runner().invoke(args=["jobs", "status"])
    assert re.search(r"test\.send_once\s+failed\s+\d+", report.output) and uncertain >= 1
    assert f"at-most-once jobs of unknown outcome: {uncertain}" in report.output


def test_a_periodic_task_runs_once_per_instant_however_many_workers(jobs_app, jobs_db, tmp_path):
    ticks = tmp_path / "ticks.jsonl"
    both = {"modules": ("tests.job_ticks",), "YIZHAN_TEST_TICKS": str(ticks)}
    with worker(jobs_db[1], tmp_path / "w1.log", **both), worker(jobs_db[1], tmp_path / "w2.log", **both):
        wait_for(lambda: len((ticks.exists() and ticks.read_text().splitlines()) or []) >= 4, what="four ticks")
    stamps = [json.loads(line)["timestamp"] for line in ticks.read_text().splitlines()]
    assert len(stamps) == len(set(stamps))  # two schedulers, each instant deferred once


def test_a_queueing_lock_refuses_a_second_waiting_job_and_spares_the_transaction(jobs_app):
    import procrastinate

    first = jobs.enqueue("test.record", {"file": "/dev/null", "tag": "a"}, run_at=clock.now() + timedelta(hours=1), queueing_lock="lock-1")
    with pytest.raises(procrastinate.exceptions.AlreadyEnqueued):
        jobs.enqueue("test.record", {"file": "/dev/null", "tag": "b"}, queueing_lock="lock-1")
    db.session.commit()  # the caller's transaction is still good
    assert status(first) == "todo"
    assert db.session.execute(db.text("SELECT count(*) FROM procrastinate_jobs WHERE queueing_lock = 'lock-1'")).scalar() == 1


def test_enqueue_refuses_an_unknown_task_and_a_naive_instant(jobs_app):
    with pytest.raises(LookupError):
        jobs.enqueue("test.no_such_task", {})
    with pytest.raises(ValueError):
        jobs.enqueue("test.record", {}, run_at=datetime(2026, 1, 1))  # noqa: DTZ001  (naive on purpose)
