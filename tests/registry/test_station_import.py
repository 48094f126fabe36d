"""Bulk station import, over HTTP: CSV (UTF-8 and GB18030) and XLSX files, row-by-row
validation where one bad row imports nothing, updates by code, district scope, WGS-84
conversion, the audit trail and the downloadable templates."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.core import clock
from app.core.geo import distance_m, wgs84_to_gcj02
from app.extensions import db
from app.registry.import_format import COLUMNS
from app.registry.models import Station
from tests.factories import StationFactory

URL = "/api/staff/v1/stations/import"
TEMPLATE_URL = "/api/staff/v1/stations/import/template"
HEADERS = [h for h, _, _ in COLUMNS]
CJK = re.compile(r"[\u4e00-\u9fff]")
# 涪城区, GCJ-02
LAT, LNG = 31.4567, 104.7462


# --- building files -------------------------------------------------------------------------


def row(n: int = 1, **cells) -> dict:
    """One good 涪城区 row, keyed by Chinese header; `cells` override by header."""
    out = {
        "站点编码": "",
        "站点名称": f"临园路环卫驿站{n}",
        "区县": "涪城区",
        "地址": f"绵阳市涪城区临园路{n}号",
        "纬度": f"{LAT + n * 0.0001:.6f}",
        "经度": f"{LNG + n * 0.0001:.6f}",
        "坐标系": "",
        "共建单位": "涪城区环卫所",
        "单位类型": "环卫场站",
        "建设方式": "共建",
        "合作项目": "",
        "服务设施": "饮用水、厕所、休息座椅",
        "其他设施": "",
        "开放时间": "周一至周五 08:00-18:00；周六 09:00-12:00,14:00-17:00",
        "服务对象": "环卫工人、快递员",
        "管理员": "张三",
        "管理员电话": "13800000000",
        "状态": "已建成",
        "建成日期": "2022-06-30",
    }
    unknown = set(cells) - set(out)
    assert not unknown, f"not a template column: {unknown}"
    out.update(cells)
    return out


def table(rows: list[dict], headers: list[str] | None = None) -> list[list]:
    headers = headers or HEADERS
    return [headers] + [[r.get(h, "") for h in headers] for r in rows]


def csv_bytes(rows: list[dict], encoding: str = "utf-8-sig", headers: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table(rows, headers))
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "站点"
    for values in table(rows, headers):
        sheet.append([None if v == "" else v for v in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(api, content: bytes, filename: str = "stations.csv", dry_run: bool | None = None):
    query = {} if dry_run is None else {"dry_run": "true" if dry_run else "false"}
    return api.post(URL, data={"file": (io.BytesIO(content), filename)}, query_string=query, content_type="multipart/form-data")


def imported(api, content: bytes, filename: str = "stations.csv", **kw) -> dict:
    r = upload(api, content, filename, **kw)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def refused(api, content: bytes, filename: str = "stations.csv", code: str = "import_invalid", **kw) -> dict:
    r = upload(api, content, filename, **kw)
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == code, error
    assert CJK.search(error["message"]), error
    return error


def station(api, code: str) -> dict:
    r = api.get(f"/api/staff/v1/stations/{code}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def station_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Station.id)))


def with_codes(rows: list[dict], codes: list[str]) -> list[dict]:
    return [{**r, "站点编码": c} for r, c in zip(rows, codes, strict=True)]


def audit_entries(api, action: str) -> list[dict]:
    r = api.get("/api/staff/v1/audit-log", query_string={"action": action, "per_page": 100})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


# --- good files -----------------------------------------------------------------------------


def test_csv_utf8_with_bom_creates_stations_with_generated_codes(fc_api):
    content = csv_bytes([row(1), row(2), row(3)])
    assert content.startswith(b"\xef\xbb\xbf")
    result = imported(fc_api, content)
    assert result == {"dry_run": False, "rows": 3, "created": 3, "updated": 0, "unchanged": 0, "codes": ["FC0001", "FC0002", "FC0003"]}
    assert station_count() == 3

    s = station(fc_api, "FC0002")
    assert s["name"] == "临园路环卫驿站2"
    assert s["district"] == {"code": "FC", "name": "涪城区"}
    assert s["address"] == "绵阳市涪城区临园路2号"
    assert s["lat"] == pytest.approx(LAT + 0.0002) and s["lng"] == pytest.approx(LNG + 0.0002)
    assert s["datum"] == "gcj02"
    assert s["host_unit"] == "涪城区环卫所" and s["host_type"] == "sanitation_depot"
    assert s["build_mode"] == "co_built" and s["partner_programme"] is None
    assert s["amenities"] == ["drinking_water", "toilet", "rest_seats"]
    assert s["worker_groups"] == ["sanitation", "courier"]
    assert s["keeper_name"] == "张三" and s["keeper_phone"] == "13800000000"
    assert s["status"] == "built" and s["built_date"] == "2022-06-30"
    weekdays = [{"weekday": d, "open": "08:00", "close": "18:00"} for d in range(1, 6)]
    saturday = [{"weekday": 6, "open": "09:00", "close": "12:00"}, {"weekday": 6, "open": "14:00", "close": "17:00"}]
    assert s["opening_hours"] == {"always_open": False, "weekly": weekdays + saturday}


def test_gb18030_csv_imports(fc_api):
    content = csv_bytes([row(1), row(2, 站点名称="龙门镇快递小哥驿站")], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    result = imported(fc_api, content)
    assert result["created"] == 2 and result["codes"] == ["FC0001", "FC0002"]
    assert station(fc_api, "FC0002")["name"] == "龙门镇快递小哥驿站"
    assert station(fc_api, "FC0001")["amenities"] == ["drinking_water", "toilet", "rest_seats"]


def test_csv_without_bom_imports(fc_api):
    result = imported(fc_api, csv_bytes([row(1)], encoding="utf-8"))
    assert result["codes"] == ["FC0001"]


def test_xlsx_with_typed_cells_imports(fc_api):
    """Excel stores numbers, dates and phone numbers as typed cells, not text."""
    rows = [
        row(1, 纬度=LAT, 经度=LNG, 管理员电话=13800000001, 建成日期=date(2021, 3, 15)),
        row(2, 建设方式="自建", 共建单位="", 单位类型="", 开放时间="24小时", 状态="规划中", 建成日期=""),
    ]
    result = imported(fc_api, xlsx_bytes(rows), "stations.xlsx")
    assert result["created"] == 2 and result["codes"] == ["FC0001", "FC0002"]

    first = station(fc_api, "FC0001")
    assert (first["lat"], first["lng"]) == (pytest.approx(LAT), pytest.approx(LNG))
    assert first["keeper_phone"] == "13800000001"
    assert first["built_date"] == "2021-03-15"
    second = station(fc_api, "FC0002")
    assert second["build_mode"] == "self_built" and second["host_unit"] is None and second["host_type"] is None
    assert second["opening_hours"] == {"always_open": True, "weekly": []}
    assert second["status"] == "planned" and second["built_date"] is None


def test_xlsx_detected_by_content_whatever_the_name(fc_api):
    result = imported(fc_api, xlsx_bytes([row(1)]), "upload.bin")
    assert result["created"] == 1


def test_generated_codes_follow_the_highest_code_in_use(fc_api):
    StationFactory(code="FC0007")
    StationFactory(code="YX0042", district_code="YX")
    result = imported(fc_api, csv_bytes([row(1), row(2)]))
    assert result["codes"] == ["FC0008", "FC0009"]


def test_city_staff_import_generates_codes_per_district(city_api):
    rows = [
        row(1),
        row(2, 区县="游仙区", 纬度="31.4765", 经度="104.7790"),
        row(3, 区县="FC"),
        row(4, 区县="yx", 纬度="31.48", 经度="104.78"),
    ]
    result = imported(city_api, csv_bytes(rows))
    assert result["codes"] == ["FC0001", "YX0001", "FC0002", "YX0002"]
    assert station(city_api, "YX0002")["district"]["code"] == "YX"


def test_explicit_new_codes_and_generated_codes_do_not_collide(fc_api):
    """A row may bring its own new code; the generated ones must skip it."""
    rows = [row(1), row(2, 站点编码="FC0001"), row(3, 站点编码="FC0003"), row(4)]
    result = imported(fc_api, csv_bytes(rows))
    assert result["created"] == 4
    assert len(set(result["codes"])) == 4
    assert result["codes"][1:3] == ["FC0001", "FC0003"]
    assert station(fc_api, "FC0001")["name"] == "临园路环卫驿站2"
    assert station_count() == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24小时", {"always_open": True, "weekly": []}),
        ("全天", {"always_open": True, "weekly": []}),
        ("每天 06:00-22:00", {"always_open": False, "weekly": [{"weekday": d, "open": "06:00", "close": "22:00"} for d in range(1, 8)]}),
        ("8:00-17:30", {"always_open": False, "weekly": [{"weekday": d, "open": "08:00", "close": "17:30"} for d in range(1, 8)]}),
        (
            "周六、周日 09:00-17:00",
            {
                "always_open": False,
                "weekly": [{"weekday": 6, "open": "09:00", "close": "17:00"}, {"weekday": 7, "open": "09:00", "close": "17:00"}],
            },
        ),
        (
            "星期一到星期三 07:00-19:00；周日 10:00-16:00",
            {
                "always_open": False,
                "weekly": [{"weekday": d, "open": "07:00", "close": "19:00"} for d in (1, 2, 3)]
                + [{"weekday": 7, "open": "10:00", "close": "16:00"}],
            },
        ),
        (
            "周一至周五：08:00-18:00",
            {"always_open": False, "weekly": [{"weekday": d, "open": "08:00", "close": "18:00"} for d in range(1, 6)]},
        ),
        # Chinese input methods type full-width punctuation.
        (
            "周一至周五 08：00－18：00",
            {"always_open": False, "weekly": [{"weekday": d, "open": "08:00", "close": "18:00"} for d in range(1, 6)]},
        ),
    ],
)
def test_opening_hours_text(fc_api, text, expected):
    imported(fc_api, csv_bytes([row(1, 开放时间=text)]))
    assert station(fc_api, "FC0001")["opening_hours"] == expected


def test_names_and_aliases_of_coded_columns(fc_api):
    rows = [
        row(
            1,
            建设方式="与有关单位共建",
            合作项目="劳动者驿站",
            单位类型="金融网点",
            服务设施="热水，手机充电",
            服务对象="送餐员/城管员",
            状态="建成",
        )
    ]
    imported(fc_api, csv_bytes(rows))
    s = station(fc_api, "FC0001")
    assert s["build_mode"] == "co_built" and s["partner_programme"] == "china_post"
    assert s["host_type"] == "financial_branch"
    assert s["amenities"] == ["hot_water", "phone_charging"]
    assert s["worker_groups"] == ["food_delivery", "city_management"]
    assert s["status"] == "built"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("劳动者驿站（中国邮政）", "china_post"),
        ("爱心便民服务点（中国移动）", "china_mobile"),
        ("劳动者驿站（中国邮政、邮储银行共建，川工发〔2019〕27号）", "china_post"),
        ("中国移动", "china_mobile"),
    ],
)
def test_partner_programme_as_the_template_note_words_it(fc_api, text, code):
    imported(fc_api, csv_bytes([row(1, 合作项目=text)]))
    assert station(fc_api, "FC0001")["partner_programme"] == code


def test_blank_lines_and_short_rows_are_tolerated(fc_api):
    """Blank lines are skipped; a row shorter than the header leaves its last cells empty."""
    header_and_rows = table([row(1), row(2)])
    short = header_and_rows[2][: HEADERS.index("开放时间") + 1]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header_and_rows[0], header_and_rows[1], [], short, ["", "", ""]])
    result = imported(fc_api, buffer.getvalue().encode("utf-8-sig"))
    assert result["rows"] == 2 and result["created"] == 2
    s = station(fc_api, "FC0002")
    assert s["worker_groups"] == [] and s["keeper_name"] is None and s["status"] == "planned"


# --- one bad row: nothing is imported -------------------------------------------------------

BAD_ROWS = [
    pytest.param({"纬度": "abc"}, "纬度", "应为数字", id="latitude-not-a-number"),
    pytest.param({"纬度": "104.7462", "经度": "31.4567"}, "纬度", "应在", id="latitude-and-longitude-swapped"),
    pytest.param({"纬度": "30.1", "经度": "104.0"}, "纬度", "服务区域", id="outside-mianyang"),
    pytest.param({"区县": "成都区"}, "区县", "取值无效", id="unknown-district"),
    pytest.param({"站点名称": ""}, "站点名称", "必填", id="missing-name"),
    pytest.param({"地址": "  "}, "地址", "必填", id="blank-address"),
    pytest.param({"建设方式": ""}, "建设方式", "必填", id="missing-build-mode"),
    pytest.param({"建设方式": "合建"}, "建设方式", "取值无效", id="unknown-build-mode"),
    pytest.param({"开放时间": "周一至周五 8点到18点"}, "开放时间", "开放时间格式有误", id="opening-hours-unreadable"),
    pytest.param({"开放时间": "周一至周五 08:00-18:00:00"}, "开放时间", "时段格式有误", id="opening-hours-bad-range"),
    pytest.param({"开放时间": "周五至周一 08:00-18:00"}, "开放时间", "星期范围有误", id="opening-hours-days-backwards"),
    pytest.param({"开放时间": "周八 08:00-18:00"}, "开放时间", "无法识别的星期", id="opening-hours-no-such-day"),
    pytest.param({"开放时间": "周一至周五 18:00-08:00"}, "开放时间", "早于", id="opening-hours-close-before-open"),
    pytest.param({"开放时间": "周一 08:00-12:00,11:00-14:00"}, "开放时间", "重叠", id="opening-hours-overlap"),
    pytest.param({"开放时间": "周一 08:00-25:00"}, "开放时间", "HH:MM", id="opening-hours-hour-25"),
    pytest.param({"开放时间": ""}, "开放时间", "必填", id="opening-hours-missing"),
    pytest.param({"建设方式": "共建", "共建单位": ""}, "共建单位", "共建单位", id="co-built-without-host-unit"),
    pytest.param({"建设方式": "自建", "合作项目": "爱心便民服务点"}, "合作项目", "共建", id="partner-but-self-built"),
    pytest.param({"单位类型": "菜市场"}, "单位类型", "取值无效", id="unknown-host-type"),
    pytest.param({"服务设施": "饮用水、按摩椅"}, "服务设施", "取值无效", id="unknown-amenity"),
    pytest.param({"服务对象": "程序员"}, "服务对象", "取值无效", id="unknown-worker-group"),
    pytest.param({"管理员电话": "打我电话"}, "管理员电话", "电话号码格式有误", id="bad-phone"),
    pytest.param({"状态": "已挂牌"}, "状态", "取值无效", id="status-not-importable"),
    pytest.param({"建成日期": "2022-13-01"}, "建成日期", "日期", id="bad-built-date"),
    pytest.param({"坐标系": "北京54"}, "坐标系", "取值无效", id="unknown-datum"),
    pytest.param({"站点编码": "F1"}, "站点编码", "站点编码应为", id="malformed-code"),
    pytest.param({"站点编码": "YX0001"}, "站点编码", "区县前缀 FC", id="code-of-another-prefix"),
]


@pytest.mark.parametrize(("cells", "column", "message"), BAD_ROWS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_bad_row_refuses_the_whole_file(fc_api, cells, column, message, fmt):
    StationFactory(code="FC0001")
    rows = [row(1), row(2), row(3, **cells), row(4)]
    content, name = (csv_bytes(rows), "s.csv") if fmt == "csv" else (xlsx_bytes(rows), "s.xlsx")
    before = station_count()

    error = refused(fc_api, content, name)
    errors = error["details"]["errors"]
    assert errors, error
    assert {e["row"] for e in errors} == {4}, errors  # header is row 1, so the third data row is row 4
    assert error["details"]["error_count"] == len(errors)
    assert "1 行" in error["message"]
    match = [e for e in errors if e["column"] == column]
    assert match, errors
    assert any(message in e["message"] for e in match), match
    assert all(CJK.search(e["message"]) for e in errors), errors
    assert station_count() == before
    assert fc_api.get("/api/staff/v1/stations/FC0002").status_code == 404


def test_bad_dry_run_is_refused_the_same_way(fc_api):
    error = refused(fc_api, csv_bytes([row(1), row(2, 纬度="x")]), dry_run=True)
    assert error["details"]["errors"][0]["row"] == 3


def test_every_bad_row_and_cell_is_listed_in_row_order(fc_api):
    rows = [
        row(1),
        row(2, 站点名称="", 纬度="北纬31度"),
        row(3),
        row(4, 区县="游仙区", 纬度="31.4765", 经度="104.7790"),
        row(5, 开放时间="随时"),
    ]
    error = refused(fc_api, csv_bytes(rows))
    errors = error["details"]["errors"]
    assert sorted((e["row"], e["column"]) for e in errors) == [(3, "站点名称"), (3, "纬度"), (5, "区县"), (6, "开放时间")]
    assert [e["row"] for e in errors] == sorted(e["row"] for e in errors)
    assert error["details"]["error_count"] == 4
    assert "3 行" in error["message"]
    assert station_count() == 0


def test_row_numbers_are_the_spreadsheets_own(fc_api):
    """Blank rows are skipped but still counted, so the number is the one Excel shows."""
    book = Workbook()
    sheet = book.active
    for values in table([row(1), row(2, 区县="成都区")]):
        sheet.append([None if v == "" else v for v in values])
    sheet.insert_rows(3, amount=2)  # rows 3 and 4 left blank: the bad row moves to row 5
    out = io.BytesIO()
    book.save(out)
    error = refused(fc_api, out.getvalue(), "s.xlsx")
    assert [(e["row"], e["column"]) for e in error["details"]["errors"]] == [(5, "区县")]


def test_too_many_rows_are_refused(fc_api, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    refused(fc_api, csv_bytes([row(n) for n in range(1, 5)]), code="import_too_large")
    assert station_count() == 0
    assert imported(fc_api, csv_bytes([row(n) for n in range(1, 4)]))["created"] == 3


# --- dry run --------------------------------------------------------------------------------


def test_dry_run_validates_and_counts_but_writes_nothing(fc_api):
    StationFactory(code="FC0001", name="旧名称")
    rows = [row(1, 站点编码="FC0001"), row(2), row(3)]
    result = imported(fc_api, csv_bytes(rows), dry_run=True)
    assert result["dry_run"] is True
    assert (result["rows"], result["created"], result["updated"], result["unchanged"]) == (3, 2, 1, 0)
    assert result["codes"] == ["FC0001", "FC0002", "FC0003"]
    assert station_count() == 1
    assert station(fc_api, "FC0001")["name"] == "旧名称"
    assert fc_api.get("/api/staff/v1/stations/FC0002").status_code == 404
    assert audit_entries(fc_api, "station.import.create") == []
    assert audit_entries(fc_api, "station.import.update") == []

    # The real run does what the dry run said it would.
    real = imported(fc_api, csv_bytes(rows), dry_run=False)
    assert {**result, "dry_run": False} == real
    assert station_count() == 3


# --- re-import: update by code --------------------------------------------------------------


def test_reimport_with_codes_updates_by_code_without_duplicates(fc_api):
    rows = [row(n) for n in range(1, 4)]
    first = imported(fc_api, csv_bytes(rows))
    assert first["created"] == 3
    coded = with_codes(rows, first["codes"])

    second = imported(fc_api, csv_bytes(coded))
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 3)
    assert second["codes"] == first["codes"]
    assert station_count() == 3

    coded[1]["站点名称"] = "改过名的驿站"
    third = imported(fc_api, xlsx_bytes(coded), "again.xlsx")
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 2)
    assert station(fc_api, "FC0002")["name"] == "改过名的驿站"
    assert station_count() == 3


def test_reimport_of_an_unchanged_row_leaves_the_station_untouched(fc_api):
    rows = [row(1)]
    imported(fc_api, csv_bytes(rows))
    before = station(fc_api, "FC0001")
    result = imported(fc_api, csv_bytes(with_codes(rows, ["FC0001"])))
    assert result["unchanged"] == 1
    assert station(fc_api, "FC0001") == before


def test_codes_are_matched_case_insensitively(fc_api):
    imported(fc_api, csv_bytes([row(1)]))
    result = imported(fc_api, csv_bytes([row(1, 站点编码="fc0001", 站点名称="新名字")]))
    assert (result["created"], result["updated"]) == (0, 1)
    assert station(fc_api, "FC0001")["name"] == "新名字"


def test_reimport_keeps_the_built_date_of_a_built_station(fc_api):
    """'已建成' without a date means 'today' for a new station, not for one built long ago."""
    StationFactory(code="FC0001", status="built", built_date=date(2020, 5, 1))
    result = imported(fc_api, csv_bytes([row(1, 站点编码="FC0001", 建成日期="")]))
    assert result["updated"] == 1
    assert station(fc_api, "FC0001")["built_date"] == "2020-05-01"


def test_new_built_station_without_date_is_built_today(fc_api):
    imported(fc_api, csv_bytes([row(1, 建成日期="")]))
    assert station(fc_api, "FC0001")["built_date"] == clock.today().isoformat()


def test_import_cannot_unplaque_a_station(fc_api):
    StationFactory(code="FC0001", status="plaqued", built_date=date(2022, 1, 1), plaqued_date=date(2022, 6, 1))
    error = refused(fc_api, csv_bytes([row(1, 站点编码="FC0001", 状态="已建成")]))
    assert [(e["row"], e["column"]) for e in error["details"]["errors"]] == [(2, "状态")]
    assert station(fc_api, "FC0001")["status"] == "plaqued"

    # Without a status the plaqued station's other fields can still be updated.
    result = imported(fc_api, csv_bytes([row(1, 站点编码="FC0001", 状态="", 站点名称="挂牌站")]))
    assert result["updated"] == 1
    s = station(fc_api, "FC0001")
    assert (s["name"], s["status"]) == ("挂牌站", "plaqued")


def test_retired_station_cannot_be_updated_by_import(fc_api):
    StationFactory(code="FC0001", status="retired", retired_reason="拆迁")
    error = refused(fc_api, csv_bytes([row(1, 站点编码="FC0001")]))
    assert error["details"]["errors"] == [{"row": 2, "column": "站点编码", "message": "该站点已撤销，不能通过导入修改"}]


def test_duplicate_codes_in_one_file_are_refused(fc_api):
    rows = [row(1, 站点编码="FC0005"), row(2), row(3, 站点编码="FC0005")]
    error = refused(fc_api, csv_bytes(rows))
    errors = error["details"]["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(4, "站点编码")]
    assert "第 2 行" in errors[0]["message"]
    assert station_count() == 0


# --- district scope -------------------------------------------------------------------------


def test_district_staff_cannot_import_another_districts_rows(fc_api):
    rows = [row(1), row(2, 区县="游仙区", 纬度="31.4765", 经度="104.7790"), row(3)]
    error = refused(fc_api, csv_bytes(rows))
    errors = error["details"]["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "区县")]
    assert "本区县" in errors[0]["message"]
    assert station_count() == 0


def test_code_of_another_districts_station_is_refused(fc_api):
    yx = StationFactory(code="YX0001", district_code="YX", name="游仙驿站", lat=31.4765, lng=104.779)
    error = refused(fc_api, csv_bytes([row(1, 站点编码="YX0001")]))
    errors = error["details"]["errors"]
    assert errors and {(e["row"], e["column"]) for e in errors} == {(2, "站点编码")}
    assert station_count() == 1
    db.session.refresh(yx)
    assert yx.name == "游仙驿站" and yx.district_code == "YX"


def test_existing_station_cannot_move_district_by_import(city_api):
    StationFactory(code="FC0001")
    rows = [row(1, 站点编码="FC0001", 区县="游仙区", 纬度="31.4765", 经度="104.7790")]
    error = refused(city_api, csv_bytes(rows))
    messages = {e["message"] for e in error["details"]["errors"]}
    assert "导入不能更改已有站点所属的区县" in messages
    assert station(city_api, "FC0001")["district"]["code"] == "FC"


def test_yx_staff_imports_their_own_district(yx_api):
    result = imported(yx_api, csv_bytes([row(1, 区县="游仙区", 纬度="31.4765", 经度="104.7790")]))
    assert result["codes"] == ["YX0001"]


# --- coordinates ----------------------------------------------------------------------------


@pytest.mark.parametrize("datum", ["WGS-84", "wgs84", "GPS"])
def test_wgs84_rows_are_stored_as_gcj02(fc_api, datum):
    wgs_lat, wgs_lng = 31.4590, 104.7420
    rows = [row(1, 纬度=str(wgs_lat), 经度=str(wgs_lng), 坐标系=datum), row(2, 纬度=str(LAT), 经度=str(LNG), 坐标系="GCJ-02")]
    imported(fc_api, csv_bytes(rows))

    s = station(fc_api, "FC0001")
    gcj_lat, gcj_lng = wgs84_to_gcj02(wgs_lat, wgs_lng)
    assert s["lat"] == pytest.approx(gcj_lat, abs=1e-9) and s["lng"] == pytest.approx(gcj_lng, abs=1e-9)
    assert s["datum"] == "gcj02"
    assert 100 < distance_m(wgs_lat, wgs_lng, s["lat"], s["lng"]) < 1000  # the GCJ offset: a few hundred metres

    gcj = station(fc_api, "FC0002")
    assert (gcj["lat"], gcj["lng"]) == (pytest.approx(LAT, abs=1e-12), pytest.approx(LNG, abs=1e-12))


def test_wgs84_reimport_is_unchanged(fc_api):
    rows = [row(1, 纬度="31.4590", 经度="104.7420", 坐标系="WGS-84")]
    imported(fc_api, xlsx_bytes(rows), "a.xlsx")
    result = imported(fc_api, xlsx_bytes(with_codes(rows, ["FC0001"])), "a.xlsx")
    assert (result["updated"], result["unchanged"]) == (0, 1)


def test_bounds_are_checked_after_conversion(fc_api):
    """A WGS-84 point just inside the box can fall outside it once offset: the stored
    (GCJ-02) point is what must lie inside."""
    error = refused(fc_api, csv_bytes([row(1, 纬度="31.4590", 经度="105.799", 坐标系="WGS-84")]))
    assert [(e["row"], e["column"]) for e in error["details"]["errors"]] == [(2, "纬度")]


# --- unreadable files -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unknown_column_is_a_bad_header(fc_api, fmt):
    headers = [*HEADERS, "备注"]
    rows = [{**row(1), "备注": "无"}]
    content, name = (csv_bytes(rows, headers=headers), "s.csv") if fmt == "csv" else (xlsx_bytes(rows, headers=headers), "s.xlsx")
    error = refused(fc_api, content, name, code="import_bad_header")
    assert error["details"]["errors"] == [{"row": 1, "column": "备注", "message": "不认识的列名"}]
    assert station_count() == 0


def test_missing_required_column_is_a_bad_header(fc_api):
    headers = [h for h in HEADERS if h not in ("纬度", "开放时间")]
    error = refused(fc_api, csv_bytes([row(1)], headers=headers), code="import_bad_header")
    assert {(e["row"], e["column"], e["message"]) for e in error["details"]["errors"]} == {
        (1, "纬度", "缺少必填列"),
        (1, "开放时间", "缺少必填列"),
    }


@pytest.mark.parametrize("second", ["站点名称", "name"], ids=["same-header", "field-name-alias"])
def test_repeated_column_is_a_bad_header(fc_api, second):
    headers = [*HEADERS, second]
    rows = [{**row(1), second: "另一个名字"}]
    error = refused(fc_api, csv_bytes(rows, headers=headers), code="import_bad_header")
    assert error["details"]["errors"] == [{"row": 1, "column": second, "message": "列名重复"}]


def test_english_field_names_are_accepted_as_headers(fc_api):
    headers = [f for _, f, _ in COLUMNS]
    values = row(1)
    content = csv_bytes([{f: values[h] for h, f, _ in COLUMNS}], headers=headers)
    assert imported(fc_api, content)["codes"] == ["FC0001"]
    assert station(fc_api, "FC0001")["name"] == "临园路环卫驿站1"


def test_optional_columns_may_be_left_out(fc_api):
    headers = ["站点名称", "区县", "地址", "纬度", "经度", "建设方式", "开放时间"]
    result = imported(fc_api, csv_bytes([row(1, 建设方式="自建")], headers=headers))
    assert result["codes"] == ["FC0001"]
    assert station(fc_api, "FC0001")["status"] == "planned"


@pytest.mark.parametrize(
    "content",
    [b"", "\ufeff".encode(), b"\r\n\r\n", csv_bytes([])],
    ids=["zero-bytes", "only-bom", "blank-lines", "header-only"],
)
def test_empty_file(fc_api, content):
    refused(fc_api, content, code="import_empty")


def test_xlsx_without_data_rows_is_empty(fc_api):
    refused(fc_api, xlsx_bytes([]), "s.xlsx", code="import_empty")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"this is not a spreadsheet", "stations.xlsx"),
        (b"PK\x03\x04" + b"\x00" * 64, "stations.csv"),
        (xlsx_bytes([row(1)])[:300], "stations.xlsx"),
        (b"", "stations.xlsx"),
    ],
    ids=["text-named-xlsx", "zip-magic-named-csv", "truncated-xlsx", "empty-xlsx"],
)
def test_corrupt_xlsx_is_unreadable(fc_api, content, name):
    refused(fc_api, content, name, code="import_unreadable")
    assert station_count() == 0


def test_csv_beyond_the_field_size_limit_is_unreadable(fc_api):
    content = csv_bytes([row(1, 其他设施="很" * 200_000)])
    refused(fc_api, content, code="import_unreadable")
    assert station_count() == 0


def test_upload_without_a_file_is_a_validation_error(fc_api):
    r = fc_api.post(URL, data={}, content_type="multipart/form-data")
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "validation_error"


def test_import_and_template_need_a_signed_in_staff_member(anon_api):
    r = upload(anon_api, csv_bytes([row(1)]))
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"
    assert anon_api.get(TEMPLATE_URL, query_string={"format": "csv"}).status_code == 401
    assert station_count() == 0


def test_invalid_token_is_refused(anon_api):
    r = anon_api.post(
        URL,
        data={"file": (io.BytesIO(csv_bytes([row(1)])), "s.csv")},
        content_type="multipart/form-data",
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert r.status_code == 401
    assert station_count() == 0


# --- audit ----------------------------------------------------------------------------------


def test_imports_are_audited(fc_api, fc_staff):
    rows = [row(1), row(2)]
    imported(fc_api, csv_bytes(rows))
    created = audit_entries(fc_api, "station.import.create")
    assert sorted(e["entity_id"] for e in created) == ["FC0001", "FC0002"]
    for entry in created:
        assert entry["entity_type"] == "station" and entry["district_code"] == "FC"
        assert entry["actor"] == fc_staff.username
        assert entry["before"] is None and entry["after"]["code"] == entry["entity_id"]

    coded = with_codes(rows, ["FC0001", "FC0002"])
    coded[0]["站点名称"] = "新的名字"
    imported(fc_api, csv_bytes(coded))
    updated = audit_entries(fc_api, "station.import.update")
    assert [e["entity_id"] for e in updated] == ["FC0001"]  # the unchanged row leaves no entry
    assert updated[0]["before"]["name"] == "临园路环卫驿站1" and updated[0]["after"]["name"] == "新的名字"
    assert len(audit_entries(fc_api, "station.import.create")) == 2


def test_audit_entries_are_visible_to_the_district_only(fc_api, yx_api):
    imported(fc_api, csv_bytes([row(1)]))
    assert len(audit_entries(fc_api, "station.import.create")) == 1
    assert audit_entries(yx_api, "station.import.create") == []


# --- templates ------------------------------------------------------------------------------


def test_csv_template(fc_api):
    r = fc_api.get(TEMPLATE_URL, query_string={"format": "csv"})
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"] and ".csv" in r.headers["Content-Disposition"]
    assert r.data.startswith(b"\xef\xbb\xbf")  # so Excel opens it as UTF-8
    assert list(csv.reader(io.StringIO(r.data.decode("utf-8-sig")))) == [HEADERS]


def test_xlsx_template(fc_api):
    r = fc_api.get(TEMPLATE_URL, query_string={"format": "xlsx"})
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in r.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["站点", "填写说明"]
    assert [c.value for c in book["站点"][1]] == HEADERS
    assert book["站点"].max_row == 1
    notes = {name: note for name, note in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert notes == {h: note for h, _, note in COLUMNS}


def test_template_defaults_to_xlsx_and_refuses_other_formats(fc_api):
    assert fc_api.get(TEMPLATE_URL).data.startswith(b"PK\x03\x04")
    r = fc_api.get(TEMPLATE_URL, query_string={"format": "xls"})
    assert r.status_code == 422


def test_xlsx_template_filled_in_round_trip(fc_api):
    book = load_workbook(io.BytesIO(fc_api.get(TEMPLATE_URL, query_string={"format": "xlsx"}).data))
    sheet = book["站点"]
    for n in (1, 2):
        values = row(n, 纬度=LAT + n * 0.001, 经度=LNG + n * 0.001)
        sheet.append([None if values[h] == "" else values[h] for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    result = imported(fc_api, out.getvalue(), "模板.xlsx")
    assert (result["created"], result["codes"]) == (2, ["FC0001", "FC0002"])
    assert station(fc_api, "FC0002")["lat"] == pytest.approx(LAT + 0.002)


def test_csv_template_filled_in_round_trip(fc_api):
    text = fc_api.get(TEMPLATE_URL, query_string={"format": "csv"}).data.decode("utf-8-sig")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([row(n)[h] for h in HEADERS] for n in (1, 2, 3))
    result = imported(fc_api, (text + buffer.getvalue()).encode("utf-8-sig"))
    assert result["created"] == 3


# --- a large file ---------------------------------------------------------------------------


def _many_rows(count: int) -> list[dict]:
    districts = [("涪城区", 31.4567, 104.7462), ("游仙区", 31.4765, 104.7790), ("江油市", 31.7810, 104.7500)]
    rows = []
    for n in range(count):
        name, lat, lng = districts[n % len(districts)]
        rows.append(
            row(
                n,
                站点名称=f"批量驿站{n:04d}",
                区县=name,
                纬度=f"{lat + (n % 50) * 0.0007:.6f}",
                经度=f"{lng + (n // 50) * 0.0007:.6f}",
                开放时间="24小时" if n % 4 == 0 else "周一至周五 08:00-18:00；周六、周日 09:00-12:00,14:00-17:00",
                坐标系="WGS-84" if n % 5 == 0 else "",
            )
        )
    return rows


def test_a_thousand_row_file_imports(city_api):
    rows = _many_rows(1000)
    result = imported(city_api, xlsx_bytes(rows), "big.xlsx")
    assert (result["rows"], result["created"], result["updated"], result["unchanged"]) == (1000, 1000, 0, 0)
    assert len(set(result["codes"])) == 1000
    assert sorted(c for c in result["codes"] if c.startswith("FC"))[-1] == "FC0334"
    assert station_count() == 1000
    assert station(city_api, result["codes"][999])["name"] == "批量驿站0999"

    # The same file with its codes filled in is all unchanged.
    again = imported(city_api, csv_bytes(with_codes(rows, result["codes"])))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1000)
    assert station_count() == 1000


def test_empty_optional_cells_clear_the_stored_values_on_reimport(fc_api, app_ctx):
    first = imported(fc_api, csv_bytes([row(1)]))
    code = first["codes"][0]
    assert station(fc_api, code)["keeper_name"]
    cleared = row(1, 站点编码=code, 管理员="", 管理员电话="", 建设方式="自建", 共建单位="", 单位类型="")
    result = imported(fc_api, csv_bytes([cleared]))
    assert result["updated"] == 1
    after = station(fc_api, code)
    assert (after["keeper_name"], after["keeper_phone"], after["host_unit"], after["host_type"]) == (None, None, None, None)
    assert after["built_date"] is not None  # empty 建成日期 keeps the date: it is not a clearable column


def test_a_code_registered_during_the_import_is_a_conflict_not_a_crash(fc_api, app_ctx, monkeypatch):
    from app.registry import station_import

    monkeypatch.setattr(station_import, "_existing_stations", lambda codes: {})  # as if checked before the insert
    StationFactory(code="FC0100")
    before = station_count()
    r = upload(fc_api, csv_bytes([row(1, 站点编码="FC0100")]))
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "import_conflict"
    assert station_count() == before
