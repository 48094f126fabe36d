"""A periodic task for tests/test_jobs.py, in a module of its own: only the workers started with
`--import tests.job_ticks` schedule it."""

from __future__ import annotations

import json
import os

from app.core import clock, jobs


@jobs.task("test.tick", cron="* * * * * */1")  # every second (croniter: seconds last)
def tick(payload: dict) -> None:
    with open(os.environ["YIZHAN_TEST_TICKS"], "a", encoding="utf-8") as out:
        out.write(json.dumps({"timestamp": payload["timestamp"], "pid": os.getpid(), "at": clock.now().isoformat()}) + "\n")
