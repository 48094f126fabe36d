"""The quarterly form (附件3): every figure of a known district-year, the XLSX laid out like the
form, due dates for every quarter of 2025 and 2026, submissions and lateness, scope and bad
input. Visits are inserted as check-in rows and counted into the rollups as the check-in path
does (rollups.record_visit), so the form reads them through visit_counts.headcount_by."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.accounts.actor import CLI_ACTOR
from app.core import clock
from app.extensions import db
from app.reference.models import District
from app.reports import quarterly, quarters
from app.reports.models import Investment, QuarterlySubmission
from tests.assertions import assert_error
from tests.factories import YX_STATION, CheckInFactory, StationFactory, WorkerFactory

URL = "/api/staff/v1/reports/quarterly"
STATUS_URL = "/api/staff/v1/reports/quarterly/status"
CN = clock.CHINA_TZ


def china(y, m, d, hh=12, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CN)


def add_visit(station, at: datetime, *, manual: int | None = None):
    """One visit row, counted into the rollups in the same transaction as check-ins are."""
    from app.visits import rollups

    if manual:
        visit = CheckInFactory(station=station, worker=None, source="manual", headcount=manual, dedupe_bucket=None, checked_in_at=at)
    else:
        visit = CheckInFactory(station=station, worker=WorkerFactory(), checked_in_at=at)
    rollups.record_visit(visit)
    db.session.commit()
    return visit


def add_investment(station, year, quarter, union="0", government="0", other="0"):
    db.session.add(
        Investment(
            station_id=station.id, district_code=station.district_code, year=year, quarter=quarter,
            union_amount=Decimal(union), government_amount=Decimal(government), other_amount=Decimal(other),
        )
    )  # fmt: skip
    db.session.commit()


@pytest.fixture
def year_2025(app_ctx):
    """涪城区 in 2025 (and a little of 游仙区), built so every column has something to show."""
    s = {}
    s["old"] = StationFactory(code="FC0001", build_mode="self_built", host_unit=None, built_date=date(2024, 6, 1))
    s["q1_last_day"] = StationFactory(code="FC0002", build_mode="co_built", built_date=date(2025, 3, 31))
    s["q1_first_day"] = StationFactory(code="FC0003", build_mode="self_built", host_unit=None, built_date=date(2025, 1, 1))
    s["retired_q3"] = StationFactory(
        code="FC0004", build_mode="co_built", built_date=date(2025, 5, 10), status="retired",
        retired_at=china(2025, 8, 15, 9), retired_reason="拆迁",
    )  # fmt: skip
    s["retired_2024"] = StationFactory(
        code="FC0005", built_date=date(2023, 1, 1), status="retired", retired_at=china(2024, 12, 31, 10), retired_reason="撤并"
    )
    s["planned"] = StationFactory(code="FC0006", status="planned", built_date=None)
    s["q3_last_day"] = StationFactory(
        code="FC0008", build_mode="self_built", host_unit=None, built_date=date(2025, 9, 30), status="plaqued"
    )
    s["q4_first_day"] = StationFactory(code="FC0009", build_mode="co_built", built_date=date(2025, 10, 1))
    s["yx"] = StationFactory(**YX_STATION, built_date=date(2025, 2, 1))

    add_investment(s["old"], 2025, 1, union="1.50", government="2.25")
    add_investment(s["q1_last_day"], 2025, 1, union="0.10", government="0.20", other="0.30")
    add_investment(s["retired_q3"], 2025, 3, other="10.00")  # retired later: the money was spent
    add_investment(s["yx"], 2025, 1, union="100.00")  # another district
    add_investment(s["old"], 2024, 4, union="5.00")  # another year

    add_visit(s["old"], china(2025, 1, 1, 0, 10))  # the year's first minutes: Q1
    add_visit(s["old"], china(2024, 12, 31, 23, 50))  # the year before
    add_visit(s["q1_last_day"], china(2025, 3, 31, 23, 30))  # 23:30 China time on Q1's last day (15:30 UTC)
    add_visit(s["q1_last_day"], china(2025, 4, 1, 0, 0))  # Q2's first moment
    add_visit(s["q1_first_day"], china(2025, 6, 30, 12), manual=5)  # a keeper's walk-in entry of 5
    add_visit(s["retired_q3"], china(2025, 9, 30, 23, 30))  # Q3's last day, late evening (a retired station's earlier visits count)
    add_visit(s["yx"], china(2025, 2, 1))
    return s


def money(total, union, government, other) -> dict:
    return {"total": total, "union": union, "government": government, "other": other}


EXPECTED_FC_2025 = [
    # label, 截止上季度, 新建, 自建, 共建, 投入资金, visits (scan, manual, total)
    ("一季度", 1, 2, 1, 1, money("4.35", "1.60", "2.45", "0.30"), (2, 0, 2)),
    ("二季度", 3, 1, 0, 1, money("0.00", "0.00", "0.00", "0.00"), (1, 5, 6)),
    ("三季度", 4, 1, 1, 0, money("10.00", "0.00", "0.00", "10.00"), (1, 0, 1)),
    ("四季度", 4, 1, 0, 1, money("0.00", "0.00", "0.00", "0.00"), (0, 0, 0)),
]


def test_every_figure_of_a_district_form(fc_api, fc_staff, year_2025):
    r = fc_api.get(URL, query_string={"year": 2025})
    assert r.status_code == 200, r.get_json()
    form = r.get_json()
    assert form["title"] == "绵阳市工会户外劳动者服务站点建设进度统计表"
    assert form["district"] == {"code": "FC", "name": "涪城区"}
    assert form["unit"] == "涪城区总工会"
    assert form["filled_by"] == fc_staff.display_name
    assert form["through_quarter"] == 4
    for row, (label, before, new, self_built, co_built, invest, (scan, manual, total)) in zip(form["rows"], EXPECTED_FC_2025, strict=True):
        assert row["label"] == label and row["included"] is True
        assert (row["built_before"], row["built_new"], row["built_self"], row["built_co"]) == (before, new, self_built, co_built), label
        assert row["investment"] == invest, label
        assert row["visits"] == {"scan": scan, "manual": manual, "total": total}, label
    total = form["total"]
    assert total["label"] == "合计"
    # The stock at the end of Q4: FC0001, 0002, 0003, 0008, 0009 (0004 retired in Q3, 0005 in 2024).
    assert total["built_before"] == 5
    assert (total["built_new"], total["built_self"], total["built_co"]) == (5, 2, 3)
    assert total["investment"] == money("14.35", "1.60", "2.45", "10.30")
    assert total["visits"] == {"scan": 4, "manual": 5, "total": 9}


def test_the_city_form_sums_every_district(city_api, year_2025):
    form = city_api.get(URL, query_string={"year": 2025}).get_json()
    assert form["district"] is None and form["unit"] == "绵阳市总工会"
    q1 = form["rows"][0]
    assert (q1["built_before"], q1["built_new"], q1["built_co"]) == (1, 3, 2)  # YX0001 (co-built) joins Q1
    assert q1["investment"]["union"] == "101.60"
    assert q1["visits"]["total"] == 3
    assert form["total"]["built_before"] == 6


def test_city_staff_ask_for_one_district_by_name(city_api, year_2025):
    form = city_api.get(URL, query_string={"year": 2025, "district": "游仙区"}).get_json()
    assert form["district"] == {"code": "YX", "name": "游仙区"}
    assert form["rows"][0]["built_new"] == 1 and form["rows"][0]["investment"]["total"] == "100.00"
    assert [r["built_new"] for r in form["rows"]] == [1, 0, 0, 0]


def test_a_form_through_a_quarter_leaves_later_quarters_empty(fc_api, year_2025):
    form = fc_api.get(URL, query_string={"year": 2025, "quarter": 2}).get_json()
    assert [r["included"] for r in form["rows"]] == [True, True, False, False]
    assert form["rows"][2]["built_before"] is None and form["rows"][2]["investment"] is None
    assert form["total"]["built_before"] == 4  # stock at the end of Q2 (FC0004 not yet retired)
    assert form["total"]["built_new"] == 3
    assert form["total"]["visits"]["total"] == 8


def test_the_current_year_stops_at_the_current_quarter(fc_api, app_ctx):
    today = clock.today()
    form = fc_api.get(URL, query_string={"year": today.year}).get_json()
    current = quarters.quarter_of(today)[1]
    assert form["through_quarter"] == current
    assert [r["included"] for r in form["rows"]] == [q <= current for q in range(1, 5)]


def test_phone_falls_back_to_the_district_unions(fc_api, fc_staff, year_2025):
    db.session.get(District, "FC").union_phone = "0816-2222222"
    db.session.commit()
    assert fc_api.get(URL, query_string={"year": 2025}).get_json()["phone"] == "0816-2222222"
    fc_staff.phone = "13900000000"
    db.session.commit()
    assert fc_api.get(URL, query_string={"year": 2025}).get_json()["phone"] == "13900000000"


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_is_laid_out_like_the_form(fc_api, fc_staff, year_2025):
    r = fc_api.get(URL, query_string={"year": 2025, "format": "xlsx"})
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "quarterly-FC-2025-Q4.xlsx" in r.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.data)).active
    merged = {str(m) for m in sheet.merged_cells.ranges}
    assert {"A1:J1", "A5:A6", "B5:E5", "F5:I5"} <= merged
    assert sheet["A1"].value == "绵阳市工会户外劳动者服务站点建设进度统计表（2025年）"
    assert sheet["A2"].value == "填报单位：涪城区总工会"
    assert sheet["A3"].value == f"填报人：{fc_staff.display_name}"
    assert sheet["A4"].value.startswith("联系电话：")
    assert sheet["B5"].value == "工会户外劳动者服务站点数量（个）"
    assert sheet["F5"].value == "投入资金（万元）"
    assert sheet["J5"].value == "服务人数（人次）"
    assert [sheet.cell(6, c).value for c in range(2, 11)] == [
        "截止上季度建成数量总计", "本季度新建总计", "本季度工会自建", "本季度与有关单位共建",
        "总计", "工会投入", "政府投入", "其他资金", "服务户外劳动者",
    ]  # fmt: skip
    assert [sheet.cell(r, 1).value for r in range(7, 12)] == ["一季度", "二季度", "三季度", "四季度", "合计"]
    q1 = [sheet.cell(7, c).value for c in range(2, 11)]
    assert q1 == [1, 2, 1, 1, 4.35, 1.6, 2.45, 0.3, 2]
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in q1)  # numbers, not text
    assert [sheet.cell(11, c).value for c in range(2, 11)] == [5, 5, 2, 3, 14.35, 1.6, 2.45, 10.3, 9]
    assert sheet.cell(7, 6).number_format == "0.00" and sheet.cell(7, 2).number_format == "0"
    assert sheet["A1"].font.name == "宋体" and sheet.cell(7, 2).font.name == "宋体"
    notes = [sheet.cell(r, 1).value for r in range(12, sheet.max_row + 1) if sheet.cell(r, 1).value]
    assert any("mybzb122@163.com" in n for n in notes)
    assert any("一季度 2025-03-31" in n and "四季度 2025-12-29" in n for n in notes)


def test_xlsx_of_a_partial_year_leaves_cells_empty(fc_api, year_2025):
    sheet = load_workbook(io.BytesIO(fc_api.get(URL, query_string={"year": 2025, "quarter": 1, "format": "xlsx"}).data)).active
    assert sheet.cell(7, 2).value == 1
    assert all(sheet.cell(8, c).value is None for c in range(2, 11))


# --- due dates -----------------------------------------------------------------------------------

# The Monday of the ISO week holding the quarter's last day, worked out on a calendar by hand:
# 2025-03-31 and 2025-06-30 are Mondays themselves; 2025-09-30 is a Tuesday, 2025-12-31 a
# Wednesday, 2026-03-31 a Tuesday, 2026-06-30 a Tuesday, 2026-09-30 a Wednesday, 2026-12-31 a
# Thursday.
DUE_DATES = {
    (2025, 1): date(2025, 3, 31),
    (2025, 2): date(2025, 6, 30),
    (2025, 3): date(2025, 9, 29),
    (2025, 4): date(2025, 12, 29),
    (2026, 1): date(2026, 3, 30),
    (2026, 2): date(2026, 6, 29),
    (2026, 3): date(2026, 9, 28),
    (2026, 4): date(2026, 12, 28),
}


@pytest.mark.parametrize(("year", "quarter"), list(DUE_DATES))
def test_due_date_is_the_monday_of_the_quarters_last_week(year, quarter):
    due = quarters.due_date(year, quarter)
    assert due == DUE_DATES[(year, quarter)]
    assert due.weekday() == 0
    assert quarters.last_day(year, quarter) - due < timedelta(days=7)


def test_due_dates_are_in_the_form(fc_api, year_2025):
    rows = fc_api.get(URL, query_string={"year": 2025}).get_json()["rows"]
    assert [r["due_date"] for r in rows] == [DUE_DATES[(2025, q)].isoformat() for q in range(1, 5)]


# --- submissions -----------------------------------------------------------------------------------


def submission_url(year, quarter):
    return f"/api/staff/v1/reports/quarterly/{year}/{quarter}/submission"


def test_district_marks_a_quarter_submitted_once(fc_api, fc_staff, city_api, app_ctx):
    r = fc_api.post(submission_url(2025, 3))
    assert r.status_code == 201, r.get_json()
    first = r.get_json()
    assert first["district"] == {"code": "FC", "name": "涪城区"}
    assert first["submitted_by"] == fc_staff.display_name
    assert first["due_date"] == "2025-09-29"
    assert first["late"] is True  # marked today, long after 29 September 2025
    again = fc_api.post(submission_url(2025, 3))
    assert again.status_code == 200 and again.get_json() == first  # the first submission stands
    assert db.session.scalar(sa.select(sa.func.count(QuarterlySubmission.id))) == 1
    audit = city_api.get("/api/staff/v1/audit-log", query_string={"action": "quarterly.submit"}).get_json()
    assert audit["total"] == 1 and audit["items"][0]["entity_id"] == "FC/2025Q3"


def test_a_future_quarter_cannot_be_submitted(fc_api, app_ctx):
    year, quarter = quarters.quarter_of(clock.today())
    nxt = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    assert_error(fc_api.post(submission_url(*nxt)), 422, "quarter_in_future")
    assert fc_api.post(submission_url(year, quarter)).status_code == 201  # the current one can


def test_city_staff_do_not_submit(city_api, app_ctx):
    assert_error(city_api.post(submission_url(2025, 1)), 403, "district_staff_only")


def _submit_at(district: str, year: int, quarter: int, at: datetime):
    db.session.add(QuarterlySubmission(district_code=district, year=year, quarter=quarter, submitted_at=at, submitted_by_name="某某"))
    db.session.commit()


def test_status_shows_submitted_due_and_late_per_district(city_api, app_ctx):
    _submit_at("FC", 2025, 3, china(2025, 9, 29, 23, 59))  # on the due date, late evening: on time
    _submit_at("YX", 2025, 3, china(2025, 9, 30, 0, 1))  # a minute into the next day: late
    r = city_api.get(STATUS_URL, query_string={"year": 2025, "quarter": 3})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["due_date"] == "2025-09-29" and body["label"] == "三季度"
    rows = {row["district"]["code"]: row for row in body["districts"]}
    assert len(rows) == 13
    assert rows["FC"]["submitted"] is True and rows["FC"]["late"] is False
    assert rows["FC"]["submitted_by"] == "某某"
    assert rows["YX"]["submitted"] is True and rows["YX"]["late"] is True
    assert rows["JY"]["submitted"] is False and rows["JY"]["late"] is True  # never filed, due date long past
    assert body["submitted_count"] == 2 and body["late_count"] == 12


def test_not_yet_due_is_not_late(app_ctx):
    status = quarterly.submission_status(CLI_ACTOR, 2026, 4, today=date(2026, 12, 28))
    assert all(not row["late"] for row in status["districts"])
    status = quarterly.submission_status(CLI_ACTOR, 2026, 4, today=date(2026, 12, 29))
    assert all(row["late"] for row in status["districts"])


def test_submitted_on_the_due_date_utc_evening_is_judged_in_china_time(app_ctx):
    # 2025-09-29 16:30 UTC is 2025-09-30 00:30 in Mianyang: a day late.
    _submit_at("FC", 2025, 3, datetime(2025, 9, 29, 16, 30, tzinfo=UTC))
    row = quarterly.submission_status(CLI_ACTOR, 2025, 3)["districts"][0]
    assert row["district"]["code"] == "FC" and row["late"] is True


def test_district_staff_see_only_their_status(fc_api, app_ctx):
    body = fc_api.get(STATUS_URL, query_string={"year": 2025, "quarter": 1}).get_json()
    assert [row["district"]["code"] for row in body["districts"]] == ["FC"]


def test_the_form_of_one_district_shows_its_submissions(fc_api, app_ctx):
    _submit_at("FC", 2025, 1, china(2025, 3, 28))
    rows = fc_api.get(URL, query_string={"year": 2025}).get_json()["rows"]
    assert rows[0]["submission"]["submitted"] is True and rows[0]["submission"]["late"] is False
    assert rows[1]["submission"]["submitted"] is False and rows[1]["submission"]["late"] is True


# --- scope and bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("district", ["YX", "游仙区", "yx"])
def test_district_staff_are_refused_another_districts_form(fc_api, year_2025, district):
    for fmt in ("json", "xlsx"):
        assert_error(fc_api.get(URL, query_string={"year": 2025, "district": district, "format": fmt}), 403, "district_out_of_scope")


def test_district_staff_get_their_own_district_by_default(yx_api, year_2025):
    form = yx_api.get(URL, query_string={"year": 2025}).get_json()
    assert form["district"]["code"] == "YX"
    assert form["rows"][0]["investment"]["union"] == "100.00"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"year": 2025, "quarter": 5}, "quarter_invalid"),
        ({"year": 2025, "quarter": 0}, "quarter_invalid"),
        ({"year": 1999}, "year_out_of_range"),
        ({"year": 2200}, "year_out_of_range"),
        ({"year": clock.today().year + 1}, "year_in_future"),
        ({"year": 2025, "district": "成都区"}, "district_unknown"),
        ({"year": "二〇二五"}, "validation_error"),
        ({}, "validation_error"),
        ({"year": 2025, "format": "pdf"}, "validation_error"),
    ],
)
def test_bad_form_requests(fc_api, city_api, params, code):
    assert_error(city_api.get(URL, query_string=params), 422, code)


@pytest.mark.parametrize(("year", "quarter", "code"), [(2025, 5, "quarter_invalid"), (1999, 1, "year_out_of_range")])
def test_bad_submissions(fc_api, year, quarter, code):
    assert_error(fc_api.post(submission_url(year, quarter)), 422, code)
    assert db.session.scalar(sa.select(sa.func.count(QuarterlySubmission.id))) == 0


@pytest.mark.parametrize(
    "request_",
    [
        ("get", URL, {"year": 2025}),
        ("get", STATUS_URL, {"year": 2025, "quarter": 1}),
        ("post", submission_url(2025, 1), {}),
    ],
)
def test_reports_need_a_token(anon_api, request_):
    method, url, params = request_
    assert_error(getattr(anon_api, method)(url, query_string=params), 401, "unauthorized")


def test_cli_writes_the_form(app, year_2025, tmp_path):
    out = tmp_path / "q3.xlsx"
    result = app.test_cli_runner().invoke(
        args=["reports", "quarterly", "--district", "涪城区", "--year", "2025", "--quarter", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet["A2"].value == "填报单位：涪城区总工会"
    assert [sheet.cell(9, c).value for c in range(2, 11)] == [4, 1, 1, 0, 10, 0, 0, 10, 1]  # 三季度
    assert all(sheet.cell(10, c).value is None for c in range(2, 11))  # 四季度 left empty
    by_code = app.test_cli_runner().invoke(args=["reports", "quarterly", "--district", "FC", "--year", "2025"])
    assert by_code.exit_code == 0 and "涪城区总工会" in by_code.output
    bad = app.test_cli_runner().invoke(args=["reports", "quarterly", "--district", "FC", "--year", "2025", "--quarter", "5"])
    assert bad.exit_code != 0 and "quarter_invalid" in bad.output
