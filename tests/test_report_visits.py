"""The visits report and its rollups, with visits made through the API: scans (with duplicates,
replays and a visit at 23:30 China time on a quarter's last day) and walk-ins with a correction.
The rollups must equal the raw check-ins (verify finds nothing, and every report computed from
rollups equals the same report from raw); buckets follow China time; scope and bad input."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.core import clock as app_clock
from app.extensions import db
from app.models import VisitDayDistrict, VisitDayStation, VisitDayWorkers, VisitMonthWorkers
from app.services import rollups, visit_counts, visit_report
from app.services.actor import CLI_ACTOR
from app.services.sign_tokens import url_for_sign
from tests.assertions import assert_error
from tests.conftest import worker_signed_in
from tests.factories import StationFactory, WorkerFactory, make_keeper

MP = "/api/mp/v1"
REPORT = "/api/staff/v1/reports/visits"
ALWAYS = {"always_open": True, "weekly": []}


def china(*args) -> datetime:
    return datetime(*args, tzinfo=app_clock.CHINA_TZ).astimezone(UTC)


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = china(2025, 4, 2, 10, 0)

        def at(self, moment):
            self.now = moment

    c = Clock()
    monkeypatch.setattr(app_clock, "now", lambda: c.now)
    return c


@pytest.fixture
def stations(app_ctx):
    return {
        "FC1": StationFactory(code="FC0101", district_code="FC", opening_hours=ALWAYS),
        "FC2": StationFactory(code="FC0102", district_code="FC", opening_hours=ALWAYS),
        "YX1": StationFactory(code="YX0101", district_code="YX", opening_hours=ALWAYS),
    }


def scan(client, clock, worker, station, at, services=("water",), headers=None, expect=201):
    clock.at(at)
    api = worker_signed_in(client, worker)
    r = api.post(f"{MP}/checkins", json={"scan": url_for_sign(station), "services": list(services)}, headers=headers)
    assert r.status_code == expect, r.get_json()
    return r.get_json()


@pytest.fixture
def visits(client, clock, stations):
    """The known set of visits (China time):
    - worker A (courier): FC0101 on Mon 2025-03-31 23:30 (Q1's last day), a duplicate scan at
      23:40, FC0101 again 2025-04-01 00:45 (Q2), FC0102 2025-04-01 09:00 with a replayed key;
    - worker B (sanitation): FC0102 2025-03-31 10:00 (water, toilet), YX0101 2025-04-02 09:00;
    - worker C (no group): YX0101 2025-01-15 12:00;
    - FC0101's keeper: 5 walk-ins on 2025-03-31 corrected to 3, 4 on 2025-04-01 (recorded 04-02).
    """
    fc1, fc2, yx1 = stations["FC1"], stations["FC2"], stations["YX1"]
    a = WorkerFactory(worker_group="courier")
    b = WorkerFactory(worker_group="sanitation")
    c = WorkerFactory()
    scan(client, clock, c, yx1, china(2025, 1, 15, 12, 0))
    scan(client, clock, b, fc2, china(2025, 3, 31, 10, 0), services=("water", "toilet"))
    first = scan(client, clock, a, fc1, china(2025, 3, 31, 23, 30))
    again = scan(client, clock, a, fc1, china(2025, 3, 31, 23, 40), expect=200)
    assert again["id"] == first["id"] and again["deduplicated"]
    scan(client, clock, a, fc1, china(2025, 4, 1, 0, 45), services=("rest",))
    key = {"Idempotency-Key": "k-report-1"}
    one = scan(client, clock, a, fc2, china(2025, 4, 1, 9, 0), headers=key)
    two = scan(client, clock, a, fc2, china(2025, 4, 1, 9, 5), headers=key)  # replay: same answer
    assert one["id"] == two["id"]
    scan(client, clock, b, yx1, china(2025, 4, 2, 9, 0))
    clock.at(china(2025, 4, 2, 10, 0))
    keeper = worker_signed_in(client, make_keeper(fc1).worker)
    entry = keeper.post(f"{MP}/keeper/stations/FC0101/walk-ins", json={"date": "2025-03-31", "count": 5})
    assert entry.status_code == 201, entry.get_json()
    fix = keeper.post(f"{MP}/keeper/stations/FC0101/walk-ins/{entry.get_json()['id']}/corrections", json={"count": 3})
    assert fix.status_code == 201, fix.get_json()
    r = keeper.post(f"{MP}/keeper/stations/FC0101/walk-ins", json={"date": "2025-04-01", "count": 4, "worker_group": "courier"})
    assert r.status_code == 201
    return {"a": a, "b": b, "c": c}


def query(**kw) -> visit_report.VisitQuery:
    kw.setdefault("since", date(2025, 1, 1))
    kw.setdefault("until", date(2025, 12, 31))
    return visit_report.query_for(CLI_ACTOR, **kw)


def figures(report) -> list[tuple]:
    return [(b.period_start, b.district, b.station_id, b.scanned, b.manual, b.workers) for b in report.buckets]


# --- rollups equal raw ------------------------------------------------------------------------


def test_rollups_equal_raw_after_scans_duplicates_replays_and_corrections(visits):
    assert rollups.verify() == []


@pytest.mark.parametrize("period", visit_report.PERIODS)
@pytest.mark.parametrize("group_by", visit_report.GROUPINGS)
def test_every_report_from_rollups_equals_raw(visits, stations, group_by, period):
    filters = [
        {},
        {"district": "FC"},
        {"station": "FC0102"},
        {"worker_group": "courier"},
        {"service": "water"},
        {"service": "rest", "district": "FC"},
        {"source": "manual"},
        {"source": "scan", "district": "YX"},
    ]
    for extra in filters:
        q = query(group_by=group_by, period=period, **extra)
        assert figures(visit_report.build(q)) == figures(visit_report.build(q, source="raw")), extra


def test_headcount_by_reads_rollups_equal_to_raw(visits, stations):
    for by in ("district", "station"):
        for kw in ({}, {"district_codes": ["FC"]}, {"station_ids": [stations["FC1"].id]}):
            for start, end in ((date(2025, 1, 1), date(2026, 1, 1)), (date(2025, 4, 1), date(2025, 4, 2))):
                assert visit_counts.headcount_by(start, end, by=by, **kw) == visit_counts.headcount_by_raw(start, end, by=by, **kw)
    q1 = visit_counts.headcount_by(date(2025, 1, 1), date(2025, 4, 1), by="district")
    assert q1 == {"FC": {"scan": 2, "manual": 3}, "YX": {"scan": 1, "manual": 0}}


def test_verify_finds_a_tampered_rollup_and_rebuild_repairs_it(visits, app):
    db.session.execute(sa.update(VisitDayDistrict).where(VisitDayDistrict.district_code == "FC").values(visits=VisitDayDistrict.visits + 1))
    db.session.execute(sa.delete(VisitDayWorkers).where(VisitDayWorkers.scope == "city"))
    db.session.add(VisitDayStation(day=date(2025, 2, 2), station_id=1, source="scan", worker_group="", district_code="FC", visits=7))
    db.session.execute(
        sa.update(VisitMonthWorkers).where(VisitMonthWorkers.scope == "district").values(new_year=VisitMonthWorkers.new_year + 1)
    )
    db.session.flush()
    found = rollups.verify()
    assert {(d.table, d.kind) for d in found} >= {
        ("visit_day_district", "missing"),
        ("visit_day_district", "extra"),
        ("visit_day_workers", "missing"),
        ("visit_day_station", "extra"),
        ("visit_month_district", "extra"),  # the monthly sums of the tampered days
        ("visit_month_workers", "extra"),
    }
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "verify"])
    assert result.exit_code == 1 and "visit_day_district" in result.output
    result = runner.invoke(args=["reports", "rebuild"])
    assert result.exit_code == 0, result.output
    assert rollups.verify() == []
    assert runner.invoke(args=["reports", "verify"]).exit_code == 0


# --- buckets in China time -------------------------------------------------------------------


def test_quarter_month_and_week_buckets_follow_china_time(visits, city_api):
    body = city_api.get(REPORT, query_string={"from": "2025-01-01", "to": "2025-06-30", "group_by": "city", "period": "quarter"}).get_json()
    assert body.get("source") == {"visits": "rollup", "workers": "rollup"}, body
    rows = [(r["period_start"], r["scanned"], r["manual"], r["total"], r["workers"]) for r in body["rows"]]
    # Q1: C (Jan), B at FC0102, A at 23:30 on 03-31; 5 − 2 walk-ins. Q2: A twice, B at YX; 4 walk-ins.
    assert rows == [("2025-01-01", 3, 3, 6, 3), ("2025-04-01", 3, 4, 7, 2)]
    body = city_api.get(REPORT, query_string={"from": "2025-03-31", "to": "2025-04-06", "group_by": "city", "period": "week"}).get_json()
    assert [(r["period_start"], r["period_end"], r["scanned"], r["workers"]) for r in body["rows"]] == [("2025-03-31", "2025-04-06", 5, 2)]
    body = city_api.get(
        REPORT, query_string={"from": "2025-03-15", "to": "2025-04-15", "group_by": "district", "period": "month"}
    ).get_json()
    assert (body["from"], body["to"], body["requested_from"]) == ("2025-03-01", "2025-04-30", "2025-03-15")
    fc = [(r["period_start"], r["scanned"], r["manual"], r["workers"]) for r in body["rows"] if r["district"] == "FC"]
    assert fc == [("2025-03-01", 2, 3, 2), ("2025-04-01", 2, 4, 1)]
    assert len(body["rows"]) == 2 * 13  # every district, with zeros
    assert body["totals"] == {"scanned": 5, "manual": 7, "total": 12}
    body = city_api.get(REPORT, query_string={"from": "2025-03-31", "to": "2025-04-01", "group_by": "station", "period": "day"}).get_json()
    got = {(r["period_start"], r["station"]): (r["scanned"], r["manual"], r["workers"]) for r in body["rows"]}
    assert got == {
        ("2025-03-31", "FC0101"): (1, 3, 1),
        ("2025-03-31", "FC0102"): (1, 0, 1),
        ("2025-04-01", "FC0101"): (1, 4, 1),
        ("2025-04-01", "FC0102"): (1, 0, 1),
    }


def test_distinct_workers_of_a_year_count_each_worker_once(visits, city_api):
    body = city_api.get(REPORT, query_string={"from": "2025-01-01", "to": "2025-12-31", "group_by": "city", "period": "year"}).get_json()
    assert [(r["scanned"], r["manual"], r["workers"]) for r in body["rows"]] == [(6, 7, 3)]
    body = city_api.get(
        REPORT, query_string={"from": "2025-01-01", "to": "2025-12-31", "group_by": "district", "period": "year"}
    ).get_json()
    by = {r["district"]: (r["scanned"], r["workers"]) for r in body["rows"] if r["total"]}
    assert by == {"FC": (4, 2), "YX": (2, 2)}


def test_filters(visits, city_api):
    def year(**kw):
        qs = {"from": "2025-01-01", "to": "2025-12-31", "group_by": "city", "period": "year", **kw}
        body = city_api.get(REPORT, query_string=qs).get_json()
        (row,) = body["rows"]
        return (row["scanned"], row["manual"], row["workers"]), body["source"]

    assert year(district="YX") == ((2, 0, 2), {"visits": "rollup", "workers": "rollup"})
    assert year(station="FC0101")[0] == (2, 7, 1)
    assert year(worker_group="courier") == ((3, 4, 1), {"visits": "rollup", "workers": "raw"})
    assert year(service="water")[0] == (5, 0, 3)
    assert year(service="toilet")[0] == (1, 0, 1)
    assert year(service="rest", station="FC0101") == ((1, 0, 1), {"visits": "raw", "workers": "raw"})
    assert year(source="manual")[0] == (0, 7, 0)
    assert year(source="scan")[0] == (6, 0, 3)


# --- files ---------------------------------------------------------------------------------


def test_csv_has_a_bom_and_chinese_headers(visits, city_api):
    qs = {"from": "2025-01-01", "to": "2025-12-31", "group_by": "district", "period": "quarter", "format": "csv"}
    r = city_api.get(REPORT, query_string=qs)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.data.startswith(b"\xef\xbb\xbf") and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0] == ["时段开始", "时段结束", "区县", "扫码签到人次", "站点登记人次", "合计人次", "服务人数"]
    fc_q1 = next(row for row in rows if row[0] == "2025-01-01" and row[2] == "涪城区")
    assert fc_q1[3:] == ["2", "3", "5", "2"]


def test_xlsx_opens_with_numbers_as_numbers(visits, city_api):
    qs = {"from": "2025-03-31", "to": "2025-04-01", "group_by": "station", "period": "day", "format": "xlsx"}
    r = city_api.get(REPORT, query_string=qs)
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("时段开始", "时段结束", "区县", "站点编码", "站点名称", "扫码签到人次", "站点登记人次", "合计人次", "服务人数")
    first = rows[1]
    assert first[:4] == ("2025-03-31", "2025-03-31", "涪城区", "FC0101")
    assert first[5:] == (1, 3, 4, 1) and all(isinstance(v, int) for v in first[5:])


# --- scope -----------------------------------------------------------------------------------


def test_district_staff_see_only_their_district(visits, fc_api):
    body = fc_api.get(REPORT, query_string={"from": "2025-01-01", "to": "2025-12-31", "group_by": "district", "period": "year"}).get_json()
    assert [(r["district"], r["scanned"]) for r in body["rows"]] == [("FC", 4)]
    assert body["filters"] == {"district": "FC"}
    body = fc_api.get(REPORT, query_string={"from": "2025-01-01", "to": "2025-12-31", "group_by": "city", "period": "year"}).get_json()
    assert [(r["scanned"], r["manual"], r["workers"]) for r in body["rows"]] == [(4, 7, 2)]
    body = fc_api.get(REPORT, query_string={"from": "2025-01-01", "to": "2025-12-31", "group_by": "station", "period": "year"}).get_json()
    assert {r["station"] for r in body["rows"]} == {"FC0101", "FC0102"}


@pytest.mark.parametrize(
    "path",
    [REPORT, f"{REPORT}/pattern", "/api/staff/v1/reports/satisfaction", "/api/staff/v1/reports/satisfaction/follow-up"],
)
def test_another_district_is_refused_on_every_endpoint(visits, fc_api, path):
    dates = {} if path.endswith("follow-up") else {"from": "2025-01-01", "to": "2025-03-31"}
    assert_error(fc_api.get(path, query_string={**dates, "district": "YX"}), 403, "district_out_of_scope")
    assert_error(fc_api.get(path, query_string={**dates, "station": "YX0101"}), 404, "station_not_found")
    assert fc_api.get(path, query_string={**dates, "station": "FC0101"}).status_code == 200


def test_reports_need_staff(anon_api, worker_api):
    assert_error(anon_api.get(REPORT, query_string={"from": "2025-01-01", "to": "2025-01-31"}), 401)
    assert_error(worker_api.get(REPORT, query_string={"from": "2025-01-01", "to": "2025-01-31"}), 401)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qs", "status", "code", "field"),
    [
        ({"from": "2025-02-01", "to": "2025-01-01"}, 422, "validation_error", "to"),
        ({"from": "2025-01-01"}, 422, "validation_error", "to"),
        ({"from": "2025-13-01", "to": "2025-12-31"}, 422, "validation_error", "from"),
        ({"from": "2025-01-01", "to": "2025-12-31", "period": "day"}, 200, None, None),
        ({"from": "2024-01-01", "to": "2025-12-31", "period": "day"}, 422, "report_range_too_long", "period"),
        ({"from": "2000-01-01", "to": "2025-12-31", "period": "year"}, 422, "report_range_too_long", "from"),
        ({"from": "2025-01-01", "to": "2025-12-31", "group_by": "street"}, 422, "validation_error", "group_by"),
        ({"from": "2025-01-01", "to": "2025-12-31", "period": "fortnight"}, 422, "validation_error", "period"),
        ({"from": "2025-01-01", "to": "2025-12-31", "district": "ZZ"}, 422, "validation_error", "district"),
        ({"from": "2025-01-01", "to": "2025-12-31", "worker_group": "pilot"}, 422, "validation_error", "worker_group"),
        ({"from": "2025-01-01", "to": "2025-12-31", "service": "sauna"}, 422, "validation_error", "service"),
        ({"from": "2025-01-01", "to": "2025-12-31", "source": "fax"}, 422, "validation_error", "source"),
        ({"from": "2025-01-01", "to": "2025-12-31", "format": "pdf"}, 422, "validation_error", "format"),
        ({"from": "2025-01-01", "to": "2025-12-31", "station": "FC9999"}, 404, "station_not_found", None),
        ({"from": "2025-01-01", "to": "2025-12-31", "station": "FC0101", "district": "YX"}, 422, "station_not_in_district", "station"),
    ],
)
def test_bad_input_is_refused_with_a_code(stations, city_api, qs, status, code, field):
    r = city_api.get(REPORT, query_string=qs)
    if status == 200:
        assert r.status_code == 200
        return
    error = assert_error(r, status, code)
    if field:
        assert field in error["details"], error


# --- pattern ---------------------------------------------------------------------------------


def test_pattern_is_hour_by_weekday_in_china_time(visits, city_api, fc_api):
    body = city_api.get(f"{REPORT}/pattern", query_string={"from": "2025-01-01", "to": "2025-12-31", "district": "FC"}).get_json()
    assert len(body["matrix"]) == 7 and {len(row) for row in body["matrix"]} == {24}
    assert body["weekdays"][0] == "周一"
    # FC scans: Mon 03-31 10:00 and 23:30; Tue 04-01 00:45 and 09:00 (walk-ins are left out).
    cells = {(d, h): n for d, row in enumerate(body["matrix"]) for h, n in enumerate(row) if n}
    assert cells == {(0, 10): 1, (0, 23): 1, (1, 0): 1, (1, 9): 1}
    assert body["total"] == 4
    mine = fc_api.get(f"{REPORT}/pattern", query_string={"from": "2025-01-01", "to": "2025-12-31"}).get_json()
    assert mine["matrix"] == body["matrix"]
    r = city_api.get(f"{REPORT}/pattern", query_string={"from": "2025-01-01", "to": "2025-12-31", "station": "YX0101", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "星期" and rows[3][0] == "周三" and rows[3][10] == 1  # Wed 04-02 09:00
    assert_error(city_api.get(f"{REPORT}/pattern", query_string={"from": "2024-01-01", "to": "2025-12-31"}), 422, "report_range_too_long")


# --- the document ----------------------------------------------------------------------------


def test_report_routes_are_in_the_openapi_document(app, client):
    spec = client.get("/api/openapi.json").get_json()
    for path in ("visits", "visits/pattern", "satisfaction", "satisfaction/follow-up"):
        operation = spec["paths"][f"/api/staff/v1/reports/{path}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"district", "station", "format"} <= names, path
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert "403" in operation["responses"]
    visits = spec["paths"]["/api/staff/v1/reports/visits"]["get"]
    assert {"from", "to", "group_by", "period", "worker_group", "service", "source"} <= {p["name"] for p in visits["parameters"]}
