"""The dashboard and the reports pages: figures from the report services in the staff member's
scope, the visits report's downloads, the quarterly form with its XLSX and "mark submitted",
and the quality ranking."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.core import clock
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
            rollups.record_visit(CheckInFactory(station=station, worker=WorkerFactory()))
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
    year, quarter = quarters.quarter_of(clock.today())
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


def test_the_visits_chart_is_per_period_with_iso_dates(app, city_staff, visits):
    import json
    import re

    r = console_as(app, city_staff).get("/console/reports/visits?period=day&group_by=district")
    chart = json.loads(re.search(r'<script type="application/json" id="visits-data">(.*?)</script>', r.text, re.S).group(1))
    today = clock.today().isoformat()
    assert len(chart["periods"]) == 30 and chart["periods"][-1] == today  # ISO dates, one bar a day
    assert (chart["scanned"][-1], chart["manual"][-1]) == (8, 0)  # the districts of a day added together
    assert sum(chart["scanned"]) == 8


def test_the_quarterly_form_through_a_chosen_quarter(app, fc_staff, visits):
    console = console_as(app, fc_staff)
    year, quarter = quarters.quarter_of(clock.today())
    r = console.get(f"/console/reports/quarterly?year={year}&quarter=1")
    assert r.status_code == 200 and "填报到一季度" in r.text
    if quarter > 1:
        assert "不在本次填报范围" in r.text
    xlsx = console.get(f"/console/reports/quarterly?year={year}&quarter=1&format=xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    load_workbook(io.BytesIO(xlsx.data))
    # A year not started yet: said, and this year's form shown instead; no file.
    r = console.get(f"/console/reports/quarterly?year={year + 1}")
    assert r.status_code == 200 and ("warning", "年度：该年度尚未开始") in flashes(r.text)
    r = console.get(f"/console/reports/quarterly?year={year + 1}&format=xlsx")
    assert r.status_code == 200 and "Content-Disposition" not in r.headers
    r = console.get("/console/reports/quarterly?quarter=7")
    assert ("warning", "季度：季度应为 1 到 4") in flashes(r.text)


def test_the_dashboard_shows_the_years_forms_due_and_late(app, fc_staff, city_staff, visits):
    year, quarter = quarters.quarter_of(clock.today())
    fc = console_as(app, fc_staff)
    due = fc.get("/console/").text.split('id="forms-due"')[1].split("</table>")[0]
    assert due.count("<tr>") == quarter + 1  # the header and this year's quarters so far
    assert "0 / 1" in due
    fc.post(f"/console/reports/quarterly/{year}/{quarter}/submit")
    due = fc.get("/console/").text.split('id="forms-due"')[1].split("</table>")[0]
    assert "1 / 1" in due
    city = console_as(app, city_staff).get("/console/").text.split('id="forms-due"')[1].split("</table>")[0]
    assert "1 / 13" in city


def test_the_plan_bars_carry_the_60_80_and_2025_marks(app, fc_staff, visits):
    plan = console_as(app, fc_staff).get("/console/").text.split('id="plan"')[1]
    assert "2023（60%）" in plan and "2024（80%）" in plan and "2025（100%）" in plan
