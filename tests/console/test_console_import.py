"""Importing stations from the console: a file with a bad row shows every error in a table and
imports nothing; a good file is previewed (a dry run) and imported only on confirmation; the
templates download; a staged file belongs to whoever uploaded it and expires."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.registry.models import Station
from tests.console_helpers import console_as, flashes

HEADER = "站点名称,区县,地址,纬度,经度,建设方式,共建单位,开放时间,状态"
GOOD = [
    "临园路驿站,涪城区,绵阳市涪城区临园路1号,31.4567,104.7462,自建,,24小时,已建成",
    "剑南路驿站,FC,绵阳市涪城区剑南路2号,31.4601,104.7402,共建,涪城区环卫所,周一至周五 08:00-18:00,规划中",
]
BAD = "跑偏的驿站,涪城区,绵阳市涪城区某路,20.0,104.7462,共建,,二十四小时,已建成"


def csv_file(*rows: str, name: str = "stations.csv") -> tuple[io.BytesIO, str]:
    return io.BytesIO("\n".join([HEADER, *rows]).encode("utf-8-sig")), name


def count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Station))


@pytest.fixture
def fc(app, fc_staff):
    return console_as(app, fc_staff)


def test_a_bad_row_is_shown_with_its_row_and_column_and_nothing_is_imported(fc, app_ctx):
    r = fc.post("/console/import", {"file": csv_file(GOOD[0], BAD, GOOD[1])}, content_type="multipart/form-data")
    assert r.status_code == 422
    assert "文件中有 1 行有误，未导入任何数据" in r.text
    rows = re.findall(r'<tr class="error-row"><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>', r.text)
    assert ("3", "开放时间") in {(row, column) for row, column, _ in rows}
    assert all(row == "3" for row, _, _ in rows)
    assert "确认导入" not in r.text
    assert count() == 0


def test_a_good_file_is_previewed_then_imported_on_confirmation(fc, app_ctx):
    r = fc.post("/console/import", {"file": csv_file(*GOOD)}, content_type="multipart/form-data")
    assert r.status_code == 200
    assert "将新增 2 个站点" in r.text and "FC0001、FC0002" in r.text
    assert count() == 0  # a dry run
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = fc.post("/console/import/confirm", {"token": token})
    assert (r.status_code, r.location) == (302, "/console/stations")
    assert ("success", "已导入 stations.csv：新增 2 个，更新 0 个，未变 0 个") in flashes(fc.follow(r).text)
    assert count() == 2
    # Importing the same file again changes nothing
    r = fc.post("/console/import", {"file": csv_file(*GOOD)}, content_type="multipart/form-data")
    assert "将新增 2 个站点" in r.text  # no codes in the file: new stations again, as the API would


def test_a_staged_file_is_only_the_uploaders(app, fc, fc_staff, app_ctx):
    from tests.factories import StaffFactory

    r = fc.post("/console/import", {"file": csv_file(*GOOD)}, content_type="multipart/form-data")
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    other = console_as(app, StaffFactory(username="fc.other"))
    r = other.post("/console/import/confirm", {"token": token})
    assert r.status_code == 410 and "已过期" in r.text
    assert fc.post("/console/import/confirm", {"token": "made-up"}).status_code == 410
    assert count() == 0


def test_another_districts_rows_are_refused(app, yx_staff, app_ctx):
    yx = console_as(app, yx_staff)
    r = yx.post("/console/import", {"file": csv_file(GOOD[0])}, content_type="multipart/form-data")
    assert r.status_code == 422
    assert "区县" in r.text
    assert count() == 0


def test_no_file_or_an_unreadable_one(fc, app_ctx):
    r = fc.post("/console/import", {}, content_type="multipart/form-data")
    assert r.status_code == 422 and "请选择要上传的" in r.text
    r = fc.post("/console/import", {"file": (io.BytesIO(b"PK\x03\x04 not really"), "x.xlsx")}, content_type="multipart/form-data")
    assert r.status_code == 422 and "无法读取该 XLSX 文件" in r.text


def test_the_templates_download(fc, app_ctx):
    xlsx = fc.get("/console/import/template.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.worksheets[0]["A1"].value == "站点编码"
    csv = fc.get("/console/import/template.csv")
    assert csv.data.decode("utf-8-sig").startswith("站点编码,站点名称")
    assert fc.get("/console/import/template.exe").status_code == 302
