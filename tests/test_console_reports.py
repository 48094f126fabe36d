"""The dashboard and the reports pages: figures from the report services in the staff member's
scope, the visits report's downloads, the quarterly form with its XLSX and "mark submitted",
and the quality ranking."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.services import quarters, rollups
from tests.console_helpers import console_as, flashes
from tests.factories import CheckInFactory, StationFactory, WorkerFactory


@pytest.fixture
def visits(app_ctx):
    fc = StationFactory(code="FC0001", name="涪城临园路驿站")
    yx = StationFactory(code="YX0001", name="游仙东津路驿站", district_code="YX", lat=31.4765, lng=104.779)
    for station, n in ((fc, 3), (yx, 5)):
        for _ in range(n):
            rollups.record_visit(CheckInFactory(station=station, worker=WorkerFactory()), station)
    db.session.commit()
    return fc, yx


def test_the_dashboard_counts_the_district_only(app, fc_staff, city_staff, visits):
    fc = console_as(app, fc_staff).get("/console/")
    assert fc.status_code == 200
    assert '<div class="n">3</div><div class="t">今日服务人次' in fc.text
    assert "游仙区" not in fc.text.split('id="plan"')[1]  # plan progress: own district only
    city = console_as(app, city_staff).get("/console/").text
    assert '<div class="n">8</div><div class="t">今日服务人次' in city
    assert "全市合计" in city and "/console/vendor/echarts.min.js" in city


def test_the_visits_report_and_its_downloads(app, fc_staff, visits):
    console = console_as(app, fc_staff)
    r = console.get("/console/reports/visits?group_by=station")
    assert r.status_code == 200
    assert "FC0001 涪城临园路驿站" in r.text and "YX0001" not in r.text
    csv = console.get("/console/reports/visits?group_by=station&format=csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    assert "FC0001" in csv.data.decode("utf-8-sig") and "YX0001" not in csv.data.decode("utf-8-sig")
    xlsx = console.get("/console/reports/visits?format=xlsx")
    load_workbook(io.BytesIO(xlsx.data))
    r = console.get("/console/reports/visits?district=YX")
    assert "只能查看本区县的统计" in r.text and "游仙" not in r.text.split("</form>")[1]


def test_the_quarterly_form_download_and_submit(app, fc_staff, city_staff, visits):
    console = console_as(app, fc_staff)
    r = console.get("/console/reports/quarterly")
    assert r.status_code == 200 and "绵阳市工会户外劳动者服务站点建设进度统计表" in r.text
    xlsx = console.get("/console/reports/quarterly?format=xlsx")
    assert xlsx.status_code == 200
    load_workbook(io.BytesIO(xlsx.data))
    year, quarter = quarters.quarter_of(quarters.local_today())
    r = console.post(f"/console/reports/quarterly/{year}/{quarter}/submit")
    assert r.status_code == 302
    assert any("已标记" in m for _, m in flashes(console.follow(r).text))
    city = console_as(app, city_staff)
    assert "标记为已报送" not in city.get("/console/reports/quarterly").text
    r = city.post(f"/console/reports/quarterly/{year}/{quarter}/submit")
    assert ("error", "季度报表由各区县工会报送") in flashes(city.follow(r).text)


def test_the_quality_ranking(app, fc_staff, visits):
    console = console_as(app, fc_staff)
    r = console.get("/console/reports/quality")
    assert r.status_code == 200 and "FC0001 涪城临园路驿站" in r.text and "YX0001" not in r.text
    assert console.get("/console/reports/quality?format=csv").status_code == 200
    assert console.get("/console/reports/quality?format=xlsx").status_code == 200
