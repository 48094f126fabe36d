"""Check-in, the service headcount: one visit per worker, station and dedupe window."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.models import CheckIn
from app.services import geo, sign_tokens
from tests.conftest import worker_signed_in
from tests.factories import StationFactory, WorkerFactory

CHECKINS = "/api/mp/v1/checkins"
ALWAYS = {"always_open": True, "weekly": []}


def open_station(**kw):
    return StationFactory(opening_hours=ALWAYS, **kw)


def scan_of(station) -> str:
    return sign_tokens.url_for_sign(station)


def visits(station=None) -> int:
    query = sa.select(sa.func.count()).select_from(CheckIn)
    if station is not None:
        query = query.where(CheckIn.station_id == station.id)
    return db.session.scalar(query)


def check_in(api, station, **body):
    return api.post(CHECKINS, json={"scan": scan_of(station), "services": ["water"], **body})


def test_first_scan_is_a_visit(worker_api, app_ctx):
    station = open_station()
    r = check_in(worker_api, station, services=["water", "toilet"])
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["station"] == {"code": station.code, "name": station.name}
    assert (body["source"], body["located"], body["deduplicated"]) == ("scan", False, False)
    assert body["services"] == ["toilet", "water"]
    assert visits(station) == 1


def test_second_scan_in_the_window_is_the_same_visit(worker_api, app_ctx):
    station = open_station()
    first = check_in(worker_api, station).get_json()
    again = check_in(worker_api, station)
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"] and again.get_json()["deduplicated"] is True
    assert visits(station) == 1


def test_a_scan_after_the_window_is_a_new_visit(app, worker_api, app_ctx, monkeypatch):

    station = open_station()
    first = check_in(worker_api, station).get_json()
    later = clock.now() + timedelta(minutes=app.config["CHECKIN_DEDUPE_MINUTES"] + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    r = check_in(worker_api, station)
    assert r.status_code == 201 and r.get_json()["id"] != first["id"]
    assert visits(station) == 2


def test_the_window_is_configurable(app, worker_api, app_ctx, monkeypatch):

    monkeypatch.setitem(app.config, "CHECKIN_DEDUPE_MINUTES", 5)
    station = open_station()
    check_in(worker_api, station)
    later = clock.now() + timedelta(minutes=6)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert check_in(worker_api, station).status_code == 201


def test_other_workers_and_stations_are_other_visits(client, worker_api, app_ctx):
    a, b = open_station(), open_station()
    assert check_in(worker_api, a).status_code == 201
    assert check_in(worker_api, b).status_code == 201
    other = worker_signed_in(client, WorkerFactory())
    assert check_in(other, a).status_code == 201
    assert visits() == 3


def test_scene_of_a_mini_program_code_works_too(worker_api, app_ctx):
    station = open_station()
    r = worker_api.post(CHECKINS, json={"scan": sign_tokens.scene_for(station), "services": []})
    assert r.status_code == 201


def test_the_scanned_url_as_the_mini_program_receives_it(worker_api, app_ctx):
    from urllib.parse import quote

    station = open_station()
    r = worker_api.post(CHECKINS, json={"scan": quote(scan_of(station), safe=""), "services": []})
    assert r.status_code == 201


# --- idempotency ------------------------------------------------------------------------------------


def test_a_replayed_idempotency_key_gets_the_same_answer(worker_api, app_ctx):
    station = open_station()
    headers = {"Idempotency-Key": "req-0001"}
    first = worker_api.post(CHECKINS, json={"scan": scan_of(station), "services": ["water"]}, headers=headers)
    replay = worker_api.post(CHECKINS, json={"scan": scan_of(station), "services": ["water"]}, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert first.get_json() == replay.get_json()
    assert visits(station) == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(worker_api, app_ctx):
    a, b = open_station(), open_station()
    headers = {"Idempotency-Key": "req-0002"}
    worker_api.post(CHECKINS, json={"scan": scan_of(a), "services": []}, headers=headers)
    r = worker_api.post(CHECKINS, json={"scan": scan_of(b), "services": []}, headers=headers)
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "idempotency_key_reused"
    assert visits(b) == 0


def test_idempotency_keys_are_per_worker(client, worker_api, app_ctx):
    station = open_station()
    headers = {"Idempotency-Key": "same-key"}
    worker_api.post(CHECKINS, json={"scan": scan_of(station), "services": []}, headers=headers)
    other = worker_signed_in(client, WorkerFactory())
    r = other.post(CHECKINS, json={"scan": scan_of(station), "services": []}, headers=headers)
    assert r.status_code == 201
    assert visits(station) == 2


def test_a_bad_idempotency_key_is_refused(worker_api, app_ctx):
    station = open_station()
    r = worker_api.post(CHECKINS, json={"scan": scan_of(station), "services": []}, headers={"Idempotency-Key": "x" * 129})
    assert r.status_code == 422
    assert visits(station) == 0


# --- location -----------------------------------------------------------------------------------------


def test_a_located_check_in_near_the_station(worker_api, app_ctx):
    station = open_station()
    r = check_in(worker_api, station, location={"lat": station.lat + 0.001, "lng": station.lng})
    assert r.status_code == 201
    body = r.get_json()
    assert body["located"] is True and 100 < body["distance_m"] < 120


def test_beyond_the_geofence_is_refused_with_the_distance(worker_api, app_ctx):
    station = open_station()
    r = check_in(worker_api, station, location={"lat": station.lat + 0.01, "lng": station.lng})
    assert r.status_code == 403
    error = r.get_json()["error"]
    assert error["code"] == "too_far"
    assert 1000 < error["details"]["distance_m"] < 1200 and error["details"]["limit_m"] == 500
    assert "米" in error["message"]
    assert visits(station) == 0


def test_gps_location_is_converted_before_the_geofence(worker_api, app_ctx):
    station = open_station()
    w_lat, w_lng = geo.gcj02_to_wgs84(station.lat, station.lng)
    ok = check_in(worker_api, station, location={"lat": w_lat, "lng": w_lng, "datum": "wgs84"})
    assert ok.status_code == 201 and ok.get_json()["distance_m"] < 1


def test_the_geofence_radius_is_configurable(app, worker_api, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_GEOFENCE_M", 50)
    station = open_station()
    assert check_in(worker_api, station, location={"lat": station.lat + 0.001, "lng": station.lng}).status_code == 403


# --- refusals ------------------------------------------------------------------------------------------


def test_a_forged_scan_is_refused(worker_api, app_ctx):
    station = open_station()
    url = scan_of(station)
    r = worker_api.post(CHECKINS, json={"scan": url[:-1] + ("A" if url[-1] != "A" else "B"), "services": []})
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "scan_invalid"
    assert visits() == 0


def test_an_old_sign_is_refused(fc_api, worker_api, app_ctx):
    station = open_station()
    old = scan_of(station)
    fc_api.post(f"/api/staff/v1/stations/{station.code}/sign/reissue")
    r = worker_api.post(CHECKINS, json={"scan": old, "services": []})
    assert r.status_code == 410
    assert r.get_json()["error"]["code"] == "sign_outdated"
    assert "新标牌" in r.get_json()["error"]["message"]


def test_a_retired_station_is_refused(fc_api, worker_api, app_ctx):
    station = open_station()
    url = scan_of(station)
    fc_api.post(f"/api/staff/v1/stations/{station.code}/retire", json={"reason": "拆除"})
    r = worker_api.post(CHECKINS, json={"scan": url, "services": []})
    assert (r.status_code, r.get_json()["error"]["code"]) == (410, "station_closed")


def test_a_station_outside_its_hours_is_refused(worker_api, app_ctx):
    station = StationFactory(opening_hours={"always_open": False, "weekly": []})  # never open
    r = check_in(worker_api, station)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "station_not_open")
    assert visits(station) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"services": ["water"]},
        {"scan": "", "services": []},
        {"scan": "x", "services": ["beer"]},
        {"scan": "x", "services": [], "location": {"lat": 91, "lng": 0}},
        {"scan": "x", "services": [], "location": {"lat": 31.4}},
        {"scan": "x", "services": [], "extra": 1},
    ],
)
def test_bad_requests_are_refused(worker_api, app_ctx, body):
    r = worker_api.post(CHECKINS, json=body)
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("header", [None, "Bearer nonsense"])
def test_check_in_needs_a_worker_token(client, app_ctx, header):
    station = open_station()
    r = client.post(CHECKINS, json={"scan": scan_of(station), "services": []}, headers={"Authorization": header} if header else {})
    assert r.status_code == 401
    assert visits() == 0


def test_a_staff_token_is_not_a_worker_token(fc_api, app_ctx):
    station = open_station()
    assert fc_api.post(CHECKINS, json={"scan": scan_of(station), "services": []}).status_code == 401


def test_check_ins_are_rate_limited_per_worker(app, worker_api, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_LIMIT_PER_WORKER", "3 per minute")
    station = open_station()
    for _ in range(3):
        assert check_in(worker_api, station).status_code in (200, 201)
    r = check_in(worker_api, station)
    assert r.status_code == 429
    assert r.headers["Retry-After"]
    assert r.get_json()["error"]["code"] == "rate_limited"


# --- my visits -----------------------------------------------------------------------------------------


def test_my_checkins_lists_only_mine(client, worker_api, app_ctx):
    a, b = open_station(), open_station()
    check_in(worker_api, a)
    check_in(worker_api, b)
    other = worker_signed_in(client, WorkerFactory())
    check_in(other, a)
    mine = worker_api.get("/api/mp/v1/me/checkins").get_json()
    assert mine["total"] == 2
    assert {item["station"]["code"] for item in mine["items"]} == {a.code, b.code}


def test_worker_group_is_recorded_with_the_visit(worker_api, app_ctx):
    assert worker_api.put("/api/mp/v1/me", json={"worker_group": "courier"}).get_json()["worker_group"] == "courier"
    station = open_station()
    check_in(worker_api, station)
    assert db.session.scalar(sa.select(CheckIn.worker_group)) == "courier"
    r = worker_api.put("/api/mp/v1/me", json={"worker_group": "astronaut"})
    assert r.status_code == 422
    assert worker_api.put("/api/mp/v1/me", json={"worker_group": None}).get_json()["worker_group"] is None


def test_a_station_not_yet_built_is_refused(worker_api, app_ctx):
    station = open_station(status="planned")
    r = check_in(worker_api, station)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "station_not_in_service")
    assert visits(station) == 0


def test_per_ip_limits_see_the_client_behind_a_trusted_proxy(make_app, fake_wechat):
    """With TRUSTED_PROXIES=1 the limiter keys on X-Forwarded-For, so one busy address behind the
    proxy does not exhaust everyone's allowance."""
    from tests.services import NO_DATABASE

    app = make_app(
        {
            "SQLALCHEMY_DATABASE_URI": NO_DATABASE,  # the WeChat step refuses first
            "TRUSTED_PROXIES": 1,
            "MP_SESSION_LIMIT_PER_IP": "2 per minute",
            "WECHAT_API_BASE": fake_wechat,
        },
    )
    client = app.test_client()

    def attempt(address):
        return client.post("/api/mp/v1/session", json={"code": "x"}, headers={"X-Forwarded-For": address}).status_code

    assert [attempt("10.0.0.1") for _ in range(3)][-1] == 429
    assert attempt("10.0.0.2") != 429
