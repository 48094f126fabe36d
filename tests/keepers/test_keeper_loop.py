"""The keeper's whole loop over HTTP: staff issue a binding code, a keeper binds, posts live
status, a worker sees it, it goes stale, a temporary closure stops check-ins, walk-ins are
recorded, the summary counts them, and a revoked keeper can post nothing more."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.keepers.models import StationStatus
from app.signs import tokens as sign_tokens
from tests.conftest import worker_signed_in
from tests.factories import StationFactory, WorkerFactory

ALWAYS = {"always_open": True, "weekly": []}


def test_the_whole_keeper_loop(client, fc_api, app_ctx):
    station = StationFactory(opening_hours=ALWAYS, amenities=["drinking_water", "toilet", "rest_seats"])
    code = station.code
    keeper = worker_signed_in(client, WorkerFactory())
    visitor = worker_signed_in(client, WorkerFactory())

    issued = fc_api.post(f"/api/staff/v1/stations/{code}/keeper-codes")
    assert issued.status_code == 201, issued.get_json()
    bound = keeper.post("/api/mp/v1/keeper/bind", json={"code": issued.get_json()["code"]})
    assert bound.status_code == 201, bound.get_json()
    assert bound.get_json()["station"]["code"] == code

    posted = keeper.put(f"/api/mp/v1/keeper/stations/{code}/status", json={"water": "low", "rest_seats": 3, "toilet": "open"})
    assert posted.status_code == 200, posted.get_json()

    seen = visitor.get(f"/api/mp/v1/stations/{code}").get_json()["live_status"]
    assert seen["water"]["state"] == "low"
    assert (seen["rest_seats"]["state"], seen["rest_seats"]["seats_free"]) == ("available", 3)
    assert seen["toilet"]["state"] == "open" and seen["water"]["age_seconds"] <= 5

    # Seven hours later (past the 6 h freshness limit) the post reads unknown, with its time.
    row = db.session.get(StationStatus, station.id)
    old = clock.now() - timedelta(hours=7)
    row.water_at = row.toilet_at = row.rest_seats_at = old
    db.session.commit()
    stale = visitor.get(f"/api/mp/v1/stations/{code}").get_json()["live_status"]
    assert stale["water"]["state"] == "unknown" and stale["water"]["updated_at"] is not None

    until = (clock.now() + timedelta(hours=2)).isoformat()
    closed = keeper.put(
        f"/api/mp/v1/keeper/stations/{code}/status", json={"station": {"state": "closed_temporarily", "reason": "停水检修", "until": until}}
    )
    assert closed.status_code == 200, closed.get_json()
    assert visitor.get(f"/api/mp/v1/stations/{code}").get_json()["open_now"] is False
    refused = visitor.post("/api/mp/v1/checkins", json={"scan": sign_tokens.url_for_sign(station), "services": []})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "station_closed_temporarily")
    assert "停水检修" in refused.get_json()["error"]["message"]
    keeper.put(f"/api/mp/v1/keeper/stations/{code}/status", json={"station": {"state": "open"}})
    assert visitor.post("/api/mp/v1/checkins", json={"scan": sign_tokens.url_for_sign(station), "services": []}).status_code == 201

    walk_in = keeper.post(f"/api/mp/v1/keeper/stations/{code}/walk-ins", json={"date": clock.today().isoformat(), "count": 4})
    assert walk_in.status_code == 201, walk_in.get_json()

    today = keeper.get(f"/api/mp/v1/keeper/stations/{code}/summary").get_json()["today"]
    assert (today["scan"], today["manual"], today["total"], today["workers"]) == (1, 4, 5, 1)
    detail = visitor.get(f"/api/mp/v1/stations/{code}").get_json()["visits_today"]
    assert (detail["scan"], detail["manual"], detail["total"]) == (1, 4, 5)

    history = fc_api.get(f"/api/staff/v1/stations/{code}/status-history").get_json()
    assert history["total"] == 3

    keeper_id = bound.get_json()["keeper_id"]
    assert fc_api.post(f"/api/staff/v1/stations/{code}/keepers/{keeper_id}/revoke").status_code == 200
    after = keeper.put(f"/api/mp/v1/keeper/stations/{code}/status", json={"water": "out"})
    assert (after.status_code, after.get_json()["error"]["code"]) == (403, "not_a_keeper")
    assert db.session.scalar(sa.select(StationStatus.water).where(StationStatus.station_id == station.id)) == "low"
