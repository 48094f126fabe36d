"""Plan progress against 附件1 (stations built per district and year) and 附件2 (demonstration
stations per year, none counted twice, 省级最美站点 left out), per district and for the city."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.accounts.actor import CLI_ACTOR
from app.core import clock
from app.reports import plan_progress
from tests.assertions import assert_error
from tests.factories import StationFactory

URL = "/api/staff/v1/reports/plan"
CN = clock.CHINA_TZ
GX = {"district_code": "GX", "address": "绵阳市高新区", "lat": 31.433, "lng": 104.686}


def build(n: int, built: date, **values) -> list:
    return [StationFactory(built_date=built, **values) for _ in range(n)]


@pytest.fixture
def fc_history(app_ctx):
    """涪城区 (附件1: 4 by October 2021, 9 new in 2022, 2025 total 39 → 13, 24, 32, 39)."""
    first = build(13, date(2022, 6, 1))
    build(11, date(2023, 5, 1))
    build(5, date(2024, 9, 1))
    build(3, date(2025, 3, 1))
    build(2, date(2025, 8, 1))  # after the as_of date used below
    build(1, date(2025, 1, 10), status="planned")  # a planned station is never built
    retired = first[0]
    retired.status, retired.retired_at, retired.retired_reason = "retired", datetime(2024, 3, 1, 9, tzinfo=CN), "撤并"
    # 附件2 for 涪城区: 2022: 2, 2023: 1, 2024: 1, 2025: 1.
    for s in first[1:3]:
        s.status, s.demonstration, s.demonstration_year = "plaqued", True, 2022
    first[3].status, first[3].demonstration, first[3].demonstration_year, first[3].provincial_best = "plaqued", True, 2023, True
    first[4].status, first[4].demonstration, first[4].demonstration_year = "retired", True, 2024
    first[4].retired_at, first[4].retired_reason = datetime(2024, 12, 1, tzinfo=CN), "拆除"
    from app.extensions import db

    db.session.commit()
    return first


def fc_row(result) -> dict:
    return next(r for r in result["districts"] if r["district"]["code"] == "FC")


def test_district_milestones_against_attachment_1(city_api, fc_history):
    result = city_api.get(URL, query_string={"as_of": "2025-07-02"}).get_json()
    fc = fc_row(result)
    by_year = {m["year"]: m for m in fc["milestones"]}
    assert [(m["year"], m["target"]) for m in fc["milestones"]] == [(2022, 13), (2023, 24), (2024, 32), (2025, 39)]
    assert (by_year[2022]["built"], by_year[2022]["state"]) == (13, "met")
    assert (by_year[2023]["built"], by_year[2023]["state"]) == (24, "met")  # the retired one was in service then
    # 2024: 29 built by the year's end, one of them retired in March 2024, another in December.
    assert (by_year[2024]["built"], by_year[2024]["state"]) == (27, "missed")
    # 2025 so far: 27 + 3 = 30; pro rata 32 + 7 × 183/365 → 35 expected by 2 July.
    assert by_year[2025]["built"] == 30
    assert by_year[2025]["expected_by_now"] == 35
    assert by_year[2025]["state"] == "behind"
    assert fc["built_now"] == 30 and fc["on_track"] is False
    assert fc["built_by_oct_2021"] == 4


def test_today_counts_only_stations_in_service(city_api, fc_history):
    fc = fc_row(city_api.get(URL).get_json())  # today: every milestone year is over
    assert fc["built_now"] == 32  # 13 + 11 + 5 + 3 + 2 − 2 retired
    assert fc["milestones"][-1]["state"] == "missed"
    assert fc["on_track"] is False


def test_on_track_early_in_a_year(app_ctx):
    build(8, date(2022, 1, 15), **GX)  # 高新区: 6 by October 2021 + 3 in 2022 = 9
    result = plan_progress.plan_progress(CLI_ACTOR, as_of=date(2022, 3, 1))
    gx = next(r for r in result["districts"] if r["district"]["code"] == "GX")
    m2022 = gx["milestones"][0]
    assert m2022["target"] == 9 and m2022["expected_by_now"] == 6  # 6 + 3 × 60/365
    assert m2022["state"] == "on_track" and gx["on_track"] is True
    assert [m["state"] for m in gx["milestones"][1:]] == ["upcoming"] * 3


def test_a_district_that_reached_its_total(app_ctx):
    build(18, date(2022, 1, 15), **GX)
    result = plan_progress.plan_progress(CLI_ACTOR, as_of=date(2026, 5, 1))
    gx = next(r for r in result["districts"] if r["district"]["code"] == "GX")
    assert [m["state"] for m in gx["milestones"]] == ["met"] * 4
    assert gx["on_track"] is True


def test_demonstration_stations_against_attachment_2(city_api, fc_history):
    demo = fc_row(city_api.get(URL, query_string={"as_of": "2025-07-02"}).get_json())["demonstration"]
    years = {y["year"]: y for y in demo["years"]}
    assert (years[2022]["count"], years[2022]["target"], years[2022]["state"]) == (2, 2, "met")
    assert (years[2023]["count"], years[2023]["state"]) == (0, "missed")  # its only one is 省级最美站点
    assert (years[2024]["count"], years[2024]["state"]) == (0, "missed")  # its only one was retired
    assert (years[2025]["count"], years[2025]["state"]) == (0, "in_progress")
    assert (demo["count_total"], demo["target_total"]) == (2, 5)


def test_the_city_total_uses_the_printed_totals_row(city_api, fc_history):
    build(3, date(2022, 2, 1), **GX)
    city = city_api.get(URL, query_string={"as_of": "2025-07-02"}).get_json()["city"]
    assert [(m["year"], m["target"]) for m in city["milestones"]] == [(2022, 105), (2023, 210), (2024, 280), (2025, 350)]
    assert city["milestones"][0]["built"] == 16 and city["built_now"] == 33
    assert city["built_by_oct_2021"] == 55
    assert city["on_track"] is False
    assert [y["target"] for y in city["demonstration"]["years"]] == [15, 10, 10, 10]
    assert city["demonstration"]["count_total"] == 2 and city["demonstration"]["target_total"] == 45


def test_district_staff_see_only_their_district(yx_api, fc_api, fc_history):
    yx = yx_api.get(URL).get_json()
    assert [r["district"]["code"] for r in yx["districts"]] == ["YX"]
    assert yx["city"] is None
    assert yx["districts"][0]["built_now"] == 0
    fc = fc_api.get(URL).get_json()
    assert [r["district"]["code"] for r in fc["districts"]] == ["FC"] and fc["districts"][0]["built_now"] == 32


def test_every_district_is_listed_for_the_city(city_api, app_ctx):
    result = city_api.get(URL).get_json()
    assert len(result["districts"]) == 13
    assert result["districts"][0]["district"]["name"] == "涪城区"


def test_bad_input_and_no_token(city_api, anon_api, app_ctx):
    assert_error(city_api.get(URL, query_string={"as_of": "2025-13-01"}), 422, "validation_error")
    assert_error(anon_api.get(URL), 401, "unauthorized")


def test_cli_prints_progress(app, fc_history):
    result = app.test_cli_runner().invoke(args=["reports", "plan", "--as-of", "2025-07-02"])
    assert result.exit_code == 0, result.output
    assert "涪城区" in result.output and "全市" in result.output and "2024:27/32(missed)" in result.output
    as_json = app.test_cli_runner().invoke(args=["reports", "plan", "--json"])
    assert as_json.exit_code == 0 and '"districts"' in as_json.output
