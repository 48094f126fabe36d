"""A small world of personal data made through the API, the reports computed over it, and a
search of every table for what points at a person — shared by the privacy tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from app.accounts.subscribe_message_models import SubscribeMessage
from app.core import clock as app_clock
from app.extensions import db
from app.signs.tokens import url_for_sign
from app.visits import rollups
from tests.conftest import Api, worker_signed_in
from tests.factories import StationFactory, WorkerFactory, make_keeper

MP = "/api/mp/v1"
STAFF = "/api/staff/v1"
ALWAYS = {"always_open": True, "weekly": []}
COMMENT = "厕所很干净，站长人很好"
KEEPER_PHONE = "13912345678"


def china(*args) -> datetime:
    return datetime(*args, tzinfo=app_clock.CHINA_TZ).astimezone(UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def at(self, moment: datetime) -> None:
        self.now = moment


@dataclass
class World:
    client: object
    clock: Clock
    stations: dict = field(default_factory=dict)
    workers: dict = field(default_factory=dict)

    def api(self, name: str) -> Api:
        return worker_signed_in(self.client, self.workers[name])

    def scan(self, name: str, station: str, at: datetime, *, location: dict | None = None, expect: int = 201, comment=None) -> dict:
        self.clock.at(at)
        body = {"scan": url_for_sign(self.stations[station]), "services": ["water"]}
        if location:
            body["location"] = location
        r = self.api(name).post(f"{MP}/checkins", json=body)
        assert r.status_code == expect, r.get_json()
        visit = r.get_json()
        if comment is not None and expect == 201:
            rated = self.api(name).post(f"{MP}/checkins/{visit['id']}/rating", json={"score": 4, "comment": comment})
            assert rated.status_code == 201, rated.get_json()
        return visit

    def near(self, station: str) -> dict:
        s = self.stations[station]
        return {"lat": float(s.lat) + 0.0005, "lng": float(s.lng)}


def make_world(client, clock) -> World:
    """Worker A (courier) over two years with comments and a located visit; worker B; a keeper of
    FC0101 with walk-ins. Times are China time."""
    w = World(client, clock)
    w.stations = {
        "FC1": StationFactory(code="FC0101", district_code="FC", opening_hours=ALWAYS, keeper_phone=KEEPER_PHONE),
        "FC2": StationFactory(code="FC0102", district_code="FC", opening_hours=ALWAYS),
        "YX1": StationFactory(code="YX0101", district_code="YX", opening_hours=ALWAYS),
    }
    w.workers = {"A": WorkerFactory(worker_group="courier"), "B": WorkerFactory(worker_group="sanitation")}
    w.scan("A", "FC1", china(2024, 3, 4, 9, 0), comment=COMMENT)
    w.scan("A", "FC2", china(2024, 12, 30, 9, 0))
    w.scan("A", "FC1", china(2025, 1, 2, 9, 0))  # same ISO week as 2024-12-30
    w.scan("A", "YX1", china(2025, 7, 1, 9, 0), comment="水很热")
    w.scan("A", "FC1", china(2026, 5, 20, 9, 0), location=w.near("FC1"), comment="好")
    w.scan("B", "FC2", china(2024, 5, 5, 9, 0))
    w.scan("B", "FC1", china(2026, 5, 21, 9, 0))
    # A subscribe message waiting for A (app/accounts/subscribe_messages.py), naming them in its data.
    db.session.add(
        SubscribeMessage(worker_id=w.workers["A"].id, template="reminder", data={"who": w.workers["A"].openid}, send_at=clock.now)
    )
    db.session.commit()
    keeper = make_keeper(w.stations["FC1"])
    w.workers["K"] = keeper.worker
    clock.at(china(2026, 5, 22, 10, 0))
    r = w.api("K").post(f"{MP}/keeper/stations/FC0101/walk-ins", json={"date": "2026-05-21", "count": 4})
    assert r.status_code == 201, r.get_json()
    clock.at(china(2026, 6, 1, 10, 0))
    return w


# --- every report ---------------------------------------------------------------------------------

REPORT_CALLS = [
    *[
        ("/reports/visits", {"from": "2024-01-01", "to": "2026-12-31", "group_by": g, "period": p})
        for g in ("city", "district", "station")
        for p in ("month", "quarter", "year")
    ],
    ("/reports/visits", {"from": "2024-12-01", "to": "2025-01-31", "group_by": "city", "period": "week"}),
    ("/reports/visits", {"from": "2026-05-01", "to": "2026-05-31", "group_by": "station", "period": "day"}),
    ("/reports/visits/pattern", {"from": "2025-06-01", "to": "2026-06-01"}),
    ("/reports/satisfaction", {"from": "2024-01-01", "to": "2026-12-31", "group_by": "station"}),
    ("/reports/quarterly", {"year": 2025}),
    ("/reports/quality", {}),
]


def reports(city_api: Api) -> dict:
    """Every report's body, and whether the rollups equal raw. The quality evaluation is a report
    of *now* as well as of the past: a station whose only keeper closed their account has no
    active keeper any more (as if staff had revoked the binding), so of it the counts are kept —
    every station's details but `keeper_active` — and the keepers apart (`keepers_active`)."""
    out = {}
    for path, params in REPORT_CALLS:
        r = city_api.get(f"{STAFF}{path}", query_string=params)
        assert r.status_code == 200, (path, r.get_json())
        body = r.get_json()
        if path == "/reports/quality":
            out["keepers_active"] = {s["code"]: s["details"].pop("keeper_active") for s in body["stations"]}
            body = {s["code"]: s["details"] for s in body["stations"]}
        out[(path, tuple(sorted(params.items())))] = body
    out["verify"] = [d for d in rollups.verify()]
    return out


# --- what points at a person ----------------------------------------------------------------------

_TEXT_TYPES = ("character varying", "text", "jsonb", "json")


def traces(openid: str, worker_id: int) -> list[tuple[str, str]]:
    """(table, column) of every value anywhere in the database that holds the openid, or that
    names the worker's internal id: a column referencing workers.id, a `worker_id` column, or a
    `worker_id` key in a JSON column."""
    columns = db.session.execute(
        sa.text(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema"
            " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        )
    ).all()
    referencing = set(
        db.session.execute(
            sa.text(
                "SELECT kcu.table_name, kcu.column_name FROM information_schema.referential_constraints rc"
                " JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name"
                " JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name"
                " WHERE ccu.table_name = 'workers' AND ccu.column_name = 'id'"
            )
        ).all()
    )
    found = []
    for table, column, data_type in columns:
        checks = []
        if data_type in _TEXT_TYPES:
            checks.append(f'CAST("{column}" AS TEXT) LIKE :like')
        if data_type in ("jsonb", "json"):
            checks.append(f"""CAST("{column}" AS JSONB) @? '$.** ? (@.worker_id == {int(worker_id)})'""")
        if (table, column) in referencing or column == "worker_id" or (table == "workers" and column == "id"):
            checks.append(f'CAST("{column}" AS TEXT) = :wid')
        for check in checks:
            params = {"like": f"%{openid}%", "wid": str(worker_id)}
            hits = db.session.scalar(sa.text(f'SELECT count(*) FROM "{table}" WHERE {check}'), params)
            if hits:
                found.append((table, column))
    return found
