"""China's calendar day, whatever the machine's hour: the clock pinned (time-machine) on both sides
of China's midnight and across a quarter's edge, for every place a "today" or a period matters.

China is UTC+8: 15:59:59 UTC is 23:59:59 in China, and 16:00:01 UTC is already the next day
there while the UTC date has not moved. The instants chosen make UTC and China disagree:
- SUNDAY_LATE / MONDAY_EARLY: 2026-03-08 15:59:59 and 16:00:01 UTC, both a Sunday in UTC, are
  Sunday 8 March 23:59:59 and Monday 9 March 00:00:01 in China (a new day and a new ISO week);
- Q1_LAST / Q2_FIRST: 2026-03-31 15:59:59 UTC (31 March 23:59:59 in China) and 16:30 UTC
  (1 April 00:30 in China: a new month and a new quarter, though UTC still says 31 March).
Everything signs in inside the pinned time: tokens are stamped with the clock that checks them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
import time_machine

from app.core import clock
from app.signs.tokens import url_for_sign
from app.visits import rollups
from tests.assertions import assert_error
from tests.conftest import signed_in, worker_signed_in
from tests.console_helpers import console_as
from tests.factories import WorkerFactory, make_keeper

STAFF = "/api/staff/v1"
MP = "/api/mp/v1"
ALWAYS = {"always_open": True, "weekly": []}

SUNDAY_LATE = datetime(2026, 3, 8, 15, 59, 59, tzinfo=UTC)  # Sun 8 March 23:59:59 in China
MONDAY_EARLY = datetime(2026, 3, 8, 16, 0, 1, tzinfo=UTC)  # Mon 9 March 00:00:01 in China
Q1_LAST = datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC)  # Tue 31 March 23:59:59 in China
Q2_FIRST = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # Wed 1 April 00:30 in China


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """The machine's clock (and so the product's) stands still at `moment`."""
    with time_machine.travel(moment, tick=False):
        yield


def test_the_clock_reads_chinas_day_and_utc_instants():
    with at(SUNDAY_LATE):
        assert (clock.now(), clock.today()) == (SUNDAY_LATE, date(2026, 3, 8))
        assert clock.now().tzinfo is not None and clock.now().utcoffset().total_seconds() == 0
    with at(MONDAY_EARLY):
        today = clock.today()
        assert today.isoformat() == "2026-03-09" and clock.week_start(today).isoformat() == "2026-03-09"
        assert clock.day_start(today) == datetime(2026, 3, 8, 16, 0, tzinfo=UTC)
    with at(Q2_FIRST):
        assert clock.quarter_of(clock.today()) == (2026, 2)
        assert clock.month_start(clock.today()).isoformat() == "2026-04-01"
    with at(Q1_LAST):
        assert clock.quarter_of(clock.today()) == (2026, 1)


# --- stations: built, inspected, plaqued --------------------------------------------------------


def station_body(**fields) -> dict:
    return {
        "name": "临园路环卫驿站",
        "district": "FC",
        "address": "绵阳市涪城区临园路东段 12 号",
        "lat": 31.4567,
        "lng": 104.7462,
        "host_unit": "涪城区环卫所",
        "host_type": "sanitation_depot",
        "build_mode": "co_built",
        "amenities": ["drinking_water", "toilet", "rest_seats"],
        "opening_hours": {"always_open": True},
        "worker_groups": ["sanitation"],
        **fields,
    }


def six_passed(api) -> list[dict]:
    items = api.get(f"{STAFF}/reference").get_json()["six_has_items"]
    return [{"item": item["code"], "passed": True} for item in items]


@pytest.mark.parametrize(
    ("moment", "today", "tomorrow"), [(SUNDAY_LATE, "2026-03-08", "2026-03-09"), (MONDAY_EARLY, "2026-03-09", "2026-03-10")]
)
def test_station_dates_and_their_defaults_are_chinas_today(client, fc_staff, moment, today, tomorrow):
    with at(moment):
        api = signed_in(client, fc_staff)
        built = api.post(f"{STAFF}/stations", json=station_body(status="built"))
        assert built.status_code == 201, built.get_json()
        assert built.get_json()["built_date"] == today  # the default
        on_today = api.post(f"{STAFF}/stations", json=station_body(name="今天建成", status="built", built_date=today))
        assert on_today.status_code == 201, on_today.get_json()
        error = assert_error(api.post(f"{STAFF}/stations", json=station_body(status="built", built_date=tomorrow)), 422, "validation_error")
        assert "built_date" in error["details"]

        code = built.get_json()["code"]
        items = six_passed(api)
        ahead = api.post(f"{STAFF}/stations/{code}/inspections", json={"items": items, "inspected_on": tomorrow})
        assert ahead.status_code == 422, ahead.get_json()
        inspected = api.post(f"{STAFF}/stations/{code}/inspections", json={"items": items})
        assert inspected.status_code == 201, inspected.get_json()
        assert inspected.get_json()["inspected_on"] == today
        assert api.post(f"{STAFF}/stations/{code}/plaque", json={"plaqued_date": tomorrow}).status_code == 422
        plaqued = api.post(f"{STAFF}/stations/{code}/plaque", json={})
        assert plaqued.status_code == 200, plaqued.get_json()
        assert plaqued.get_json()["plaqued_date"] == today


# --- walk-ins and their back-dating window ------------------------------------------------------


@pytest.fixture
def station_attrs():
    return {"opening_hours": ALWAYS}


def walk_in(api, day: str, count: int = 2):
    return api.post(f"{MP}/keeper/stations/FC0101/walk-ins", json={"date": day, "count": count})


@pytest.mark.parametrize(
    ("moment", "today", "earliest"), [(SUNDAY_LATE, "2026-03-08", "2026-03-01"), (MONDAY_EARLY, "2026-03-09", "2026-03-02")]
)
def test_walk_ins_take_chinas_today_and_seven_days_before(client, station, moment, today, earliest):
    day_before_earliest = {"2026-03-01": "2026-02-28", "2026-03-02": "2026-03-01"}[earliest]
    tomorrow = {"2026-03-08": "2026-03-09", "2026-03-09": "2026-03-10"}[today]
    with at(moment):
        keeper = worker_signed_in(client, make_keeper(station).worker)
        assert walk_in(keeper, today).status_code == 201
        assert walk_in(keeper, earliest).status_code == 201
        error = assert_error(walk_in(keeper, tomorrow), 422, "walk_in_date_out_of_range")
        assert f"{earliest} 至 {today}" in error["message"]
        assert_error(walk_in(keeper, day_before_earliest), 422, "walk_in_date_out_of_range")
        listed = keeper.get(f"{MP}/keeper/stations/FC0101/walk-ins").get_json()
        assert (listed["to"], sorted(i["date"] for i in listed["items"])) == (today, sorted([earliest, today]))


def test_a_walk_in_leaves_the_correction_window_at_chinas_midnight(client, station):
    keeper_worker = make_keeper(station).worker
    with at(datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC)):  # Sun 1 March 23:59:59 in China
        keeper = worker_signed_in(client, keeper_worker)
        entry = walk_in(keeper, "2026-03-01", 5).get_json()
    with at(SUNDAY_LATE):  # 8 March: 1 March is the earliest day still open
        keeper = worker_signed_in(client, keeper_worker)
        assert keeper.post(f"{MP}/keeper/stations/FC0101/walk-ins/{entry['id']}/corrections", json={"count": 4}).status_code == 201
    with at(MONDAY_EARLY):  # 9 March in China: 1 March is past the seven days, though UTC says the 8th
        keeper = worker_signed_in(client, keeper_worker)
        assert_error(
            keeper.post(f"{MP}/keeper/stations/FC0101/walk-ins/{entry['id']}/corrections", json={"count": 3}), 409, "walk_in_too_old"
        )


# --- visits today and this week (the keeper's summary, the station detail) ---------------------


def scan(client, station, moment: datetime, worker=None) -> None:
    with at(moment):
        api = worker_signed_in(client, worker or WorkerFactory())
        r = api.post(f"{MP}/checkins", json={"scan": url_for_sign(station), "services": ["water"]})
        assert r.status_code == 201, r.get_json()


def test_the_keepers_today_and_week_and_the_detail_turn_at_chinas_midnight(client, station):
    scan(client, station, SUNDAY_LATE)
    keeper_worker = make_keeper(station).worker
    with at(SUNDAY_LATE):
        keeper = worker_signed_in(client, keeper_worker)
        body = keeper.get(f"{MP}/keeper/stations/FC0101/summary").get_json()
        assert (body["today"]["from"], body["today"]["scan"]) == ("2026-03-08", 1)
        assert (body["this_week"]["from"], body["this_week"]["to"], body["this_week"]["scan"]) == ("2026-03-02", "2026-03-08", 1)
        assert keeper.get(f"{MP}/stations/FC0101").get_json()["visits_today"]["scan"] == 1
    scan(client, station, MONDAY_EARLY)
    with at(MONDAY_EARLY):
        keeper = worker_signed_in(client, keeper_worker)
        body = keeper.get(f"{MP}/keeper/stations/FC0101/summary").get_json()
        assert (body["today"]["from"], body["today"]["scan"], body["today"]["workers"]) == ("2026-03-09", 1, 1)
        assert (body["this_week"]["from"], body["this_week"]["scan"]) == ("2026-03-09", 1)  # a new week
        assert keeper.get(f"{MP}/stations/FC0101").get_json()["visits_today"]["scan"] == 1


# --- the day, week, month and quarter a check-in is counted in ---------------------------------


def buckets(api, period: str, since: str, until: str) -> dict[str, int]:
    r = api.get(f"{STAFF}/reports/visits", query_string={"from": since, "to": until, "group_by": "city", "period": period})
    assert r.status_code == 200, r.get_json()
    return {row["period_start"]: row["scanned"] for row in r.get_json()["rows"] if row["scanned"]}


def test_reports_and_rollups_count_a_check_in_in_chinas_day_week_month_and_quarter(client, city_staff, station):
    for moment in (SUNDAY_LATE, MONDAY_EARLY, Q1_LAST, Q2_FIRST):
        scan(client, station, moment)
    with at(Q2_FIRST):
        api = signed_in(client, city_staff)
        assert buckets(api, "day", "2026-03-01", "2026-04-01") == {"2026-03-08": 1, "2026-03-09": 1, "2026-03-31": 1, "2026-04-01": 1}
        assert buckets(api, "week", "2026-03-02", "2026-04-05") == {"2026-03-02": 1, "2026-03-09": 1, "2026-03-30": 2}
        assert buckets(api, "month", "2026-03-01", "2026-04-30") == {"2026-03-01": 3, "2026-04-01": 1}
        assert buckets(api, "quarter", "2026-01-01", "2026-06-30") == {"2026-01-01": 3, "2026-04-01": 1}
        form = api.get(f"{STAFF}/reports/quarterly", query_string={"year": 2026}).get_json()
        assert form["through_quarter"] == 2
        assert [r["visits"]["scan"] if r["included"] else None for r in form["rows"]] == [3, 1, None, None]
    assert rollups.verify() == []  # the rollups hold what the raw check-ins say


# --- the quarterly form: its quarter, due date and lateness --------------------------------------


def test_the_quarterly_forms_quarter_turns_at_chinas_midnight(client, fc_staff):
    with at(Q1_LAST):
        api = signed_in(client, fc_staff)
        assert api.get(f"{STAFF}/reports/quarterly", query_string={"year": 2026}).get_json()["through_quarter"] == 1
        assert_error(api.post(f"{STAFF}/reports/quarterly/2026/2/submission"), 422, "quarter_in_future")
    with at(Q2_FIRST):
        api = signed_in(client, fc_staff)
        assert api.get(f"{STAFF}/reports/quarterly", query_string={"year": 2026}).get_json()["through_quarter"] == 2
        assert api.post(f"{STAFF}/reports/quarterly/2026/2/submission").status_code == 201


DUE_LAST_SECOND = datetime(2026, 3, 30, 15, 59, 59, tzinfo=UTC)  # Mon 30 March 23:59:59 in China: Q1's due day
DUE_PASSED = datetime(2026, 3, 30, 16, 0, 1, tzinfo=UTC)  # Tue 31 March 00:00:01 in China


@pytest.mark.parametrize(("moment", "late"), [(DUE_LAST_SECOND, False), (DUE_PASSED, True)])
def test_lateness_is_judged_on_chinas_calendar(client, fc_staff, city_staff, moment, late):
    with at(moment):
        fc = signed_in(client, fc_staff)
        status = (
            signed_in(client, city_staff).get(f"{STAFF}/reports/quarterly/status", query_string={"year": 2026, "quarter": 1}).get_json()
        )
        assert status["due_date"] == "2026-03-30"
        assert {row["district"]["code"]: row["late"] for row in status["districts"]}["FC"] is late  # not filed yet
        submitted = fc.post(f"{STAFF}/reports/quarterly/2026/1/submission")
        assert submitted.status_code == 201, submitted.get_json()
        assert (submitted.get_json()["due_date"], submitted.get_json()["late"]) == ("2026-03-30", late)
        row = fc.get(f"{STAFF}/reports/quarterly", query_string={"year": 2026}).get_json()["rows"][0]
        assert row["submission"]["late"] is late


# --- the console dashboard, the quality evaluation ----------------------------------------------


KPI = re.compile(r'<div class="n">(\d+)</div><div class="t">(今日|本月)服务人次')


def test_the_dashboards_today_and_month_are_chinas(app, client, fc_staff, station):
    scan(client, station, Q1_LAST)
    scan(client, station, Q2_FIRST)
    with at(Q1_LAST):
        page = console_as(app, fc_staff).get("/console/").text
        assert {label: int(n) for n, label in KPI.findall(page)} == {"今日": 1, "本月": 1}  # the 31st's visit only
    with at(Q2_FIRST):
        page = console_as(app, fc_staff).get("/console/").text
        assert {label: int(n) for n, label in KPI.findall(page)} == {"今日": 1, "本月": 1}  # April's own visit
    with at(Q2_FIRST.replace(hour=23)):  # 1 April, 07:00 in China: still April
        page = console_as(app, fc_staff).get("/console/").text
        assert {label: int(n) for n, label in KPI.findall(page)} == {"今日": 1, "本月": 1}


@pytest.mark.parametrize(("moment", "today"), [(SUNDAY_LATE, "2026-03-08"), (MONDAY_EARLY, "2026-03-09")])
def test_the_quality_evaluation_ends_on_chinas_today(client, fc_staff, station, moment, today):
    with at(moment):
        api = signed_in(client, fc_staff)
        period = api.get(f"{STAFF}/reports/quality").get_json()["period"]
        assert period["to"] == today
        assert api.get(f"{STAFF}/reports/quality", query_string={"to": today}).status_code == 200
        assert_error(api.get(f"{STAFF}/reports/quality", query_string={"to": "2026-03-10"}), 422, "period_in_future")
