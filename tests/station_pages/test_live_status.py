"""Live amenity status over HTTP: a keeper posts any of water, toilet, rest seats, the station
(open, or closed for now with a reason and an end) and a note; workers see it at once in nearby,
the detail, a scan and the sign's web page. Each part has its own time and reads unknown once
older than the freshness limit; a temporary closure holds until its end, and opening hours decide
"open now" unless one does. Every post is kept in a history staff can read; a refused post
writes nothing.

The clock is fixed at Wednesday 2026-03-04 10:00 in China; the stations keep office hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core import clock as app_clock
from app.extensions import db
from app.keepers.models import StationStatus, StatusUpdate
from app.signs import tokens as sign_tokens
from app.station_pages import live_status
from tests.conftest import worker_signed_in
from tests.factories import StationFactory, WorkerFactory, make_keeper
from tests.station_pages.test_nearby import indexed, north

MP = "/api/mp/v1"
STAFF = "/api/staff/v1/stations"
STATUS = f"{MP}/keeper/stations/FC0101/status"
DETAIL = f"{MP}/stations/FC0101"
NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in China
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Clock:
    now: datetime

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock(NOW)
    monkeypatch.setattr(app_clock, "now", lambda: clock.now)
    return clock


@pytest.fixture
def station_attrs():
    return {"amenities": ["drinking_water", "toilet", "rest_seats"]}


@pytest.fixture
def keeper_worker(app_ctx):
    """A keeper apart from `worker`, who looks on."""
    return WorkerFactory(worker_group="sanitation")


def post(api, **body) -> dict:
    r = api.put(STATUS, json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def seen(api) -> dict:
    r = api.get(DETAIL)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def stored() -> tuple:
    db.session.expire_all()
    columns = StationStatus.__table__.columns
    statuses = [tuple(getattr(s, c.key) for c in columns) for s in db.session.scalars(sa.select(StationStatus))]
    updates = [(u.id, u.station_id, u.keeper_id, u.posted_at, u.changes) for u in db.session.scalars(sa.select(StatusUpdate))]
    return sorted(statuses), updates


def iso(moment: datetime) -> str:
    return moment.isoformat()


# --- what workers see ----------------------------------------------------------------------------------


def test_a_post_is_what_workers_see_at_once(keeper_api, worker_api, client, station):
    body = post(keeper_api, water="low", toilet="cleaning", rest_seats=3, note="热水在前台")
    live = body["live_status"]
    assert live["water"] == {"state": "low", "updated_at": iso(NOW), "age_seconds": 0}
    assert live["toilet"] == {"state": "cleaning", "updated_at": iso(NOW), "age_seconds": 0}
    assert live["rest_seats"] == {"state": "available", "seats_free": 3, "updated_at": iso(NOW), "age_seconds": 0}
    assert live["station"] == {"state": "unknown", "updated_at": None, "age_seconds": None, "reason": None, "until": None}
    assert live["note"] == {"text": "热水在前台", "updated_at": iso(NOW), "age_seconds": 0}
    assert body["code"] == "FC0101" and body["open_now"] is True
    # The detail, nearby, a scan and the keeper's own list all say the same.
    assert seen(worker_api)["live_status"] == live
    indexed()
    items = worker_api.get(f"{MP}/stations/nearby", query_string={"lat": station.lat, "lng": station.lng}).get_json()["items"]
    assert [(i["code"], i["live_status"]) for i in items] == [("FC0101", live)]
    scan = worker_api.get(f"{MP}/scan", query_string={"q": sign_tokens.url_for_sign(station)}).get_json()
    assert scan["live_status"] == live
    assert keeper_api.get(f"{MP}/keeper/stations").get_json()["items"][0]["station"]["live_status"] == live
    # And the sign's web page, in words.
    page = client.get(sign_tokens.url_for_sign(station).split("://", 1)[1].split("/", 1)[1].join(["/", ""])).get_data(as_text=True)
    for words in ("饮水：不多（刚刚更新）", "厕所：清洁中", "休息座位：空余 3 个", "站点说明：热水在前台", "开放中"):
        assert words in page
    assert "暂无实时状态" not in page


def test_nothing_posted_reads_unknown_everywhere(worker_api, client, station):
    live = seen(worker_api)["live_status"]
    assert {part: value.get("state", value.get("text")) for part, value in live.items()} == {
        "water": "unknown", "toilet": "unknown", "rest_seats": "unknown", "station": "unknown", "note": None,
    }  # fmt: skip
    page = client.get(sign_tokens.url_for_sign(station).split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert "暂无实时状态" in page.get_data(as_text=True)


def test_only_the_given_parts_change_each_with_its_own_time(keeper_api, worker_api, clock, station):
    post(keeper_api, water="available", toilet="open")
    clock.advance(hours=1)
    post(keeper_api, toilet="closed")
    live = seen(worker_api)["live_status"]
    assert live["water"] == {"state": "available", "updated_at": iso(NOW), "age_seconds": 3600}
    assert live["toilet"] == {"state": "closed", "updated_at": iso(NOW + timedelta(hours=1)), "age_seconds": 0}
    assert live["rest_seats"]["state"] == "unknown" and live["note"]["updated_at"] is None


@pytest.mark.parametrize(("sent", "state", "free"), [(0, "full", 0), ("full", "full", 0), (5, "available", 5), (999, "available", 999)])
def test_rest_seats_are_a_number_or_full(keeper_api, station, sent, state, free):
    seats = post(keeper_api, rest_seats=sent)["live_status"]["rest_seats"]
    assert (seats["state"], seats["seats_free"]) == (state, free)


@pytest.mark.parametrize("cleared", [None, "", "   "])
def test_the_note_may_be_cleared(keeper_api, worker_api, clock, station, cleared):
    post(keeper_api, note="今天下午停水")
    clock.advance(minutes=5)
    post(keeper_api, note=cleared)
    assert seen(worker_api)["live_status"]["note"] == {"text": None, "updated_at": iso(NOW + timedelta(minutes=5)), "age_seconds": 0}


# --- freshness -----------------------------------------------------------------------------------------


def test_a_part_older_than_the_freshness_limit_reads_unknown_with_its_time(keeper_api, worker_api, clock, station):
    post(keeper_api, water="available", rest_seats=4, note="欢迎")
    clock.advance(hours=6)
    assert seen(worker_api)["live_status"]["water"]["state"] == "available"  # six hours is not older
    clock.advance(seconds=1)
    live = seen(worker_api)["live_status"]
    assert live["water"] == {"state": "unknown", "updated_at": iso(NOW), "age_seconds": 6 * 3600 + 1}
    assert live["rest_seats"] == {"state": "unknown", "seats_free": None, "updated_at": iso(NOW), "age_seconds": 6 * 3600 + 1}
    assert live["note"] == {"text": None, "updated_at": iso(NOW), "age_seconds": 6 * 3600 + 1}


def test_the_freshness_limit_is_configurable(app, keeper_api, worker_api, clock, station, monkeypatch):
    monkeypatch.setitem(app.config, "STATUS_FRESHNESS_HOURS", 1)
    post(keeper_api, toilet="open")
    clock.advance(minutes=61)
    assert seen(worker_api)["live_status"]["toilet"]["state"] == "unknown"


def test_an_old_timestamp_in_the_database_reads_unknown(worker_api, station):
    db.session.add(StationStatus(station_id=station.id, water="out", water_at=NOW - timedelta(hours=7), toilet="open", toilet_at=NOW))
    db.session.commit()
    live = seen(worker_api)["live_status"]
    assert (live["water"]["state"], live["water"]["age_seconds"], live["toilet"]["state"]) == ("unknown", 7 * 3600, "open")


def test_one_query_reads_a_whole_list(station, app_ctx):
    stations = [station] + [StationFactory() for _ in range(4)]
    for s in stations[:3]:
        db.session.add(StationStatus(station_id=s.id, water="low", water_at=NOW))
    db.session.commit()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    connection = db.session.connection()
    sa.event.listen(connection, "before_cursor_execute", count)
    try:
        live = live_status.for_stations(stations, NOW)
    finally:
        sa.event.remove(connection, "before_cursor_execute", count)
    assert len(statements) == 1
    assert [live[s.id].water.state for s in stations] == ["low", "low", "low", "unknown", "unknown"]


# --- closures and "open now" ---------------------------------------------------------------------------


def closing(until: datetime, reason: str = "停水检修") -> dict:
    return {"state": "closed_temporarily", "reason": reason, "until": until.isoformat()}


@pytest.fixture
def neighbour(app_ctx):
    lat, lng = north(300)
    return StationFactory(code="FC0102", lat=lat, lng=lng)


def open_nearby(api, station) -> list[str]:
    indexed()
    params = {"lat": station.lat, "lng": station.lng, "open_now": 1}
    return [i["code"] for i in api.get(f"{MP}/stations/nearby", query_string=params).get_json()["items"]]


def test_a_temporary_closure_overrides_the_opening_hours(keeper_api, worker_api, client, station, neighbour):
    assert open_nearby(worker_api, station) == ["FC0101", "FC0102"]
    until = NOW + timedelta(hours=2)
    body = post(keeper_api, station=closing(until))
    assert body["open_now"] is False
    assert body["live_status"]["station"] == {
        "state": "closed_temporarily", "reason": "停水检修", "until": iso(until), "updated_at": iso(NOW), "age_seconds": 0,
    }  # fmt: skip
    assert seen(worker_api)["open_now"] is False
    assert open_nearby(worker_api, station) == ["FC0102"]
    everything = worker_api.get(f"{MP}/stations/nearby", query_string={"lat": station.lat, "lng": station.lng}).get_json()
    assert [(i["code"], i["open_now"]) for i in everything["items"]] == [("FC0101", False), ("FC0102", True)]
    page = client.get(sign_tokens.url_for_sign(station).split("://", 1)[1].split("/", 1)[1].join(["/", ""])).get_data(as_text=True)
    assert "临时关闭：停水检修，预计 3月4日 12:00 恢复开放" in page and "未开放" in page


def test_a_closure_given_in_beijing_time_without_an_offset(keeper_api, station):
    body = post(keeper_api, station={"state": "closed_temporarily", "reason": "检修", "until": "2026-03-04T12:30:00"})
    assert body["live_status"]["station"]["until"] == iso(datetime(2026, 3, 4, 4, 30, tzinfo=UTC))


def test_a_closure_holds_past_the_freshness_limit_until_its_end(keeper_api, worker_api, clock, station):
    until = NOW + timedelta(days=2)
    post(keeper_api, station=closing(until), water="available")
    clock.advance(days=1)  # Thursday 10:00: open by the hours
    body = seen(worker_api)
    assert body["live_status"]["station"]["state"] == "closed_temporarily" and body["open_now"] is False
    assert body["live_status"]["water"]["state"] == "unknown"
    clock.now = until  # the end itself: no longer closed
    body = seen(worker_api)
    assert body["open_now"] is True
    assert body["live_status"]["station"] == {
        "state": "unknown", "reason": None, "until": None, "updated_at": iso(NOW), "age_seconds": 2 * 86400,
    }  # fmt: skip


def test_after_a_closure_the_opening_hours_decide_again(keeper_api, worker_api, clock, station, neighbour):
    post(keeper_api, station=closing(NOW + timedelta(hours=9)))  # until 19:00, after closing time
    clock.advance(hours=9, minutes=1)
    assert seen(worker_api)["open_now"] is False  # 19:01: the hours say closed
    clock.advance(hours=13)  # Thursday 08:01
    assert seen(worker_api)["open_now"] is True
    assert open_nearby(worker_api, station) == ["FC0101", "FC0102"]


def test_reopening_ends_the_closure(keeper_api, worker_api, clock, station):
    post(keeper_api, station=closing(NOW + timedelta(days=1)))
    clock.advance(minutes=30)
    body = post(keeper_api, station={"state": "open"})
    assert body["open_now"] is True
    assert body["live_status"]["station"] == {
        "state": "open", "reason": None, "until": None, "updated_at": iso(NOW + timedelta(minutes=30)), "age_seconds": 0,
    }  # fmt: skip
    assert seen(worker_api)["open_now"] is True


def test_saying_open_does_not_open_a_station_out_of_hours(keeper_api, worker_api, clock, station):
    clock.now = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # 20:00 in China
    body = post(keeper_api, station={"state": "open"})
    assert body["open_now"] is False and body["live_status"]["station"]["state"] == "open"


# --- refusals ------------------------------------------------------------------------------------------

FUTURE = (NOW + timedelta(hours=3)).isoformat()
INVALID = [
    {},
    {"water": "plenty"},
    {"water": None},
    {"water": ""},
    {"toilet": 1},
    {"rest_seats": -1},
    {"rest_seats": 1000},
    {"rest_seats": 1.5},
    {"rest_seats": "3"},
    {"rest_seats": True},
    {"rest_seats": "many"},
    {"rest_seats": None},
    {"station": "closed_temporarily"},
    {"station": {"state": "gone"}},
    {"station": {}},
    {"station": {"state": "closed_temporarily"}},
    {"station": {"state": "closed_temporarily", "reason": "检修"}},
    {"station": {"state": "closed_temporarily", "until": FUTURE}},
    {"station": {"state": "closed_temporarily", "reason": " ", "until": FUTURE}},
    {"station": {"state": "closed_temporarily", "reason": "检修", "until": "tomorrow"}},
    {"station": {"state": "closed_temporarily", "reason": "字" * 101, "until": FUTURE}},
    {"station": {"state": "open", "reason": "检修"}},
    {"station": {"state": "open", "until": FUTURE}},
    {"note": "字" * 101},
    {"colour": "red"},
    {"water": "low", "colour": "red"},
    {"water": "low", "rest_seats": -1},
]


@pytest.fixture
def earlier_post(keeper_api, clock, station):
    """Something already posted, so a refusal could only show by changing it."""
    post(keeper_api, water="available", toilet="open", rest_seats=2, note="原来的说明")
    clock.advance(minutes=10)


@pytest.mark.parametrize("body", INVALID, ids=repr)
def test_bad_posts_are_refused_and_nothing_is_written(keeper_api, earlier_post, body):
    before = stored()
    r = keeper_api.put(STATUS, json=body)
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert set(r.get_json()) == {"error"} and error["code"] == "validation_error" and CJK.search(error["message"])
    assert stored() == before


@pytest.mark.parametrize(
    "until",
    [NOW - timedelta(minutes=1), NOW, NOW + timedelta(days=7, seconds=1), NOW + timedelta(days=30)],
    ids=["past", "now", "just over a week", "a month"],
)
def test_a_closure_must_end_within_a_week(keeper_api, earlier_post, clock, until):
    clock.now = NOW  # the until values are relative to the moment of the post
    before = stored()
    r = keeper_api.put(STATUS, json={"station": closing(until), "water": "out"})
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "closure_until_out_of_range" and error["details"] == {"station": {"until": [error["message"]]}}
    assert stored() == before


def test_a_closure_of_exactly_a_week_is_taken(keeper_api, station):
    until = NOW + timedelta(days=7)
    assert post(keeper_api, station=closing(until))["live_status"]["station"]["until"] == iso(until)


def test_a_revoked_keepers_post_is_refused(keeper_api, earlier_post, keeper_binding, fc_api, worker_api):
    assert fc_api.post(f"{STAFF}/FC0101/keepers/{keeper_binding.id}/revoke").status_code == 200
    before, shown = stored(), seen(worker_api)
    r = keeper_api.put(STATUS, json={"water": "out"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "not_a_keeper")
    assert stored() == before and seen(worker_api) == shown


# --- the history ---------------------------------------------------------------------------------------


def test_every_post_is_kept_with_who_and_when(keeper_api, keeper_binding, client, clock, station, fc_api, city_api, yx_api):
    post(keeper_api, water="low", rest_seats="full")
    clock.advance(minutes=20)
    colleague_binding = make_keeper(station)
    colleague = worker_signed_in(client, colleague_binding.worker)
    until = NOW + timedelta(hours=4)
    post(colleague, station=closing(until), note=None)
    r = fc_api.get(f"{STAFF}/FC0101/status-history")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["total"], body["page"], body["pages"]) == (2, 1, 1)
    latest, first = body["items"]
    assert latest["posted_at"] == iso(NOW + timedelta(minutes=20))
    assert latest["keeper"] == {"id": colleague_binding.id, "worker_id": colleague_binding.worker_id, "worker_group": None}
    assert latest["changes"] == {"station": {"state": "closed_temporarily", "reason": "停水检修", "until": iso(until)}, "note": None}
    assert first["posted_at"] == iso(NOW)
    sanitation = {"code": "sanitation", "name": "环卫工人"}
    assert first["keeper"] == {"id": keeper_binding.id, "worker_id": keeper_binding.worker_id, "worker_group": sanitation}
    assert first["changes"] == {"water": "low", "rest_seats": "full"}
    assert keeper_binding.worker.openid not in r.get_data(as_text=True)
    assert city_api.get(f"{STAFF}/FC0101/status-history").get_json() == body
    paged = fc_api.get(f"{STAFF}/FC0101/status-history", query_string={"page": 2, "per_page": 1}).get_json()
    assert [i["id"] for i in paged["items"]] == [first["id"]]
    assert (yx_api.get(f"{STAFF}/FC0101/status-history").status_code, r.status_code) == (404, 200)


def test_the_history_is_the_stations_own(keeper_api, fc_api, other_station):
    post(keeper_api, water="low")
    assert fc_api.get(f"{STAFF}/FC0102/status-history").get_json()["total"] == 0


# --- the loop ------------------------------------------------------------------------------------------


def test_bind_post_see_and_go_stale(fc_api, client, worker_api, clock, station):
    """Staff issue a code, a WeChat user binds with it and posts; a worker nearby sees the post,
    then, six hours on, sees it has gone stale."""
    code = fc_api.post(f"{STAFF}/FC0101/keeper-codes").get_json()["code"]
    keeper = worker_signed_in(client, WorkerFactory())
    assert keeper.post(f"{MP}/keeper/bind", json={"code": code}).status_code == 201
    post(keeper, water="out", toilet="open")
    indexed()

    def water_nearby() -> dict:
        params = {"lat": station.lat, "lng": station.lng, "need": "water"}
        return worker_api.get(f"{MP}/stations/nearby", query_string=params).get_json()["items"][0]["live_status"]["water"]

    assert water_nearby()["state"] == "out"
    clock.advance(hours=6, minutes=1)
    assert water_nearby() == {"state": "unknown", "updated_at": iso(NOW), "age_seconds": 6 * 3600 + 60}
    assert fc_api.get(f"{STAFF}/FC0101/status-history").get_json()["total"] == 1
