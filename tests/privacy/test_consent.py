"""The privacy notice and consent: served by the API, answered with its version, asked again
for a new version; a check-in with a location and the photo feature are refused until consent
(403 privacy_consent_required), and a check-in without a location is not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.core.errors import Forbidden
from app.extensions import db
from app.privacy import consents
from app.privacy.models import Consent
from app.visits.models import CheckIn
from tests.assertions import assert_error
from tests.conftest import worker_signed_in
from tests.factories import StationFactory, WorkerFactory

MP = "/api/mp/v1"
ALWAYS = {"always_open": True, "weekly": []}


@pytest.fixture
def newcomer(client, app_ctx):
    """A worker who has not answered the notice yet."""
    worker = WorkerFactory(consented=False)
    return worker, worker_signed_in(client, worker)


def check_in(api, station, located: bool):
    from app.signs.tokens import url_for_sign

    body = {"scan": url_for_sign(station), "services": ["water"]}
    if located:
        body["location"] = {"lat": float(station.lat) + 0.0005, "lng": float(station.lng)}
    return api.post(f"{MP}/checkins", json=body)


def test_the_notice_is_served_to_anyone(anon_api, app_ctx):
    r = anon_api.get(f"{MP}/privacy/notice")
    assert r.status_code == 200
    body = r.get_json()
    assert body["version"] == 1 and body["title"] == "驿站小程序用户隐私保护指引"
    assert [f["code"] for f in body["features"]] == ["location", "photos"]
    assert any("位置" in s["heading"] for s in body["sections"])


def test_a_located_check_in_needs_consent_and_an_unlocated_one_does_not(newcomer):
    _, api = newcomer
    station = StationFactory(opening_hours=ALWAYS)
    assert api.get(f"{MP}/me/consent").get_json() == {
        "notice_version": 1,
        "needs_consent": True,
        "granted": {"location": None, "photos": None},
    }
    refused = check_in(api, station, located=True)
    assert_error(refused, 403, "privacy_consent_required")
    assert refused.get_json()["error"]["details"] == {"feature": "location"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    unlocated = check_in(api, station, located=False)
    assert unlocated.status_code == 201 and unlocated.get_json()["located"] is False

    r = api.put(f"{MP}/me/consent", json={"notice_version": 1, "features": ["location"]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["needs_consent"] is False and r.get_json()["granted"]["location"] is not None
    assert r.get_json()["granted"]["photos"] is None
    other = StationFactory(opening_hours=ALWAYS)
    located = check_in(api, other, located=True)
    assert located.status_code == 201 and located.get_json()["located"] is True
    # Only the distance is kept, never the coordinates: the table has no column for them.
    columns = {c.name for c in CheckIn.__table__.columns}
    assert not {"lat", "lng"} & columns and located.get_json()["distance_m"] < 100


def test_a_refusal_is_an_answer_and_a_withdrawal_stops_the_feature(newcomer):
    worker, api = newcomer
    station = StationFactory(opening_hours=ALWAYS)
    r = api.put(f"{MP}/me/consent", json={"notice_version": 1, "features": []})
    assert r.get_json() == {"notice_version": 1, "needs_consent": False, "granted": {"location": None, "photos": None}}
    assert_error(check_in(api, station, located=True), 403, "privacy_consent_required")
    api.put(f"{MP}/me/consent", json={"notice_version": 1, "features": ["location", "photos"]})
    consents.require_consent(worker.id, "photos")  # no refusal
    api.put(f"{MP}/me/consent", json={"notice_version": 1, "features": ["location"]})  # photos withdrawn
    with pytest.raises(Forbidden) as refused:
        consents.require_consent(worker.id, "photos")
    assert refused.value.code == "privacy_consent_required" and refused.value.details == {"feature": "photos"}
    history = db.session.scalars(sa.select(Consent).where(Consent.worker_id == worker.id, Consent.feature == "photos")).all()
    assert [c.withdrawn_by for c in history] == ["worker", "worker"]  # the refusal, then the grant withdrawn


def test_a_new_notice_version_asks_again(worker_api, worker):
    station = StationFactory(opening_hours=ALWAYS)
    assert check_in(worker_api, station, located=True).status_code == 201
    notice = consents.publish_notice("驿站小程序用户隐私保护指引（第二版）", [{"heading": "新增", "text": "……"}])
    assert notice.version == 2
    assert worker_api.get(f"{MP}/privacy/notice").get_json()["version"] == 2
    assert worker_api.get(f"{MP}/me/consent").get_json()["needs_consent"] is True
    assert_error(check_in(worker_api, StationFactory(opening_hours=ALWAYS), located=True), 403, "privacy_consent_required")
    with pytest.raises(Forbidden):
        consents.require_consent(worker.id, "photos")
    # Answering the old version is refused: the worker must see the new one.
    assert_error(worker_api.put(f"{MP}/me/consent", json={"notice_version": 1, "features": ["location"]}), 409, "privacy_notice_outdated")
    assert worker_api.put(f"{MP}/me/consent", json={"notice_version": 2, "features": ["location"]}).status_code == 200
    assert check_in(worker_api, StationFactory(opening_hours=ALWAYS), located=True).status_code == 201


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"notice_version": 1, "features": ["contacts"]}, "validation_error"),
        ({"notice_version": 1}, "validation_error"),
        ({"features": ["location"]}, "validation_error"),
        ({"notice_version": "x", "features": []}, "validation_error"),
        ({"notice_version": 99, "features": []}, "privacy_notice_outdated"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(newcomer, body, code):
    worker, api = newcomer
    r = api.put(f"{MP}/me/consent", json=body)
    assert r.status_code in (409, 422) and r.get_json()["error"]["code"] == code
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent).where(Consent.worker_id == worker.id)) == 0


def test_consent_needs_a_signed_in_worker(anon_api, app_ctx):
    for method, url in (("get", "/me/consent"), ("put", "/me/consent"), ("get", "/me/data"), ("delete", "/me")):
        assert_error(getattr(anon_api, method)(f"{MP}{url}", json={}), 401, "unauthorized")


def test_a_new_notice_is_published_from_the_command_line(app, newcomer, tmp_path):
    import json

    path = tmp_path / "notice.json"
    path.write_text(json.dumps({"title": "第二版指引", "sections": [{"heading": "新增", "text": "照片保存 90 天"}]}, ensure_ascii=False))
    result = app.test_cli_runner().invoke(args=["privacy", "publish-notice", str(path)])
    assert result.exit_code == 0, result.output
    assert consents.latest_notice().title == "第二版指引"
    path.write_text(json.dumps({"title": "没有内容"}))
    assert app.test_cli_runner().invoke(args=["privacy", "publish-notice", str(path)]).exit_code == 1
    assert app.test_cli_runner().invoke(args=["privacy", "retention"]).exit_code == 0
