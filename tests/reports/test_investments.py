"""投入资金 over HTTP: per station and quarter in 万元 with two decimals, exact; replaced whole,
audited, scoped by district; bulk import from CSV/XLSX where one bad row imports nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.core import clock
from app.extensions import db
from app.reports.models import Investment
from tests.assertions import CJK, assert_error
from tests.factories import StationFactory

STATIONS = "/api/staff/v1/stations"
LIST = "/api/staff/v1/investments"
IMPORT = "/api/staff/v1/investments/import"
TEMPLATE = "/api/staff/v1/investments/import/template"
HEADERS = ["站点编码", "年度", "季度", "工会投入（万元）", "政府投入（万元）", "其他资金（万元）"]


def url(code="FC0001", year=2025, quarter=2):
    return f"{STATIONS}/{code}/investments/{year}/{quarter}"


@pytest.fixture
def fc_station(app_ctx):
    return StationFactory(code="FC0001")


def stored() -> list[tuple]:
    columns = (Investment.station_id, Investment.year, Investment.quarter)
    amounts = (Investment.union_amount, Investment.government_amount, Investment.other_amount)
    return [tuple(r) for r in db.session.execute(sa.select(*columns, *amounts).order_by(Investment.id))]


def test_put_then_get_a_quarter(fc_api, fc_station):
    r = fc_api.put(url(), json={"union": 1.5, "government": "12.35", "other": 0})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["station"]["code"] == "FC0001"
    assert (body["year"], body["quarter"]) == (2025, 2)
    assert (body["union"], body["government"], body["other"], body["total"]) == ("1.50", "12.35", "0.00", "13.85")
    assert fc_api.get(url()).get_json() == body
    row = db.session.scalar(sa.select(Investment))
    assert row.government_amount == Decimal("12.35") and isinstance(row.union_amount, Decimal)


def test_put_replaces_the_quarter_whole(fc_api, fc_station):
    fc_api.put(url(), json={"union": 3, "government": 4, "other": 5})
    body = fc_api.put(url(), json={"government": "0.01"}).get_json()
    assert (body["union"], body["government"], body["other"], body["total"]) == ("0.00", "0.01", "0.00", "0.01")
    assert len(stored()) == 1


def test_an_unrecorded_quarter_reads_as_zeros_and_stores_nothing(fc_api, fc_station):
    body = fc_api.get(url(year=2024, quarter=1)).get_json()
    assert (body["union"], body["government"], body["other"], body["total"]) == ("0.00", "0.00", "0.00", "0.00")
    assert stored() == []


def test_station_list_and_list_of_all(fc_api, city_api, fc_station, yx_station):
    fc_api.put(url(quarter=1), json={"union": 1})
    fc_api.put(url(quarter=2), json={"union": 2})
    city_api.put(url("YX0001", quarter=1), json={"other": 7})
    mine = fc_api.get(f"{STATIONS}/FC0001/investments").get_json()
    assert [(i["year"], i["quarter"], i["union"]) for i in mine] == [(2025, 1, "1.00"), (2025, 2, "2.00")]
    assert fc_api.get(f"{STATIONS}/FC0001/investments", query_string={"year": 2024}).get_json() == []
    page = fc_api.get(LIST).get_json()
    assert page["total"] == 2 and {i["station"]["code"] for i in page["items"]} == {"FC0001"}
    everything = city_api.get(LIST, query_string={"year": 2025, "quarter": 1}).get_json()
    assert {i["station"]["code"] for i in everything["items"]} == {"FC0001", "YX0001"}
    assert city_api.get(LIST, query_string={"district": "游仙区"}).get_json()["total"] == 1


def test_changes_are_audited(fc_api, city_api, fc_station):
    fc_api.put(url(), json={"union": 1})
    fc_api.put(url(), json={"union": 1})  # the same amounts: no change, no entry
    fc_api.put(url(), json={"union": 2})
    items = city_api.get("/api/staff/v1/audit-log", query_string={"entity_type": "investment"}).get_json()["items"]
    assert [i["action"] for i in items] == ["investment.set", "investment.set"]
    newest = items[0]
    assert newest["entity_id"] == "FC0001/2025Q2" and newest["district_code"] == "FC"
    assert newest["before"]["union"] == "1.00" and newest["after"]["union"] == "2.00"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"union": -1}, "union", "负数"),
        ({"government": "-0.01"}, "government", "负数"),
        ({"other": 1.234}, "other", "两位小数"),
        ({"union": "0.001"}, "union", "两位小数"),
        ({"union": 100000}, "union", "不能超过"),
        ({"union": "abc"}, "union", "应为数字"),
        ({"union": "NaN"}, "union", ""),
        ({"union": True}, "union", ""),
        ({"union": 1, "bonus": 2}, "bonus", "不支持"),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(fc_api, fc_station, body, field, message):
    fc_api.put(url(), json={"union": 9})
    error = assert_error(fc_api.put(url(), json=body), 422, "validation_error")
    assert field in error["details"], error
    assert any(message in m for m in error["details"][field]), error
    assert [r[3:] for r in stored()] == [(Decimal("9.00"), Decimal("0.00"), Decimal("0.00"))]


@pytest.mark.parametrize(
    ("year", "quarter", "code"),
    [
        (2025, 5, "quarter_invalid"),
        (2025, 0, "quarter_invalid"),
        (1999, 1, "year_out_of_range"),
        (2101, 1, "year_out_of_range"),
        (clock.today().year + 1, 1, "quarter_in_future"),
    ],
)
def test_bad_periods_are_refused(fc_api, fc_station, year, quarter, code):
    assert_error(fc_api.put(url(year=year, quarter=quarter), json={"union": 1}), 422, code)
    assert stored() == []


def test_bad_period_on_read(fc_api, fc_station):
    assert_error(fc_api.get(url(quarter=5)), 422, "quarter_invalid")


def test_another_districts_station_is_not_found(yx_api, city_api, fc_station):
    city_api.put(url(), json={"union": 1})
    for r in (yx_api.put(url(), json={"union": 99}), yx_api.get(url()), yx_api.get(f"{STATIONS}/FC0001/investments")):
        assert_error(r, 404, "station_not_found")
    assert [r[3] for r in stored()] == [Decimal("1.00")]
    assert yx_api.get(LIST).get_json()["total"] == 0
    assert yx_api.get(LIST, query_string={"district": "FC"}).get_json()["total"] == 0
    assert yx_api.get(LIST, query_string={"station": "FC0001"}).get_json()["total"] == 0


def test_needs_a_token(anon_api, fc_station):
    assert_error(anon_api.put(url(), json={"union": 1}), 401, "unauthorized")
    assert_error(anon_api.get(LIST), 401, "unauthorized")


# --- import --------------------------------------------------------------------------------------


def csv_bytes(rows, headers=HEADERS, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    for row in [headers, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(api, content, name="investments.csv", dry_run=None):
    query = {} if dry_run is None else {"dry_run": "true" if dry_run else "false"}
    return api.post(IMPORT, data={"file": (io.BytesIO(content), name)}, query_string=query, content_type="multipart/form-data")


def test_import_creates_updates_and_leaves_unchanged(fc_api, fc_station, app_ctx):
    StationFactory(code="FC0002")
    fc_api.put(url(quarter=1), json={"union": 1})
    fc_api.put(url(quarter=2), json={"union": 2})
    rows = [
        ["FC0001", "2025", "1", "1", "", ""],  # as stored
        ["FC0001", "2025", "二季度", "2.5", "0", "0"],  # changed
        ["fc0002", "2025年", "Q3", "0.1", "0.2", "0.3"],  # new
    ]
    r = upload(fc_api, csv_bytes(rows))
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"dry_run": False, "rows": 3, "created": 1, "updated": 1, "unchanged": 1}
    assert fc_api.get(url(quarter=2)).get_json()["union"] == "2.50"
    assert fc_api.get(url("FC0002", quarter=3)).get_json()["total"] == "0.60"
    # Importing it again changes nothing.
    assert upload(fc_api, csv_bytes(rows)).get_json()["unchanged"] == 3


def test_import_xlsx_with_typed_cells_and_gb18030_csv(fc_api, fc_station):
    r = upload(fc_api, xlsx_bytes([["FC0001", 2025, 1, 12.35, 0.1, None]]), "money.xlsx")
    assert r.status_code == 200, r.get_json()
    assert fc_api.get(url(quarter=1)).get_json()["total"] == "12.45"
    r = upload(fc_api, csv_bytes([["FC0001", "2025", "第一季度", "3", "", ""]], encoding="gb18030"))
    assert r.status_code == 200, r.get_json()
    assert fc_api.get(url(quarter=1)).get_json()["union"] == "3.00"


def test_dry_run_writes_nothing(fc_api, fc_station):
    r = upload(fc_api, csv_bytes([["FC0001", "2025", "1", "5", "", ""]]), dry_run=True)
    assert r.status_code == 200 and r.get_json()["created"] == 1 and r.get_json()["dry_run"] is True
    assert stored() == []


def test_one_bad_row_refuses_the_whole_file(fc_api, fc_station, yx_station):
    future_year = clock.today().year + 1
    rows = [
        ["FC0001", "2025", "1", "1", "", ""],  # row 2: good
        ["FC0001", "2025", "5", "1", "", ""],  # row 3: quarter 5
        ["FC0001", "1999", "1", "1", "", ""],  # row 4: year out of range
        ["FC0001", "2025", "2", "-1", "", ""],  # row 5: negative
        ["FC0001", "2025", "3", "1.234", "", ""],  # row 6: three decimals
        ["YX0001", "2025", "1", "1", "", ""],  # row 7: another district's station
        ["FC9999", "2025", "1", "1", "", ""],  # row 8: no such station
        ["FC0001", "2025", "1", "2", "", ""],  # row 9: same quarter as row 2
        ["", "2025", "1", "1", "", ""],  # row 10: no station
        ["FC0001", str(future_year), "1", "1", "", ""],  # row 11: not started
        ["FC0001", "2025", "4", "abc", "", ""],  # row 12: not a number
    ]
    r = upload(fc_api, csv_bytes(rows))
    error = assert_error(r, 422, "import_invalid")
    errors = error["details"]["errors"]
    by_row = {}
    for e in errors:
        by_row.setdefault(e["row"], []).append((e["column"], e["message"]))
        assert CJK.search(e["message"])
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert by_row[3][0][0] == "季度"
    assert by_row[4][0][0] == "年度"
    assert by_row[5] == [("工会投入（万元）", "金额不能为负数")]
    assert "两位小数" in by_row[6][0][1]
    assert by_row[7][0][0] == "站点编码" and by_row[7][0][1] == by_row[8][0][1].replace("FC9999", "YX0001")  # same words
    assert "第 2 行" in by_row[9][0][1]
    assert by_row[10][0] == ("站点编码", "此项必填")
    assert "尚未开始" in by_row[11][0][1]
    assert by_row[12][0][1] == "应为数字"
    assert error["details"]["error_count"] == len(errors)
    assert stored() == []


def test_import_bad_header(fc_api, fc_station):
    error = assert_error(upload(fc_api, csv_bytes([["FC0001", "2025"]], headers=["站点编码", "年份"])), 422, "import_bad_header")
    assert {e["column"] for e in error["details"]["errors"]} == {"年份", "年度", "季度"}


def test_import_templates(fc_api, app_ctx):
    xlsx = fc_api.get(TEMPLATE)
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    assert book.worksheets[1].title == "填写说明"
    text = fc_api.get(TEMPLATE, query_string={"format": "csv"}).data.decode("utf-8-sig")
    assert text.strip().split(",") == HEADERS


def test_import_is_audited(fc_api, city_api, fc_station):
    upload(fc_api, csv_bytes([["FC0001", "2025", "1", "5", "", ""]]))
    items = city_api.get("/api/staff/v1/audit-log", query_string={"action": "investment.import"}).get_json()["items"]
    assert len(items) == 1 and items[0]["after"]["union"] == "5.00"
