"""500 workers claim a gift of 300 at once, through gunicorn with four worker processes on one
PostgreSQL database: exactly 300 claims, 200 clear refusals (gift_out_of_stock), a stock of 0 —
never below. And one worker's 20 simultaneous claims make exactly one."""

from __future__ import annotations

import pytest

from bench.claims import RACE_CLAIMANTS, RACE_STOCK, fire, gift_activity, stored
from bench.people import worker_tokens
from bench.server import running_app
from tests.conftest import RUN_ID
from tests.live import live_env
from tests.services import REDIS_TEST_URL

STOCK, CLAIMANTS = RACE_STOCK, RACE_CLAIMANTS  # bench/claims.py measures the same race


@pytest.fixture(scope="module")
def server(fake_wechat):
    with running_app(workers=4, env=live_env(fake_wechat, REDIS_TEST_URL), name=f"{RUN_ID}_claim_race"[:63]) as running:
        yield running


def test_500_claims_on_300_hand_out_exactly_300(server):
    activity_id = gift_activity(server, STOCK)
    answers, _ = fire(server, activity_id, worker_tokens(server, CLAIMANTS, "stock"))
    statuses = [a.status_code for a in answers]
    assert statuses.count(201) == STOCK, sorted(set(statuses))
    refused = [a.json()["error"]["code"] for a in answers if a.status_code != 201]
    assert refused == ["gift_out_of_stock"] * (CLAIMANTS - STOCK)
    assert len({a.json()["voucher"] for a in answers if a.status_code == 201}) == STOCK
    assert stored(server, activity_id) == (STOCK, 0)


def test_one_workers_simultaneous_claims_make_one(server):
    activity_id = gift_activity(server, STOCK)
    (token,) = worker_tokens(server, 1, "same")
    answers, _ = fire(server, activity_id, [token] * 20)
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {"already_claimed"}
    assert stored(server, activity_id) == (1, STOCK - 1)
