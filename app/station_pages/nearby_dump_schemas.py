"""The nearby page as JSON-ready dicts, written out by hand.

Why: nearby is the mini-program's busiest list. Each station is eleven nested objects, and
marshmallow spent about 40 % of the endpoint's CPU dumping a 20-station page. NearbyPageOut
stays the documented contract. tests/station_pages/test_nearby.py checks that this gives exactly what
NearbyPageOut().dump gives, and the fuzz tests validate every answer against the document."""

from __future__ import annotations

from datetime import datetime

from app.station_pages.live_status import LiveStatus, NoteStatus, PartStatus
from app.station_pages.nearby import NearbyPage, NearbyStation


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _part(part: PartStatus) -> dict:
    return {"state": part.state, "updated_at": _iso(part.updated_at), "age_seconds": part.age_seconds}


def _note(note: NoteStatus) -> dict:
    return {"text": note.text, "updated_at": _iso(note.updated_at), "age_seconds": note.age_seconds}


def _live(live: LiveStatus) -> dict:
    return {
        "water": _part(live.water),
        "toilet": _part(live.toilet),
        "rest_seats": {**_part(live.rest_seats), "seats_free": live.rest_seats.seats_free},
        "station": {**_part(live.station), "reason": live.station.reason, "until": _iso(live.station.until)},
        "note": _note(live.note),
    }


def _station(item: NearbyStation) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "district": {"code": item.district.code, "name": item.district.name},
        "address": item.address,
        "lat": float(item.lat),
        "lng": float(item.lng),
        "datum": item.datum,
        "amenities": [{"code": a.code, "name": a.name} for a in item.amenities],
        "amenities_other": item.amenities_other,
        "opening_hours_text": item.opening_hours_text,
        "open_now": bool(item.open_now),
        "live_status": _live(item.live_status),
        "warnings": [
            {"kind": w.kind, "kind_name": w.kind_name, "since": _iso(w.since), "age_minutes": w.age_minutes, "reporters": w.reporters}
            for w in item.warnings
        ],
        "distance_m": int(item.distance_m),
    }


def dump_page(page: NearbyPage) -> dict:
    return {
        "items": [_station(item) for item in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
        "radius_m": page.radius_m,
    }
