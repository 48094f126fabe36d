"""WeChat's authorisation pushes over real HTTP (the fake WeChat server signs and encrypts them
as WeChat does, tests/fake_push.py): a revocation withdraws the grant and deletes what depended on
it; a cancellation closes the account; a forged, re-signed or replayed push changes nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.accounts.worker_models import Worker
from app.core.errors import Forbidden
from app.extensions import db
from app.privacy import consents
from app.privacy.models import Consent
from app.visits.models import CheckIn
from tests.conftest import RUN_ID
from tests.factories import CheckInFactory, WorkerFactory
from tests.fake_push import FakeWeChatPush, app_on_its_own_database, replay
from tests.privacy.world import traces

DB_NAME = f"{RUN_ID}_privacy_push"
TOKEN = "yizhan-fake-push-token"


@pytest.fixture(scope="module")
def push_app(fake_wechat):
    overrides = {"WECHAT_API_BASE": fake_wechat, "WECHAT_PUSH_MODE": "secure"}
    with app_on_its_own_database(DB_NAME, overrides, reference_data=True) as served:
        yield served


@pytest.fixture
def push(push_app, fake_wechat):
    app, base_url = push_app
    fake = FakeWeChatPush(fake_wechat)
    fake.reset()
    fake.configure_push(url=f"{base_url}/api/wechat/push", token=TOKEN, mode="secure")
    with app.app_context():
        worker = WorkerFactory()
        CheckInFactory(worker=worker, distance_m=42.0)
        ids = (worker.id, worker.openid)
        db.session.remove()
    yield app, fake, ids
    fake.reset()


_live = Consent.withdrawn_at.is_(None)


def state(app, worker_id: int) -> dict:
    with app.app_context():
        try:
            return {
                "worker": db.session.get(Worker, worker_id) is not None,
                "live": sorted(db.session.scalars(sa.select(Consent.feature).where(Consent.worker_id == worker_id, _live))),
                "distances": list(db.session.scalars(sa.select(CheckIn.distance_m).where(CheckIn.worker_id == worker_id))),
            }
        finally:
            db.session.remove()


def test_a_location_revocation_withdraws_the_grant_and_forgets_the_distances(push):
    app, fake, (worker_id, openid) = push
    assert fake.push_event("user_authorization_revoke", openid, 13)["answer"] == "success"
    assert state(app, worker_id) == {"worker": True, "live": ["photos"], "distances": [None]}
    with app.app_context():
        with pytest.raises(Forbidden):
            consents.require_consent(worker_id, "location")
        by = db.session.scalar(sa.select(Consent.withdrawn_by).where(Consent.worker_id == worker_id, Consent.feature == "location"))
        assert by == "wechat"
        db.session.remove()


def test_a_photo_revocation_withdraws_photos_only(push):
    app, fake, (worker_id, openid) = push
    fake.push_event("user_authorization_revoke", openid, 14)
    assert state(app, worker_id) == {"worker": True, "live": ["location"], "distances": [42.0]}


def test_a_cancellation_closes_the_account(push):
    app, fake, (worker_id, openid) = push
    assert fake.push_event("user_authorization_cancellation", openid)["answer"] == "success"
    assert state(app, worker_id)["worker"] is False
    with app.app_context():
        assert traces(openid, worker_id) == []
        db.session.remove()


def test_a_captured_signature_carrying_a_cancellation_changes_nothing(push):
    app, fake, (worker_id, openid) = push
    fake.configure_push(mode="plain")
    app.config["WECHAT_PUSH_MODE"] = "plain"
    try:
        fake.push_event("user_authorization_revoke", openid, 7)
        before = state(app, worker_id)
        (sent,) = fake.pushes()
        forged = json.loads(sent["body"]) | {"Event": "user_authorization_cancellation"}
        assert replay(sent, json.dumps(forged)).status_code == 401
        assert state(app, worker_id) == before and before["worker"] is True
    finally:
        app.config["WECHAT_PUSH_MODE"] = "secure"


def test_a_replayed_revocation_does_not_withdraw_a_consent_given_again(push):
    app, fake, (worker_id, openid) = push
    fake.push_event("user_authorization_revoke", openid, 13)
    with app.app_context():
        consents.give(worker_id, consents.latest_notice().version, ["location", "photos"])
        db.session.remove()
    (sent,) = fake.pushes()
    again = replay(sent)
    assert (again.status_code, again.text) == (200, "success")
    assert state(app, worker_id)["live"] == ["location", "photos"]


def test_a_push_signed_with_another_token_changes_nothing(push):
    app, fake, (worker_id, openid) = push
    before = state(app, worker_id)
    fake.configure_push(token="an-attackers-guess")
    assert fake.push_event("user_authorization_cancellation", openid)["status"] == 401
    assert state(app, worker_id) == before
