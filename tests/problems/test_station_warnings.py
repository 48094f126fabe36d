"""Other workers see an open "locked" or "no water" report, with its age, on nearby and the
station page beside the keeper's own status — never who reported it or what they wrote; the
warning goes once the keeper says it is fixed. Other kinds are not shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from app.core import clock
from tests.problems.helpers import MP, make_people


@pytest.fixture
def people(client, wx, app_ctx):
    return make_people(client, wx)


def warnings_seen(api, station):
    detail = api.get(f"{MP}/stations/{station.code}").get_json()["warnings"]
    near = api.get(f"{MP}/stations/nearby", query_string={"lat": station.lat, "lng": station.lng}).get_json()["items"]
    (item,) = [i for i in near if i["code"] == station.code]
    return detail, item["warnings"]


def test_open_locked_and_no_water_reports_warn_others(people):
    station = people.station
    locked = people.reporter.post(f"{MP}/stations/{station.code}/problems", json={"kind": "locked", "text": "锁门了"}).get_json()
    people.second.post(f"{MP}/stations/{station.code}/problems", json={"kind": "locked"})
    people.second.post(f"{MP}/stations/{station.code}/problems", json={"kind": "dirty"})  # not a warning
    with time_machine.travel(clock.now() + timedelta(minutes=90), tick=False):
        detail, near = warnings_seen(people.second, station)
    assert detail == near
    (warning,) = detail
    assert (warning["kind"], warning["kind_name"], warning["reporters"], warning["age_minutes"]) == (
        "locked",
        "开放时间内锁门或关闭",
        2,
        90,
    )
    assert "锁门了" not in str(detail)
    people.keeper.post(f"{MP}/keeper/stations/{station.code}/tickets/{locked['id']}/fixed", json={})
    assert warnings_seen(people.second, station) == ([], [])
