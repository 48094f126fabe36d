"""The stations on the staff console's map: a few plain facts per station (GCJ-02), scoped
like every station list, at most a configured number of them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.accounts.actor import Actor
from app.extensions import db
from app.registry.models import Station
from app.registry.stations import scoped_query


@dataclass(frozen=True)
class MapPoints:
    points: list[dict]
    total: int  # how many stations match; more than len(points) when the map is capped


def map_points(actor: Actor, *, district: str | None = None, status: str | None = None) -> MapPoints:
    query = scoped_query(actor).order_by(Station.code)
    if district:
        query = query.where(Station.district_code == district)
    if status:
        query = query.where(Station.status == status)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    columns = query.with_only_columns(Station.code, Station.name, Station.address, Station.status, Station.lat, Station.lng)
    rows = db.session.execute(columns.limit(current_app.config["CONSOLE_MAP_MAX_POINTS"]))
    points = [
        {"code": code, "name": name, "address": address, "status": status, "lat": lat, "lng": lng}
        for code, name, address, status, lat, lng in rows
    ]
    return MapPoints(points=points, total=total)
