"""The console's side of the loop: the queue with the overdue flag, a ticket's page with its
photos and steps and the staff steps (reopen, call-back, confirm), the spot-check form as a phone
sends it (photos included), the follow-up page, the dashboard's flags, the CSV/XLSX reports, and
another district's ticket answering like a missing one."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from app.core import clock
from app.reference import data as ref
from tests.console_helpers import console_as, flashes
from tests.problems.helpers import MP, make_people, photo_bytes


@pytest.fixture
def people(client, wx, app_ctx):
    return make_people(client, wx)


def test_staff_run_the_loop_from_the_console(app, people, fc_staff, yx_staff):
    code = people.station.code
    tid = people.reporter.post(f"{MP}/stations/{code}/problems", json={"kind": "no_water", "text": "饮水机没水"}).get_json()["id"]
    people.keeper.post(f"{MP}/keeper/stations/{code}/tickets/{tid}/fixed", json={})
    fc = console_as(app, fc_staff)
    queue = fc.get("/console/tickets")
    assert queue.status_code == 200 and code in queue.text and "没有饮用水" in queue.text
    page = fc.get(f"/console/tickets/{tid}")
    assert "饮水机没水" in page.text and "确认已解决" in page.text
    r = fc.follow(fc.post(f"/console/tickets/{tid}/reopen", data={"note": "现场仍无水"}))
    assert ("success", "已要求重新整改") in flashes(r.text)
    assert ("error", "请填写说明（200 字以内）") in flashes(fc.follow(fc.post(f"/console/tickets/{tid}/call-back", data={})).text)
    fc.post(f"/console/tickets/{tid}/call-back", data={"note": "已电话回访"})
    with time_machine.travel(clock.now() + timedelta(hours=30), tick=False):
        fc = console_as(app, fc_staff)
        assert "逾期" in fc.get("/console/tickets", query_string={"overdue": "true"}).text
        flags = fc.get("/console/").text
        assert 'id="loop-flags"' in flags and "逾期未整改的问题" in flags
        report = fc.get("/console/tickets/report.xlsx")
        sheet = load_workbook(io.BytesIO(report.data)).active
        assert [c.value for c in sheet[2]][:7] == ["涪城区", code, people.station.name, "没有饮用水", 1, 1, 1]
        assert fc.get("/console/tickets/report.csv").data.startswith("\ufeff区县".encode())
    yx = console_as(app, yx_staff)
    assert yx.get(f"/console/tickets/{tid}").status_code == 404
    assert code not in yx.get("/console/tickets").text


def test_a_spot_check_from_a_phone(app, people, fc_staff):
    code = people.station.code
    fc = console_as(app, fc_staff)
    form = fc.get(f"/console/stations/{code}/spot-check")
    assert form.status_code == 200 and 'capture="environment"' in form.text
    data = {"open_as_posted": "no", "supplies_in_date": "yes", "clean": "no", "verdict": "fail", "note": "下午三点锁门"}
    data |= {f"six-{item}": "yes" for item in ref.codes(ref.SIX_HAS_ITEMS)}
    data["photos"] = [(io.BytesIO(photo_bytes()), "a.jpg")]
    r = fc.post(f"/console/stations/{code}/spot-check", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    station_page = fc.get(r.location).text
    assert "下午三点锁门" in station_page and "不合格" in station_page
    bad = fc.post(f"/console/stations/{code}/spot-check", data={"verdict": "maybe"})
    assert bad.status_code == 422
    fc.post(f"/console/stations/{code}/spot-check", data={**data, "photos": []}, content_type="multipart/form-data")
    follow_up = fc.get("/console/follow-up").text
    assert code in follow_up and "须复核" in follow_up


def test_the_loop_report_over_the_staff_api(people):
    code = people.station.code
    people.reporter.post(f"{MP}/stations/{code}/problems", json={"kind": "dirty"})
    r = people.fc.get("/api/staff/v1/reports/tickets", query_string={"format": "csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert f"涪城区,{code}," in r.data.decode("utf-8-sig")
    assert code not in people.yx.get("/api/staff/v1/reports/tickets", query_string={"format": "csv"}).data.decode("utf-8-sig")
    bad = people.fc.get("/api/staff/v1/reports/tickets", query_string={"from": "2026-12-03", "to": "2026-01-01"})
    assert bad.status_code == 422
    xlsx = people.fc.get("/api/staff/v1/reports/tickets", query_string={"what": "spot_checks"})
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.data)).active["A1"].value == "区县"
