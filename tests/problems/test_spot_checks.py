"""Spot checks (暗访) over HTTP: district staff record them in their district only; a station
failing two within the period is flagged for review of its plaque or demonstration status, and
one failure, or two far apart, is not."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.core import clock
from app.reference import data as ref
from tests.assertions import assert_error
from tests.conftest import signed_in
from tests.factories import StaffFactory, StationFactory

STAFF = "/api/staff/v1"


def check(verdict="fail", **extra):
    six = [{"item": item, "passed": verdict == "pass"} for item in ref.codes(ref.SIX_HAS_ITEMS)]
    return {"open_as_posted": verdict == "pass", "six_has": six, "supplies_in_date": True, "clean": True, "verdict": verdict, **extra}


@pytest.fixture
def apis(client, app_ctx):
    fc = StaffFactory(role="district", district_code="FC", username="fc.spot")
    yx = StaffFactory(role="district", district_code="YX", username="yx.spot")
    return signed_in(client, fc), signed_in(client, yx)


def test_two_failures_within_the_period_flag_the_station(app, apis):
    fc, _ = apis
    station = StationFactory(status="plaqued")
    passing = StationFactory()
    url = f"{STAFF}/stations/{station.code}/spot-checks"
    assert fc.post(url, json=check()).status_code == 201
    assert fc.get(f"{STAFF}/spot-checks/flagged").get_json() == []
    assert fc.post(f"{STAFF}/stations/{passing.code}/spot-checks", json=check("pass")).status_code == 201
    with time_machine.travel(clock.now() + timedelta(days=10), tick=False):
        fc = signed_in(fc.client, StaffFactory(role="district", district_code="FC", username="fc.spot2"))
        assert fc.post(url, json=check(note="仍未开门")).status_code == 201
        (flag,) = fc.get(f"{STAFF}/spot-checks/flagged").get_json()
        assert (flag["code"], flag["fails"], flag["plaqued"]) == (station.code, 2, True)
        assert [c["verdict"] for c in fc.get(url).get_json()] == ["fail", "fail"]
    days = app.config["SPOT_CHECK_PERIOD_DAYS"]
    with time_machine.travel(clock.now() + timedelta(days=days + 5), tick=False):
        fc = signed_in(fc.client, StaffFactory(role="district", district_code="FC", username="fc.spot3"))
        assert fc.get(f"{STAFF}/spot-checks/flagged").get_json() == []  # the first has left the period


def test_spot_checks_stay_in_the_district(apis):
    _, yx = apis
    station = StationFactory()
    assert_error(yx.post(f"{STAFF}/stations/{station.code}/spot-checks", json=check()), 404, "station_not_found")
    assert_error(yx.get(f"{STAFF}/stations/{station.code}/spot-checks"), 404, "station_not_found")


def test_the_checklist_must_name_every_item_once(apis):
    fc, _ = apis
    station = StationFactory()
    body = check()
    body["six_has"] = body["six_has"][:3]
    assert_error(fc.post(f"{STAFF}/stations/{station.code}/spot-checks", json=body), 422, "validation_error")
