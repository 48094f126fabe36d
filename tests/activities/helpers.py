"""Shared steps of the activities tests: an activity through the staff API, a keeper bound to a
station, a worker's claim through the mini-program API."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core import clock
from tests.conftest import worker_signed_in
from tests.factories import WorkerFactory, make_keeper

STAFF = "/api/staff/v1"
MP = "/api/mp/v1"


def iso(moment: datetime) -> str:
    return moment.isoformat()


def activity_body(stations: list[str], *, starts_in=timedelta(hours=3), lasts=timedelta(hours=4), **fields) -> dict:
    start = clock.now() + starts_in
    return {
        "kind": "cooling",
        "title": "送清凉进站点",
        "description": "为环卫工人送清凉包",
        "stations": stations,
        "starts_at": iso(start),
        "ends_at": iso(start + lasts),
        "worker_groups": ["sanitation", "courier"],
        "host_unit": "涪城区环卫所",
        "budget": {"union": "1.50", "government": "0.80", "other": "0.20"},
        "gift": {"name": "清凉包", "stock": 300},
        **fields,
    }


def create_activity(staff_api, stations: list[str], **fields) -> dict:
    answer = staff_api.post(f"{STAFF}/activities", json=activity_body(stations, **fields))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def keeper_api(client, station):
    keeper = WorkerFactory()
    make_keeper(station, keeper)
    return worker_signed_in(client, keeper)


def new_worker(client):
    return worker_signed_in(client, WorkerFactory())


def claim(worker_api, activity_id: int, **body):
    return worker_api.post(f"{MP}/activities/{activity_id}/claims", json=body)
