"""The mini-program's end-to-end test of problem reports (miniprogram/tests/e2e/problems.test.js):
reporting a problem with a photo and following it, through the real pages against gunicorn on
PostgreSQL + Redis and the fake WeChat server (tests/test_miniprogram_e2e.py's runner)."""

from __future__ import annotations

from tests.test_miniprogram_e2e import run_e2e


def test_reporting_and_following_a_problem(fake_wechat):
    run_e2e(fake_wechat, "mp_problems", "tests/e2e/problems.test.js")
