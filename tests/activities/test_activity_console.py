"""The console's care activities: create through the form (China's wall clock), see it on the
month's calendar, upload the 专项活动方案 (a PDF; a text file refused), cancel; the plan's
progress, the care months' summaries and the report page with its CSV; another district's
activity is a 404 page."""

from __future__ import annotations

import io
from datetime import timedelta

from app.core import clock
from tests.activities.helpers import create_activity
from tests.activities.world import PLAN_PDF
from tests.console_helpers import console_as, csrf_of, flashes
from tests.factories import StationFactory


def test_console_activity_pages(app, fc_staff, yx_staff, fc_api, app_ctx):
    station = StationFactory()
    console = console_as(app, fc_staff)
    form = console.get("/console/activities/new")
    assert form.status_code == 200
    start = clock.china_time(clock.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    body = {
        "csrf_token": csrf_of(form.text), "kind": "culture", "title": "读书月：驿站图书角", "stations": station.code,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "union": "0.80", "gift_name": "图书", "gift_stock": "50", "worker_groups": ["courier"],
    }  # fmt: skip
    created = console.post("/console/activities/new", data=body)
    assert created.status_code == 302, created.text
    detail_url = created.headers["Location"]
    detail = console.get(detail_url).text
    assert "读书月：驿站图书角" in detail and "剩余 50 / 50" in detail
    month = console.get("/console/activities", query_string={"month": start.strftime("%Y-%m")}).text
    assert "送文化·读书月：驿站图书角" in month

    token = csrf_of(detail)
    refused = console.post(f"{detail_url}/plan-file", data={"csrf_token": token, "file": (io.BytesIO(b"just text"), "plan.pdf")})
    assert any("不支持的文件类型" in text for _, text in flashes(console.get(refused.headers["Location"]).text))
    console.post(f"{detail_url}/plan-file", data={"csrf_token": token, "file": (io.BytesIO(PLAN_PDF), "方案.pdf")})
    assert console.get(f"{detail_url}/plan-file").data == PLAN_PDF

    cancelled = console.post(f"{detail_url}/cancel", data={"csrf_token": token, "reason": "场地调整"})
    assert "已取消：场地调整" in console.get(cancelled.headers["Location"]).text

    create_activity(fc_api, [station.code])
    assert "落后的区县" in console.get("/console/activities/plan").text
    assert "还没有关爱服务月" in console.get("/console/activities/campaigns").text
    report = console.get("/console/reports/activities").text
    assert "送清凉" in report and "惠及人数" in report
    csv_file = console.get("/console/reports/activities", query_string={"format": "csv"})
    assert csv_file.status_code == 200 and "惠及人数" in csv_file.data.decode("utf-8-sig")

    other = console_as(app, yx_staff)
    assert other.get(detail_url).status_code == 404
