"""A station's detail and a scanned sign, over HTTP: the public fields, live status, today's visits
(scanned and manual apart, China time), the average rating, and the scan's refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from app.core import clock
from app.extensions import db
from app.ratings.models import Rating
from app.signs import tokens as sign_tokens
from tests.factories import CheckInFactory, StationFactory

STATIONS = "/api/mp/v1/stations"
SCAN = "/api/mp/v1/scan"
STAFF_STATIONS = "/api/staff/v1/stations"
NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in China
CHINA_MIDNIGHT = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)  # 2026-03-04 00:00 in China
UNKNOWN = {"state": "unknown", "updated_at": None, "age_seconds": None}


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def station_attrs():
    return {
        "code": "FC9801",
        "address": "绵阳市涪城区临园路东段 12 号",
        "amenities": ["drinking_water", "toilet", "rest_seats"],
        "amenities_other": "雨伞借用",
        "keeper_name": "王师傅",
        "keeper_phone": "13800000000",
        "worker_groups": ["sanitation", "courier"],
    }


def error_of(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.get_json()
    body = r.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert not body["error"]["message"].isascii()
    return body["error"]


def visit(station, at: datetime, source: str = "scan"):
    if source == "manual":
        return CheckInFactory(station=station, worker=None, source="manual", dedupe_bucket=None, checked_in_at=at)
    return CheckInFactory(station=station, checked_in_at=at)


def rate(station, score: int) -> Rating:
    checkin = visit(station, NOW - timedelta(days=3))
    rating = Rating(checkin=checkin, station=station, worker_id=checkin.worker_id, score=score)
    db.session.add(rating)
    db.session.commit()
    return rating


# detail ---------------------------------------------------------------------------------------------


def test_detail_body(worker_api, station):
    r = worker_api.get(f"{STATIONS}/{station.code}")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body == {
        "code": "FC9801",
        "name": "临园路环卫驿站",
        "district": {"code": "FC", "name": "涪城区"},
        "address": "绵阳市涪城区临园路东段 12 号",
        "lat": 31.4567,
        "lng": 104.7462,
        "datum": "gcj02",
        "host_unit": "涪城区环卫所",
        "host_type": {"code": "sanitation_depot", "name": "环卫场站"},
        "status": {"code": "built", "name": "已建成"},
        "demonstration": False,
        "provincial_best": False,
        "worker_groups": [{"code": "sanitation", "name": "环卫工人"}, {"code": "courier", "name": "快递员"}],
        "amenities": [
            {"code": "drinking_water", "name": "饮用水"},
            {"code": "toilet", "name": "厕所"},
            {"code": "rest_seats", "name": "休息座椅"},
        ],
        "amenities_other": "雨伞借用",
        "opening_hours": {"always_open": False, "weekly": [{"weekday": d, "open": "08:00", "close": "18:00"} for d in range(1, 6)]},
        "opening_hours_text": "周一至周五 08:00–18:00",
        "open_now": True,
        "live_status": {
            "water": UNKNOWN,
            "toilet": UNKNOWN,
            "rest_seats": {**UNKNOWN, "seats_free": None},
            "station": {**UNKNOWN, "reason": None, "until": None},
            "note": {"text": None, "updated_at": None, "age_seconds": None},
        },
        "visits_today": {"date": "2026-03-04", "scan": 0, "manual": 0, "total": 0},
        "rating": {"average": None, "count": 0},
    }
    assert "王师傅" not in r.get_data(as_text=True) and "13800000000" not in r.get_data(as_text=True)


def test_open_now_follows_the_hours_in_china_time(worker_api, station, monkeypatch):
    # 18:30 UTC on Tuesday is 02:30 on Wednesday in China: closed, though UTC says a weekday.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 3, 18, 30, tzinfo=UTC))
    assert worker_api.get(f"{STATIONS}/{station.code}").get_json()["open_now"] is False
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 3, 23, 30, tzinfo=UTC))  # 07:30
    assert worker_api.get(f"{STATIONS}/{station.code}").get_json()["open_now"] is False
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 4, 0, 0, tzinfo=UTC))  # 08:00
    assert worker_api.get(f"{STATIONS}/{station.code}").get_json()["open_now"] is True


def test_todays_visits_count_scans_and_manual_apart_in_china_time(worker_api, station):
    other = StationFactory(code="FC9802")
    visit(station, CHINA_MIDNIGHT + timedelta(minutes=30))  # 00:30 in China, still the 3rd in UTC
    visit(station, NOW - timedelta(minutes=1))
    visit(station, NOW - timedelta(hours=2), source="manual")
    visit(station, CHINA_MIDNIGHT - timedelta(minutes=1))  # 23:59 yesterday in China
    visit(station, CHINA_MIDNIGHT - timedelta(days=1), source="manual")
    visit(other, NOW - timedelta(minutes=5))
    body = worker_api.get(f"{STATIONS}/{station.code}").get_json()
    assert body["visits_today"] == {"date": "2026-03-04", "scan": 2, "manual": 1, "total": 3}


def test_average_rating_of_the_station(worker_api, station):
    other = StationFactory(code="FC9803")
    for score in (5, 4, 4):
        rate(station, score)
    rate(other, 1)
    assert worker_api.get(f"{STATIONS}/{station.code}").get_json()["rating"] == {"average": 4.33, "count": 3}
    assert worker_api.get(f"{STATIONS}/{other.code}").get_json()["rating"] == {"average": 1.0, "count": 1}


def test_code_is_read_in_any_case(worker_api, station):
    assert worker_api.get(f"{STATIONS}/fc9801").get_json()["code"] == "FC9801"


def test_unknown_and_retired_stations_are_not_found(worker_api, app_ctx):
    retired = StationFactory(code="FC9804", status="retired", retired_reason="拆除")
    for code in ("FC0000", retired.code, "not-a-code"):
        error_of(worker_api.get(f"{STATIONS}/{code}"), 404, "station_not_found")


def test_detail_and_scan_need_a_worker_token(anon_api, fc_api, station):
    url = sign_tokens.url_for_sign(station)
    for api in (anon_api, fc_api):
        error_of(api.get(f"{STATIONS}/{station.code}"), 401, "unauthorized")
        error_of(api.get(SCAN, query_string={"q": url}), 401, "unauthorized")


# scan -------------------------------------------------------------------------------------------------


def test_scan_answers_the_detail_and_the_signs_version(worker_api, station):
    detail = worker_api.get(f"{STATIONS}/{station.code}").get_json()
    url, scene = sign_tokens.url_for_sign(station), sign_tokens.scene_for(station)
    scans = [
        {"q": quote(url, safe="")},  # onLoad's options.q, passed on as it came (encoded once)
        {"q": url},
        {"scene": scene},
    ]
    for query in scans:
        r = worker_api.get(SCAN, query_string=query)
        assert r.status_code == 200, (query, r.get_json())
        assert r.get_json() == {**detail, "scan": {"valid": True, "sign_version": 1}}


def test_scan_counts_todays_visits_too(worker_api, station):
    visit(station, NOW - timedelta(minutes=10))
    visit(station, NOW - timedelta(minutes=20), source="manual")
    body = worker_api.get(SCAN, query_string={"scene": sign_tokens.scene_for(station)}).get_json()
    assert body["visits_today"] == {"date": "2026-03-04", "scan": 1, "manual": 1, "total": 2}


def test_forged_scans_are_invalid(worker_api, station):
    other = StationFactory(code="FC9805")
    url = sign_tokens.url_for_sign(station)
    token = sign_tokens.token_for(station)
    forged = [
        url[:-1] + ("A" if url[-1] != "A" else "B"),  # altered signature
        url.replace(station.code, other.code),  # another station's code with this one's token
        f"{station.code}.2.{token.split('.')[1]}",  # a version not issued yet
        "https://example.com/s/FC9801",
        "hello",
    ]
    for text in forged:
        error_of(worker_api.get(SCAN, query_string={"q": text}), 404, "scan_invalid")
    error_of(worker_api.get(SCAN, query_string={"scene": f"{other.code}.{token}"}), 404, "scan_invalid")


def test_a_reissued_sign_makes_the_old_print_outdated(worker_api, fc_api, station):
    old = sign_tokens.url_for_sign(station)
    r = fc_api.post(f"{STAFF_STATIONS}/{station.code}/sign/reissue")
    assert r.status_code == 200, r.get_json()
    error_of(worker_api.get(SCAN, query_string={"q": quote(old, safe="")}), 410, "sign_outdated")
    new = worker_api.get(SCAN, query_string={"q": r.get_json()["url"]})
    assert new.status_code == 200 and new.get_json()["scan"] == {"valid": True, "sign_version": 2}


def test_a_retired_stations_sign_is_closed(worker_api, fc_api, station):
    url = sign_tokens.url_for_sign(station)
    assert fc_api.post(f"{STAFF_STATIONS}/{station.code}/retire", json={"reason": "场地收回"}).status_code == 200
    error_of(worker_api.get(SCAN, query_string={"q": url}), 410, "station_closed")
    error_of(worker_api.get(f"{STATIONS}/{station.code}"), 404, "station_not_found")


@pytest.mark.parametrize("query", [{}, {"q": "x", "scene": "y"}, {"q": ""}, {"scene": "x" * 65}])
def test_scan_takes_q_or_scene(worker_api, query):
    error = error_of(worker_api.get(SCAN, query_string=query), 422, "validation_error")
    assert error["details"]
