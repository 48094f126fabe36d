"""The quality evaluation's new components over HTTP equal figures computed here from what was
done: tickets per 100 visits, the share fixed by the first deadline, the median hours to fix,
spot checks passed, supplies past their date; and the 最美站点 candidates leave out a station
with an overdue ticket or a recently failed spot check."""

from __future__ import annotations

import statistics
from datetime import timedelta

import pytest
import time_machine

from app.core import clock
from app.reference import data as ref
from tests.conftest import signed_in, worker_signed_in
from tests.factories import StaffFactory, StationFactory, WorkerFactory, make_keeper

MP, STAFF = "/api/mp/v1", "/api/staff/v1"


def spot_check(verdict: str) -> dict:
    six = [{"item": item, "passed": True} for item in ref.codes(ref.SIX_HAS_ITEMS)]
    return {"open_as_posted": True, "six_has": six, "supplies_in_date": False, "clean": True, "verdict": verdict}


@pytest.fixture
def world(client, wx, app_ctx):
    a, b, c = (StationFactory(status="plaqued", opening_hours={"always_open": True}) for _ in range(3))
    keepers = {s.code: make_keeper(s).worker for s in (a, b, c)}
    worker = WorkerFactory()
    wx.login_code(worker.openid)
    return a, b, c, keepers, worker


def staff(client):
    return signed_in(client, StaffFactory(role="district", district_code="FC", username=f"fc.q{clock.now().timestamp():.0f}"))


def test_new_components_equal_the_figures(app, client, world):
    a, b, c, keeper_workers, reporter = world
    t0 = clock.now() - timedelta(days=5)

    def as_keeper():  # tokens are minted at the time travelled to
        return worker_signed_in(client, keeper_workers[a.code])

    with time_machine.travel(t0, tick=False):
        worker = worker_signed_in(client, reporter)
        locked = worker.post(f"{MP}/stations/{a.code}/problems", json={"kind": "locked"}).get_json()["id"]
        toilet = worker.post(f"{MP}/stations/{a.code}/problems", json={"kind": "toilet"}).get_json()["id"]
        worker.post(f"{MP}/stations/{c.code}/problems", json={"kind": "other"})  # never fixed: overdue by now
    with time_machine.travel(t0 + timedelta(hours=10), tick=False):
        as_keeper().post(f"{MP}/keeper/stations/{a.code}/tickets/{locked}/fixed", json={})  # within 24 h
    with time_machine.travel(t0 + timedelta(hours=60), tick=False):
        as_keeper().post(f"{MP}/keeper/stations/{a.code}/tickets/{toilet}/fixed", json={})  # past 48 h
    worker = worker_signed_in(client, reporter)
    worker.post(f"{MP}/stations/{a.code}/problems", json={"kind": "dirty"})  # open, within its deadline
    fc = staff(client)
    for verdict in ("pass", "fail"):
        assert fc.post(f"{STAFF}/stations/{a.code}/spot-checks", json=spot_check(verdict)).status_code == 201
    for days in (1, 30):
        expired = (clock.today() - timedelta(days=days)).isoformat()
        as_keeper().post(f"{MP}/keeper/stations/{a.code}/supplies", json={"name": f"药品{days}", "expires_on": expired})

    rows = {r["code"]: r for r in fc.get(f"{STAFF}/reports/quality", query_string={"days": 30}).get_json()["stations"]}
    ra = rows[a.code]
    # Figures computed here: 3 tickets at A, 0 visits (counted as 1), 1 of 3 fixed by its deadline,
    # fixed after 10 h and 60 h; 1 of 2 spot checks passed; 2 supplies past their date.
    tickets, visits, on_time, hours = 3, 0, 1 / 3, [10.0, 60.0]
    per_100 = 100 * tickets / max(visits, 1)
    deadlines = [app.config["PROBLEM_DEADLINE_HOURS"][kind] for kind in ("locked", "toilet")]  # the fixed ones
    fix_speed = 1 / (1 + statistics.median(hours) / statistics.median(deadlines))
    assert ra["details"]["tickets"] == tickets and ra["details"]["tickets_per_100_visits"] == pytest.approx(per_100)
    assert ra["details"]["fixed_on_time_share"] == pytest.approx(on_time, abs=1e-3)
    assert ra["details"]["median_fix_hours"] == pytest.approx(statistics.median(hours))
    assert ra["components"]["problems"] == pytest.approx(round(100 * (1 / (1 + per_100) + on_time + fix_speed) / 3, 1))
    assert (ra["details"]["spot_checks"], ra["details"]["spot_checks_passed"], ra["details"]["expired_supplies"]) == (2, 1, 2)
    assert ra["components"]["inspections"] == pytest.approx(round(100 * (1 / 2 + 1 / (1 + 2)) / 2, 1))
    # B has nothing against it; C has an overdue ticket; A failed a spot check just now.
    assert rows[b.code]["components"]["problems"] == rows[b.code]["components"]["inspections"] == 100.0
    assert [code for code, r in rows.items() if r["candidate"]] == [b.code]
    assert rows[a.code]["details"]["excluded"] and rows[c.code]["details"]["excluded"]
