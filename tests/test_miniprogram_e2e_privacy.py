"""The mini-program's privacy pages end to end (miniprogram/tests/e2e/privacy.test.js): the served
notice and consent, a located check-in only after it, the worker's data taken away, the account
closed — against gunicorn on PostgreSQL + Redis, through tests/test_miniprogram_e2e.py's runner."""

from __future__ import annotations

from tests.test_miniprogram_e2e import run_e2e


def test_the_privacy_pages_against_the_backend(fake_wechat):
    run_e2e(fake_wechat, "miniprogram_privacy", "tests/e2e/privacy")
