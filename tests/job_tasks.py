"""Tasks the job-queue tests run in real worker processes (`flask jobs worker --import
tests.job_tasks`). Each writes what it did as JSON lines to the file named in its payload, so
the test sees every attempt, whatever process made it."""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.core import clock, jobs


def _note(payload: dict, event: str) -> None:
    with open(payload["file"], "a", encoding="utf-8") as out:
        out.write(json.dumps({"tag": payload.get("tag"), "event": event, "at": clock.now().isoformat()}) + "\n")


def _wait_for_release(payload: dict) -> None:
    """Block (up to a minute) until the test creates the release file: the test kills the
    worker while the task waits here."""
    release = Path(payload["release"])
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


@jobs.task("test.record")
def record(payload: dict) -> None:
    _note(payload, "ran")


@jobs.task("test.flaky", max_attempts=5)
def flaky(payload: dict) -> None:
    """Fails (certainly without effect) until it has been tried `fail_times` times."""
    tried = _attempts(payload)
    _note(payload, "attempt")
    if tried < payload["fail_times"]:
        raise jobs.NotDone("busy")
    _note(payload, "ran")


@jobs.task("test.send_once", at_most_once=True, max_attempts=5)
def send_once(payload: dict) -> None:
    """Stands for a subscribe-message send: one allowed, never two."""
    _note(payload, "attempt")
    if payload.get("wait"):
        _wait_for_release(payload)
    outcome = payload.get("outcome", "sent")
    if outcome == "busy" and _attempts(payload) <= 1:
        raise jobs.NotDone("busy")
    if outcome == "withdrawn":
        raise jobs.GiveUp("43101")
    if outcome == "timeout":
        raise TimeoutError("no answer")
    _note(payload, "sent")


@jobs.task("test.retryable_slow")
def retryable_slow(payload: dict) -> None:
    _note(payload, "attempt")
    _wait_for_release(payload)
    _note(payload, "ran")


def _attempts(payload: dict) -> int:
    return sum(1 for line in _lines(payload) if line["event"] == "attempt" and line["tag"] == payload.get("tag"))


def _lines(payload: dict) -> list[dict]:
    path = Path(payload["file"])
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
