"""Closing an account — the worker's own request, and WeChat's cancellation push — removes the
identity and anonymises the records: every report equals what it was, `flask reports verify`
stays green, and no column of any table holds the openid or points at the old internal id."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.worker_models import Worker
from app.core import wechat_events
from app.extensions import db
from app.ratings.models import Rating
from app.visits.models import CheckIn
from tests.privacy.world import COMMENT, MP, make_world, reports, traces

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def world(client, clock, app_ctx):
    return make_world(client, clock)


def _close_by_api(world, name):
    r = world.api(name).delete(f"{MP}/me")
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"closed": True}


def _close_by_push(world, name):
    worker = world.workers[name]
    event = wechat_events.PushEvent(wechat_events.AUTHORIZATION_CANCELLATION, worker.openid, None, {"OpenID": worker.openid})
    assert wechat_events.dispatch(event) >= 1
    db.session.commit()


@pytest.mark.parametrize("close", [_close_by_api, _close_by_push], ids=["api", "push"])
@pytest.mark.parametrize("name", ["A", "K"])  # a worker with visits and comments; a keeper
def test_closing_leaves_every_report_equal_and_nothing_that_points_at_the_person(world, city_api, close, name):
    worker = world.workers[name]
    openid, worker_id = worker.openid, worker.id
    token = world.api(name)
    visits_before = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.worker_id == worker_id))
    before = reports(city_api)
    assert before["verify"] == []
    assert traces(openid, worker_id)  # the search does find the person while they are here

    close(world, name)
    db.session.expire_all()

    after = reports(city_api)
    if name == "K":  # the keeper's station has no active keeper now: a fact of today, not a count
        assert (before.pop("keepers_active")["FC0101"], after.pop("keepers_active")["FC0101"]) == (True, False)
    assert after == before
    assert traces(openid, worker_id) == []
    assert db.session.get(Worker, worker_id) is None
    # The visits count on under one anonymous stand-in, and the comments are gone.
    (stand_in,) = db.session.scalars(sa.select(Worker).where(Worker.anonymised_at.is_not(None))).all() or [None]
    if visits_before:
        assert stand_in.openid.startswith("anon:") and stand_in.worker_group is None
        moved = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.worker_id == stand_in.id))
        assert moved == visits_before
    comments_left = db.session.scalar(sa.select(sa.func.count()).select_from(Rating).where(Rating.comment == COMMENT))
    assert comments_left == (0 if name == "A" else 1)  # A's comment goes with A, and only with A
    # The old token names no one now.
    r = token.get(f"{MP}/me")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_closing_twice_and_a_push_for_someone_unknown_change_nothing(world, city_api):
    _close_by_api(world, "B")
    before = reports(city_api)
    workers = db.session.scalar(sa.select(sa.func.count()).select_from(Worker))
    event = wechat_events.PushEvent(wechat_events.AUTHORIZATION_CANCELLATION, "o-nobody-here", None, {})
    wechat_events.dispatch(event)
    db.session.commit()
    assert reports(city_api) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Worker)) == workers


def test_the_other_workers_are_untouched(world):
    b = world.workers["B"]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.worker_id == b.id))
    _close_by_api(world, "A")
    after = db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(CheckIn.worker_id == b.id))
    assert before == after == 2
    assert world.api("B").get(f"{MP}/me").status_code == 200
