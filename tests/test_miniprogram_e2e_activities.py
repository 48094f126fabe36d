"""The mini-program's care activities end to end (miniprogram/tests/e2e/activities.test.js): a
worker claims a gift on the activity page and gets a voucher QR, the station's keeper hands it
out once — the real pages against gunicorn on PostgreSQL and Redis (tests/test_miniprogram_e2e.py)."""

from __future__ import annotations

from tests.test_miniprogram_e2e import run_e2e


def test_claim_voucher_hand_out(fake_wechat):
    run_e2e(fake_wechat, "miniprogram_activities", "tests/e2e/activities.test.js")
