"""Nearby as one statement (app/services/nearby.py) answers exactly what the implementation before
it answered: `reference_nearby` below is that implementation, kept as the reference (the geo
index's hits, then the filters over ORM rows and their live status, page by page in Python).
A few hundred random searches over a few hundred random stations, through Redis and through the
database's bounding box, with needs, open now, pages and a small search maximum."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core import clock
from app.extensions import db, geo_index
from app.models import Station, StationStatus
from app.schemas.nearby_dump import dump_page
from app.services import live_status
from app.services import nearby as nearby_module
from app.services.nearby import NearbyPage, NearbyStation, offers
from app.services.station_view import is_open_now, summarise
from tests.factories import StationFactory

NOW = datetime(2026, 3, 4, 6, 30, tzinfo=UTC)  # 14:30 on a Wednesday in China
AMENITIES = ["drinking_water", "hot_water", "toilet", "rest_seats", "charging", "first_aid_kit", "heating_meals"]


def reference_nearby(lat, lng, *, radius_m=None, needs=None, open_now=False, page=1, per_page=20) -> NearbyPage:
    """app/services/nearby.nearby as it was before the one statement (commit 7f6fe5e)."""
    from flask import current_app

    from app.adapters.geo_index import IN_SERVICE

    config = current_app.config
    radius_m = radius_m or min(config["NEARBY_RADIUS_DEFAULT_M"], config["NEARBY_RADIUS_MAX_M"])
    needs = needs or []
    now = clock.now()
    hits = geo_index.nearest(lat, lng, radius_m, config["NEARBY_SEARCH_MAX"])
    page_slice = slice((page - 1) * per_page, page * per_page)

    def in_service(chosen):
        if not chosen:
            return {}
        query = sa.select(Station).where(Station.id.in_([h.station_id for h in chosen]), IN_SERVICE)
        return {station.id: station for station in db.session.scalars(query)}

    if needs or open_now:
        stations = in_service(hits)
        live = live_status.for_stations(stations.values(), now)

        def wanted(station, state):
            return offers(station, needs) and (not open_now or is_open_now(station, state, now))

        hits = [h for h in hits if h.station_id in stations and wanted(stations[h.station_id], live[h.station_id])]
        shown = hits[page_slice]
    else:
        shown = hits[page_slice]
        stations = in_service(shown)
        live = live_status.for_stations(stations.values(), now)
    items = [
        NearbyStation(**summarise(stations[h.station_id], live[h.station_id], now), distance_m=round(h.distance_m))
        for h in shown
        if h.station_id in stations
    ]
    return NearbyPage(items=items, page=page, per_page=per_page, total=len(hits), radius_m=radius_m)


def _hours(rnd: random.Random) -> dict:
    if rnd.random() < 0.3:
        return {"always_open": True, "weekly": []}
    weekly = []
    for day in rnd.sample(range(1, 8), rnd.randint(0, 7)):
        start = rnd.randint(5, 14)
        weekly.append({"weekday": day, "open": f"{start:02d}:{rnd.choice(['00', '30'])}", "close": f"{rnd.randint(start + 1, 23):02d}:00"})
    return {"always_open": False, "weekly": weekly}


@pytest.fixture
def world(app_ctx, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    rnd = random.Random(2026_12_03)
    stations = []
    for n in range(320):
        stations.append(
            StationFactory.build(
                code=f"FC{7000 + n}",
                lat=rnd.uniform(31.40, 31.52),
                lng=rnd.uniform(104.68, 104.82),
                amenities=rnd.sample(AMENITIES, rnd.randint(0, 4)),
                opening_hours=_hours(rnd),
                status=rnd.choice(["built"] * 6 + ["plaqued"] * 2 + ["planned", "retired"]),
            )
        )
    for n, twin in enumerate(rnd.sample(stations, 25)):  # equally near: ordered by code
        stations.append(StationFactory.build(code=f"FC{7500 + n}", lat=twin.lat, lng=twin.lng, opening_hours={"always_open": True}))
    db.session.add_all(stations)
    db.session.flush()
    for station in rnd.sample(stations, 150):
        ago = timedelta(minutes=rnd.randint(1, 60 * 12))
        closed = rnd.random() < 0.3
        db.session.add(
            StationStatus(
                station_id=station.id,
                water=rnd.choice(["available", "low", "out", None]),
                water_at=NOW - ago,
                toilet=rnd.choice(["open", "cleaning", "closed"]),
                toilet_at=NOW - ago / 2,
                rest_seats=rnd.choice(["available", "full"]),
                seats_free=rnd.randint(0, 8),
                rest_seats_at=NOW - ago,
                station_state="closed_temporarily" if closed else rnd.choice(["open", None]),
                closure_reason="检修" if closed else None,
                closed_until=NOW + rnd.choice([-1, 1]) * timedelta(hours=2) if closed else None,
                station_state_at=NOW - ago,
                note=rnd.choice([None, "今天有热水"]),
                note_at=NOW - ago if rnd.random() < 0.5 else None,
            )
        )
    db.session.commit()
    searches = []
    for _ in range(300):
        searches.append(
            {
                "lat": rnd.uniform(31.38, 31.54),
                "lng": rnd.uniform(104.66, 104.84),
                "radius_m": rnd.choice([None, 300, 1000, 3000, 8000, 20000]),
                "needs": rnd.sample(["water", "toilet", "rest"], rnd.choice([0, 0, 1, 2, 3])),
                "open_now": rnd.random() < 0.4,
                "page": rnd.choice([1, 1, 1, 2, 3, 40]),
                "per_page": rnd.choice([5, 20, 50]),
            }
        )
    return searches


@pytest.mark.parametrize("path", ["redis", "bounding-box"])
def test_one_statement_answers_as_the_reference(app, world, path, monkeypatch):
    if path == "redis":
        assert geo_index.rebuild() is not None
    else:  # as after a Redis failure: both implementations answer from the database's box
        monkeypatch.setattr(geo_index, "_redis_paused_until", float("inf"))
    found = 0
    for n, search in enumerate(world):
        if n % 3 == 0:  # a small search maximum: the nearest few, filtered afterwards
            monkeypatch.setitem(app.config, "NEARBY_SEARCH_MAX", 15)
        else:
            monkeypatch.setitem(app.config, "NEARBY_SEARCH_MAX", 500)
        lat, lng = search["lat"], search["lng"]
        params = {k: v for k, v in search.items() if k not in ("lat", "lng")}
        expected = dump_page(reference_nearby(lat, lng, **params))
        assert dump_page(nearby_module.nearby(lat, lng, **params)) == expected, search
        found += len(expected["items"])
    assert found > 1000  # the searches found plenty, not just empty pages
