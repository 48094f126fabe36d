"""质效评估: each component of the score from known stations, the ranking and 最美站点
candidates, the weights from configuration, exports, scope, and a query count that does not
grow with the number of stations."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.actor import CLI_ACTOR
from app.core import clock
from app.extensions import db
from app.keepers.models import StatusUpdate
from app.ratings.models import Rating
from app.reference import data as ref
from app.registry.models import Inspection
from app.reports import quality
from tests.assertions import assert_error
from tests.factories import YX_STATION, CheckInFactory, StationFactory, WorkerFactory, make_keeper

URL = "/api/staff/v1/reports/quality"
CN = clock.CHINA_TZ
PERIOD = {"to": "2025-06-30", "days": 30}  # 1–30 June 2025
ITEMS = [code for code, _ in ref.SIX_HAS_ITEMS]


def china(m, d, hh=12, mm=0) -> datetime:
    return datetime(2025, m, d, hh, mm, tzinfo=CN)


def visit(station, at, *, manual=None):
    from app.visits import rollups

    if manual:
        v = CheckInFactory(station=station, worker=None, source="manual", headcount=manual, dedupe_bucket=None, checked_in_at=at)
    else:
        v = CheckInFactory(station=station, worker=WorkerFactory(), checked_in_at=at)
    rollups.record_visit(v)
    db.session.commit()
    return v


def rate(v, score, at):
    db.session.add(Rating(checkin_id=v.id, station_id=v.station_id, worker_id=v.worker_id, score=score, created_at=at))
    db.session.commit()


def inspect(station, passed: int, on: date):
    results = [{"item": item, "passed": i < passed, "note": None} for i, item in enumerate(ITEMS)]
    db.session.add(Inspection(station=station, inspector_name="检查员", inspected_on=on, results=results))
    db.session.commit()


def post(keeper, at, changes):
    db.session.add(StatusUpdate(station_id=keeper.station_id, keeper_id=keeper.id, posted_at=at, changes=changes))
    db.session.commit()


AMENITIES6 = ["drinking_water", "hot_water", "toilet", "rest_seats", "air_conditioning", "microwave"]


@pytest.fixture
def stations(app_ctx):
    a = StationFactory(code="FC0001", status="plaqued", amenities=AMENITIES6)
    b = StationFactory(code="FC0002", status="built", amenities=AMENITIES6[:3])
    c = StationFactory(code="FC0003", status="plaqued", amenities=[], provincial_best=True)
    StationFactory(code="FC0004", status="retired", retired_at=china(3, 1), retired_reason="撤并")
    e = StationFactory(**YX_STATION, status="plaqued")

    inspect(a, 2, date(2025, 1, 5))
    inspect(a, 6, date(2025, 2, 5))  # the latest counts
    inspect(b, 3, date(2025, 2, 5))
    inspect(c, 6, date(2025, 2, 5))

    keeper_a = make_keeper(a)
    for day in range(1, 16):  # a post on 15 of the 30 days; two on the 1st
        post(keeper_a, china(6, day), {"water": "available"})
    post(keeper_a, china(6, 1, 18), {"toilet": "open"})
    post(keeper_a, china(5, 31, 23, 59), {"water": "low"})  # before the period
    keeper_c = make_keeper(c, revoked_at=china(6, 20))
    # Closed from the 10th until noon on the 12th: three days of the period.
    post(keeper_c, china(6, 10, 9), {"station": {"state": "closed_temporarily", "reason": "维修", "until": "2025-06-12T04:00:00+00:00"}})

    a_visits = [visit(a, china(6, 1 + i % 28, 10)) for i in range(20)]
    visit(a, china(5, 31, 23, 59))  # before the period
    visit(b, china(6, 3), manual=9)
    b_scan = visit(b, china(6, 4))
    for v in a_visits[:10]:
        rate(v, 5, v.checked_in_at)
    rate(b_scan, 1, b_scan.checked_in_at)
    visit(e, china(6, 5))
    return {"a": a, "b": b, "c": c, "e": e}


def ranked(api, **params):
    r = api.get(URL, query_string={**PERIOD, **params})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_components_and_ranking(fc_api, stations):
    result = ranked(fc_api)
    assert result["period"] == {"from": "2025-06-01", "to": "2025-06-30", "days": 30}
    assert result["district"] == {"code": "FC", "name": "涪城区"}
    rows = {r["code"]: r for r in result["stations"]}
    assert [r["code"] for r in result["stations"]] == ["FC0001", "FC0002", "FC0003"]  # retired and YX left out
    assert [r["rank"] for r in result["stations"]] == [1, 2, 3]

    a, b, c = rows["FC0001"], rows["FC0002"], rows["FC0003"]
    # build: 50 × 六有 passed / 6 + 50 if plaqued
    assert (a["components"]["build"], b["components"]["build"], c["components"]["build"]) == (100.0, 25.0, 100.0)
    # operation: mean of keeper active, days with a post / 30, 1 − days closed / 30
    assert a["components"]["operation"] == pytest.approx(83.3)  # (1 + 15/30 + 1) / 3
    assert b["components"]["operation"] == pytest.approx(33.3)  # (0 + 0 + 1) / 3
    assert c["components"]["operation"] == pytest.approx(31.1)  # (0 + 1/30 + 27/30) / 3, keeper revoked
    assert (a["details"]["status_days"], c["details"]["closed_days"]) == (15, 3)
    # function: amenities / 6, at most 1
    assert (a["components"]["function"], b["components"]["function"], c["components"]["function"]) == (100.0, 50.0, 0.0)
    # visits: 50 at the district median (10), 100 at twice it
    assert (a["details"]["visits"], b["details"]["visits"], c["details"]["visits"]) == (20, 10, 0)
    assert b["details"]["visits_manual"] == 9 and a["details"]["district_median_visits"] == 10
    assert (a["components"]["visits"], b["components"]["visits"], c["components"]["visits"]) == (100.0, 50.0, 0.0)
    # satisfaction: (sum + 5 × district mean) / (n + 5) on 1–5, as 0–100; district mean 51/11
    assert a["details"]["rating_adjusted"] == pytest.approx(4.88) and a["components"]["satisfaction"] == pytest.approx(97.0)
    assert b["details"]["rating_adjusted"] == pytest.approx(4.03) and b["components"]["satisfaction"] == pytest.approx(75.8)
    assert c["details"]["ratings"] == 0 and c["components"]["satisfaction"] == pytest.approx(90.9)  # the district mean
    # total with the default weights 20/20/15/25/20
    assert (a["score"], b["score"], c["score"]) == (pytest.approx(96.1), pytest.approx(46.8), pytest.approx(44.4))


def test_candidates_are_top_plaqued_stations_not_yet_provincial_best(fc_api, city_api, stations):
    rows = ranked(fc_api)["stations"]
    assert [r["code"] for r in rows if r["candidate"]] == ["FC0001"]  # FC0002 is not plaqued, FC0003 already 省级
    city = ranked(city_api, top=1)["stations"]
    assert [r["code"] for r in city] == ["FC0001", "FC0002", "FC0003", "YX0001"]
    assert [r["code"] for r in city if r["candidate"]] == ["FC0001"]
    # Two places: the next eligible one is YX0001, fourth, after two that cannot be candidates.
    assert [r["code"] for r in ranked(city_api, top=2)["stations"] if r["candidate"]] == ["FC0001", "YX0001"]
    assert [r["code"] for r in ranked(city_api, top=0)["stations"] if r["candidate"]] == []


def test_a_station_alone_in_its_district_is_compared_with_itself(city_api, stations):
    yx = next(r for r in ranked(city_api)["stations"] if r["code"] == "YX0001")
    assert yx["details"]["district_median_visits"] == 1 and yx["components"]["visits"] == 50.0
    assert yx["components"]["satisfaction"] == 50.0  # no ratings in 游仙区: neutral 3


def test_weights_come_from_configuration(app, fc_api, stations, monkeypatch):
    monkeypatch.setitem(app.config, "QUALITY_WEIGHTS", {"build": 0, "operation": 0, "function": 0, "visits": 0, "satisfaction": 1})
    result = ranked(fc_api)
    assert result["weights"]["satisfaction"] == 1.0
    assert [r["code"] for r in result["stations"]] == ["FC0001", "FC0003", "FC0002"]
    assert result["stations"][0]["score"] == pytest.approx(97.0)


def test_weights_from_the_environment():
    from config.settings import load_config

    settings = load_config("testing", environ={"YIZHAN_QUALITY_WEIGHTS": '{"visits": 50, "satisfaction": 0}', "YIZHAN_QUALITY_TOP_N": "3"})
    assert settings["QUALITY_WEIGHTS"] == {"build": 20, "operation": 20, "function": 15, "visits": 50.0, "satisfaction": 0.0}
    assert settings["QUALITY_TOP_N"] == 3
    from config.settings import ConfigError

    with pytest.raises(ConfigError):
        load_config("testing", environ={"YIZHAN_QUALITY_WEIGHTS": '{"beauty": 10}'})


def test_csv_and_xlsx_exports(city_api, stations):
    r = city_api.get(URL, query_string={**PERIOD, "district": "FC", "format": "csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["排名", "站点编码", "站点名称", "区县", "综合得分"]
    assert [row[1] for row in rows[1:]] == ["FC0001", "FC0002", "FC0003"]
    assert rows[1][-1] == "是"

    r = city_api.get(URL, query_string={**PERIOD, "district": "涪城区", "format": "xlsx"})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.data)).active
    assert "A1:" in " ".join(str(m) for m in sheet.merged_cells.ranges)
    assert "涪城区" in sheet["A1"].value and "2025-06-01" in sheet["A1"].value
    assert sheet.cell(2, 5).value == "综合得分"
    assert sheet.cell(3, 2).value == "FC0001" and sheet.cell(3, 5).value == pytest.approx(96.1)
    assert isinstance(sheet.cell(3, 5).value, float) and sheet.cell(3, 1).value == 1
    assert sheet["A1"].font.name == "宋体"


def test_district_staff_are_refused_another_district(fc_api, yx_api, stations):
    assert_error(fc_api.get(URL, query_string={**PERIOD, "district": "YX"}), 403, "district_out_of_scope")
    assert [r["code"] for r in ranked(yx_api)["stations"]] == ["YX0001"]
    for fmt in ("csv", "xlsx"):
        assert_error(yx_api.get(URL, query_string={**PERIOD, "district": "涪城区", "format": fmt}), 403, "district_out_of_scope")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"days": 0}, "validation_error"),
        ({"days": 400}, "validation_error"),
        ({"to": "2999-01-01"}, "period_in_future"),
        ({"format": "pdf"}, "validation_error"),
        ({"district": "成都区"}, "district_unknown"),
    ],
)
def test_bad_input(city_api, app_ctx, params, code):
    assert_error(city_api.get(URL, query_string=params), 422, code)


def test_query_count_does_not_grow_with_stations(app_ctx):
    def queries_for(n_extra: int) -> int:
        for _ in range(n_extra):
            s = StationFactory(status="plaqued")
            inspect(s, 6, date(2025, 1, 1))
            make_keeper(s)
        statements = []
        connection = db.session.connection()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(connection, "before_cursor_execute", listener)
        try:
            quality.evaluate(CLI_ACTOR, to=date(2025, 6, 30), days=30)
        finally:
            sa.event.remove(connection, "before_cursor_execute", listener)
        return len(statements)

    few = queries_for(2)
    many = queries_for(40)
    assert many == few <= 10


def test_cli_ranks_and_exports(app, stations, tmp_path):
    out = tmp_path / "quality.xlsx"
    result = app.test_cli_runner().invoke(
        args=["reports", "quality", "--district", "涪城区", "--to", "2025-06-30", "--days", "30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(out).active.cell(3, 2).value == "FC0001"
    printed = app.test_cli_runner().invoke(args=["reports", "quality", "--district", "FC", "--to", "2025-06-30"])
    assert printed.exit_code == 0 and "FC0001" in printed.output and "候选" in printed.output
    assert printed.output.index("FC0001") < printed.output.index("FC0002")


def test_the_period_is_whole_china_days_ending_on_the_given_day(fc_api, stations):
    def visits(**period):
        rows = fc_api.get(URL, query_string=period).get_json()["stations"]
        return {r["code"]: r["details"]["visits"] for r in rows}

    assert visits(to="2025-06-03", days=3)["FC0002"] == 9  # the walk-in entry of 3 June
    assert visits(to="2025-06-04", days=1)["FC0002"] == 1  # only the scan of 4 June
    assert visits(to="2025-06-30", days=30)["FC0001"] == 20  # not the 23:59 visit of 31 May
    assert visits(to="2025-05-31", days=1)["FC0001"] == 1
