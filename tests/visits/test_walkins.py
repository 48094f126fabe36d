"""Walk-ins over HTTP: a keeper records visits by workers who did not scan; they count as
visits with source manual (summed headcount), apart from scans. Corrections are new entries with
the difference, so sums stay right and nothing is overwritten.

The clock is fixed at Wednesday 2026-03-04 10:00 in China. Every refused request answers with
the one error shape and writes nothing: `unchanged` compares every check-in row before and after."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.visits.models import CheckIn
from tests.assertions import assert_error
from tests.conftest import worker_signed_in
from tests.factories import CheckInFactory, StationFactory, WorkerFactory, make_keeper

MP = "/api/mp/v1"
CJK = re.compile(r"[\u4e00-\u9fff]")
NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in China
TODAY = "2026-03-04"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def walk_ins_url(code: str = "FC0101") -> str:
    return f"{MP}/keeper/stations/{code}/walk-ins"


def corrections_url(entry_id: int, code: str = "FC0101") -> str:
    return f"{walk_ins_url(code)}/{entry_id}/corrections"


def rows() -> list[tuple]:
    db.session.expire_all()
    checkins = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id))
    return [
        (c.id, c.station_id, c.worker_id, c.source, c.headcount, c.checked_in_at, c.recorded_by, c.corrects_id, c.note) for c in checkins
    ]


@pytest.fixture
def unchanged(app_ctx):
    before = rows()
    return lambda: rows() == before


def recorded(api, code: str = "FC0101", **body) -> dict:
    r = api.post(walk_ins_url(code), json={"date": TODAY, "count": 5, **body})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def corrected(api, entry_id: int, count: int, **body) -> dict:
    r = api.post(corrections_url(entry_id), json={"count": count, **body})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def detail_visits(api, code: str = "FC0101") -> dict:
    return api.get(f"{MP}/stations/{code}").get_json()["visits_today"]


# --- recording ---------------------------------------------------------------------------------


def test_todays_walk_in_is_a_manual_visit_of_many(keeper_api, keeper_binding, station):
    body = recorded(keeper_api, count=5, worker_group="sanitation", note="早班环卫工人")
    assert body == {
        "id": body["id"],
        "date": TODAY,
        "checked_in_at": NOW.isoformat(),
        "count": 5,
        "effective_count": 5,
        "worker_group": "sanitation",
        "worker_group_name": "环卫工人",
        "note": "早班环卫工人",
        "corrections": [],
    }
    row = db.session.get(CheckIn, body["id"])
    assert (row.source, row.worker_id, row.headcount, row.dedupe_bucket) == ("manual", None, 5, None)
    assert (row.station_id, row.recorded_by, row.corrects_id) == (station.id, keeper_binding.id, None)


def test_a_past_day_is_counted_at_its_local_noon(keeper_api):
    body = recorded(keeper_api, date="2026-02-25", count=3)  # the 7th day before today
    assert body["date"] == "2026-02-25"
    assert body["checked_in_at"] == datetime(2026, 2, 25, 4, 0, tzinfo=UTC).isoformat()  # 12:00 in China
    yesterday = recorded(keeper_api, date="2026-03-03", count=2)
    assert yesterday["checked_in_at"] == "2026-03-03T04:00:00+00:00"


def test_optional_fields_may_be_left_out_or_blank(keeper_api):
    body = recorded(keeper_api, worker_group=None, note="   ")
    assert (body["worker_group"], body["worker_group_name"], body["note"]) == (None, None, None)


def test_the_stations_detail_sums_headcount_scans_and_manual_apart(keeper_api, station, worker_api):
    CheckInFactory(station=station, checked_in_at=NOW - timedelta(minutes=5))
    entry = recorded(keeper_api, count=12)
    recorded(keeper_api, date="2026-03-03", count=40)  # yesterday's: not today's
    assert detail_visits(worker_api) == {"date": TODAY, "scan": 1, "manual": 12, "total": 13}
    corrected(keeper_api, entry["id"], 10)
    assert detail_visits(worker_api) == {"date": TODAY, "scan": 1, "manual": 10, "total": 11}


@pytest.mark.parametrize("day", ["2026-02-24", "2026-03-05", "2025-03-04", "2099-01-01"])
def test_only_today_and_the_seven_days_before(keeper_api, unchanged, day):
    r = keeper_api.post(walk_ins_url(), json={"date": day, "count": 5})
    error = assert_error(r, 422, "walk_in_date_out_of_range")
    assert "2026-02-25" in error["message"] and TODAY in error["message"]
    assert "date" in error["details"]
    assert unchanged()


@pytest.mark.parametrize("count", [0, -1, 201, 10**30])
def test_counts_are_bounded(keeper_api, unchanged, count):
    r = keeper_api.post(walk_ins_url(), json={"date": TODAY, "count": count})
    error = assert_error(r, 422, "walk_in_count_out_of_range")
    assert "200" in error["message"]  # the maximum, named
    assert "count" in error["details"]
    assert unchanged()


def test_the_largest_entry_is_taken(keeper_api):
    assert recorded(keeper_api, count=200)["effective_count"] == 200


def test_the_limits_are_configured(app, keeper_api, monkeypatch, unchanged):
    monkeypatch.setitem(app.config, "WALKIN_MAX_COUNT", 50)
    monkeypatch.setitem(app.config, "WALKIN_BACKDATE_DAYS", 1)
    error = assert_error(keeper_api.post(walk_ins_url(), json={"date": TODAY, "count": 51}), 422, "walk_in_count_out_of_range")
    assert "50" in error["message"]
    assert_error(keeper_api.post(walk_ins_url(), json={"date": "2026-03-02", "count": 5}), 422, "walk_in_date_out_of_range")
    assert unchanged()
    assert recorded(keeper_api, date="2026-03-03", count=50)["count"] == 50


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"date": TODAY},
        {"count": 5},
        {"date": TODAY, "count": "5"},
        {"date": TODAY, "count": 5.5},
        {"date": TODAY, "count": True},
        {"date": TODAY, "count": None},
        {"date": "2026/03/04", "count": 5},
        {"date": "yesterday", "count": 5},
        {"date": TODAY, "count": 5, "worker_group": "astronaut"},
        {"date": TODAY, "count": 5, "note": "好" * 101},
        {"date": TODAY, "count": 5, "worker_id": 1},
    ],
    ids=str,
)
def test_bad_input_is_refused_and_changes_nothing(keeper_api, unchanged, body):
    assert_error(keeper_api.post(walk_ins_url(), json=body), 422, "validation_error")
    assert unchanged()


def test_a_station_not_yet_built_takes_no_walk_ins(app_ctx, client, unchanged):
    planned = StationFactory(code="FC0103", status="planned")
    keeper_worker = WorkerFactory()
    make_keeper(planned, keeper_worker)
    keep = rows()
    r = worker_signed_in(client, keeper_worker).post(walk_ins_url("FC0103"), json={"date": TODAY, "count": 5})
    assert_error(r, 409, "station_not_in_service")
    assert rows() == keep


# --- who may ---------------------------------------------------------------------------------------


def test_only_the_stations_keepers(client, anon_api, station, other_station, unchanged):
    their_keeper = WorkerFactory()
    make_keeper(other_station, their_keeper)
    revoked = WorkerFactory()
    make_keeper(station, revoked, revoked_at=NOW)
    keep = rows()
    for url, body in ((walk_ins_url(), {"date": TODAY, "count": 5}), (corrections_url(1), {"count": 4})):
        assert_error(worker_signed_in(client, their_keeper).post(url, json=body), 404, "station_not_found")
        assert_error(worker_signed_in(client, WorkerFactory()).post(url, json=body), 403, "not_a_keeper")
        assert_error(worker_signed_in(client, revoked).post(url, json=body), 403, "not_a_keeper")
        assert_error(anon_api.post(url, json=body), 401, "unauthorized")
    assert_error(worker_signed_in(client, their_keeper).get(walk_ins_url()), 404, "station_not_found")
    assert_error(worker_signed_in(client, revoked).get(walk_ins_url()), 403, "not_a_keeper")
    assert rows() == keep


def test_a_keeper_of_several_stations_records_at_each(client, station, other_station):
    keeper_worker = WorkerFactory()
    make_keeper(station, keeper_worker)
    make_keeper(other_station, keeper_worker)
    api = worker_signed_in(client, keeper_worker)
    recorded(api, "FC0101", count=3)
    recorded(api, "fc0102", count=4)  # the code in any case
    totals = {code: api.get(walk_ins_url(code)).get_json()["total"] for code in ("FC0101", "FC0102")}
    assert totals == {"FC0101": 3, "FC0102": 4}


# --- corrections -------------------------------------------------------------------------------


def test_a_correction_is_a_new_entry_with_the_difference(keeper_api, keeper_binding):
    entry = recorded(keeper_api, date="2026-03-02", count=12)
    before = db.session.get(CheckIn, entry["id"])
    body = corrected(keeper_api, entry["id"], 10, note="重复登记了两人")
    assert (body["id"], body["count"], body["effective_count"]) == (entry["id"], 12, 10)
    [correction] = body["corrections"]
    assert (correction["change"], correction["note"]) == (-2, "重复登记了两人")
    row = db.session.get(CheckIn, correction["id"])
    row_fields = (row.source, row.worker_id, row.headcount, row.corrects_id, row.recorded_by)
    assert row_fields == ("manual", None, -2, entry["id"], keeper_binding.id)
    assert row.checked_in_at == before.checked_in_at  # counted on the entry's own day
    assert row.dedupe_bucket is None
    db.session.expire_all()
    assert db.session.get(CheckIn, entry["id"]).headcount == 12  # never overwritten

    again = corrected(keeper_api, entry["id"], 15)
    assert again["effective_count"] == 15
    assert [c["change"] for c in again["corrections"]] == [-2, 5]
    listed = keeper_api.get(walk_ins_url(), query_string={"from": "2026-03-02", "to": "2026-03-02"}).get_json()
    assert listed["total"] == 15
    assert listed["items"] == [again]


def test_a_correction_to_zero_cancels_the_entry(keeper_api, worker_api):
    entry = recorded(keeper_api, count=5)
    assert corrected(keeper_api, entry["id"], 0)["effective_count"] == 0
    assert detail_visits(worker_api)["manual"] == 0
    assert corrected(keeper_api, entry["id"], 3)["effective_count"] == 3  # and back, if that was wrong


@pytest.mark.parametrize("count", [-1, -5, 201])
def test_the_corrected_total_stays_within_bounds(keeper_api, unchanged, count):
    entry = recorded(keeper_api, count=5)
    keep = rows()
    error = assert_error(keeper_api.post(corrections_url(entry["id"]), json={"count": count}), 422, "walk_in_count_out_of_range")
    assert "200" in error["message"]
    assert rows() == keep


@pytest.mark.parametrize(
    "body", [{}, {"count": "3"}, {"count": 2.5}, {"count": 3, "note": "好" * 101}, {"count": 3, "date": TODAY}], ids=str
)
def test_bad_corrections_are_refused(keeper_api, body):
    entry = recorded(keeper_api, count=5)
    keep = rows()
    assert_error(keeper_api.post(corrections_url(entry["id"]), json=body), 422, "validation_error")
    assert rows() == keep


def test_a_correction_that_changes_nothing_is_refused(keeper_api):
    entry = recorded(keeper_api, count=5)
    keep = rows()
    assert_error(keeper_api.post(corrections_url(entry["id"]), json={"count": 5}), 409, "walk_in_unchanged")
    assert rows() == keep


def test_a_correction_is_not_corrected_itself(keeper_api):
    entry = recorded(keeper_api, count=5)
    correction_id = corrected(keeper_api, entry["id"], 4)["corrections"][0]["id"]
    keep = rows()
    assert_error(keeper_api.post(corrections_url(correction_id), json={"count": 3}), 409, "walk_in_is_correction")
    assert rows() == keep


def test_only_this_stations_walk_ins_are_corrected(client, keeper_api, station, other_station):
    theirs = make_keeper(other_station)
    their_entry = recorded(worker_signed_in(client, theirs.worker), "FC0102", count=5)
    scan = CheckInFactory(station=station, checked_in_at=NOW - timedelta(minutes=5))
    keep = rows()
    missing = keeper_api.post(corrections_url(10**9), json={"count": 3})
    assert_error(missing, 404, "walk_in_not_found")
    for entry_id in (their_entry["id"], scan.id, 2**63, 10**30):
        r = keeper_api.post(corrections_url(entry_id), json={"count": 3})
        assert_error(r, 404, "walk_in_not_found")
        assert r.get_json() == missing.get_json()  # another station's entry is not there at all
    assert rows() == keep


def test_another_keeper_of_the_station_corrects(client, keeper_api, station):
    entry = recorded(keeper_api, count=5)
    colleague = make_keeper(station)
    api = worker_signed_in(client, colleague.worker)
    body = corrected(api, entry["id"], 6)
    assert db.session.get(CheckIn, body["corrections"][0]["id"]).recorded_by == colleague.id


def test_a_day_past_the_window_is_closed_to_corrections(keeper_api, monkeypatch):
    entry = recorded(keeper_api, date="2026-02-25", count=5)
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=1))
    keep = rows()
    error = assert_error(keeper_api.post(corrections_url(entry["id"]), json={"count": 4}), 409, "walk_in_too_old")
    assert "7" in error["message"]
    assert rows() == keep


# --- listing -----------------------------------------------------------------------------------


def test_the_list_shows_the_open_days_newest_first(keeper_api, station, other_station, client):
    old = recorded(keeper_api, date="2026-02-25", count=2)
    yesterday = recorded(keeper_api, date="2026-03-03", count=4)
    today = recorded(keeper_api, count=5, worker_group="courier")
    corrected(keeper_api, yesterday["id"], 1)
    CheckInFactory(station=station, checked_in_at=NOW - timedelta(minutes=5))  # a scan: not listed
    theirs = make_keeper(other_station)
    recorded(worker_signed_in(client, theirs.worker), "FC0102", count=9)
    outside = CheckIn(station=station, worker=None, source="manual", headcount=8, checked_in_at=NOW - timedelta(days=9))
    db.session.add(outside)
    db.session.commit()
    body = keeper_api.get(walk_ins_url()).get_json()
    assert (body["station_code"], body["from"], body["to"]) == ("FC0101", "2026-02-25", TODAY)
    assert [i["id"] for i in body["items"]] == [today["id"], yesterday["id"], old["id"]]
    assert [i["effective_count"] for i in body["items"]] == [5, 1, 2]
    assert body["total"] == 8
    assert body["items"][0]["worker_group_name"] == "快递员"


def test_the_list_over_chosen_days(keeper_api):
    recorded(keeper_api, date="2026-02-26", count=2)
    recorded(keeper_api, date="2026-02-27", count=3)
    recorded(keeper_api, date="2026-02-28", count=4)
    body = keeper_api.get(walk_ins_url(), query_string={"from": "2026-02-27", "to": "2026-02-28"}).get_json()
    assert ([i["count"] for i in body["items"]], body["total"]) == ([4, 3], 7)
    only_to = keeper_api.get(walk_ins_url(), query_string={"to": "2026-02-26"}).get_json()
    assert (only_to["from"], only_to["total"]) == ("2026-02-19", 2)


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-03-04", "to": "2026-03-03"}, {"from": "2025-01-01", "to": "2026-03-04"}, {"from": "nope"}],
    ids=str,
)
def test_bad_list_queries(keeper_api, query):
    assert_error(keeper_api.get(walk_ins_url(), query_string=query), 422, "validation_error")


# --- never rated ---------------------------------------------------------------------------------


def test_a_walk_in_is_never_rated(keeper_api, client):
    entry = recorded(keeper_api, count=1)
    someone = worker_signed_in(client, WorkerFactory())
    r = someone.post(f"{MP}/checkins/{entry['id']}/rating", json={"score": 5})
    assert_error(r, 404, "checkin_not_found")
    assert_error(keeper_api.post(f"{MP}/checkins/{entry['id']}/rating", json={"score": 5}), 404, "checkin_not_found")
