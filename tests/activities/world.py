"""Care activities in the fuzzing and security world (tests/test_fuzz_api.py): at stations A, B
(涪城区) and C (游仙区) an activity under way with a gift, a care month, a recorded count, and
claims — the plain worker's and the keeper's at A, a stranger's at B and C."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.activities.models import Activity, Campaign, GiftClaim, RecordedCount
from app.core import clock, files
from app.extensions import db
from app.keepers.models import StationKeeper
from app.registry.models import Station

PLAN_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# What tests/test_security.py replaces in the owner's path for the keeper (its own claim).
KEEPER_CLAIM = 3


def furnish(stations: list[Station], plain_id: int, keeper_id: int, stranger_id: int) -> dict[str, list[int]]:
    now = clock.now()
    campaigns = {
        code: Campaign(
            district_code=code,
            year=now.year,
            theme=f"{code} 关爱服务月",
            starts_on=clock.today() - timedelta(days=3),
            ends_on=clock.today() + timedelta(days=3),
        )
        for code in ("FC", "YX")
    }
    db.session.add_all(campaigns.values())
    activities = []
    for station in stations:
        activity = Activity(
            district_code=station.district_code, kind="cooling", title=f"{station.code} 送清凉", campaign=campaigns[station.district_code],
            starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5), gift_name="清凉包", gift_stock=50, gift_remaining=48,
        )  # fmt: skip
        activity.stations = [station]
        activities.append(activity)
    plan = files.save_upload(PLAN_PDF, kind="plan", prefix="activity-plans")
    for activity in activities:
        activity.plan_file_key, activity.plan_file_type, activity.plan_file_size = plan.key, plan.content_type, plan.size
    db.session.add_all(activities)
    db.session.flush()
    claimants = [(0, plain_id), (1, stranger_id), (2, stranger_id), (0, keeper_id)]
    claims = [GiftClaim(activity_id=activities[i].id, worker_id=w, voucher=f"FUZZ{n:06d}") for n, (i, w) in enumerate(claimants)]
    counts = [
        RecordedCount(activity_id=a.id, station_id=s.id, headcount=3, recorded_by=_binding(s.id))
        for a, s in zip(activities, stations, strict=True)
    ]
    db.session.add_all([*claims, *counts])
    db.session.commit()
    return {
        "activity_id": [a.id for a in activities],
        "campaign_id": [campaigns["FC"].id, campaigns["FC"].id, campaigns["YX"].id],
        "claim_id": [c.id for c in claims],
        "count_id": [c.id for c in counts],
        "district": ["FC", "FC", "YX", "fc"],
    }


def _binding(station_id: int) -> int:
    return db.session.scalar(sa.select(StationKeeper.id).where(StationKeeper.station_id == station_id))


def plain_workers_voucher() -> dict:
    """A body that would succeed for the keeper of A: the voucher of a claim at A."""
    return {"voucher": "FUZZ000000"}


BODIES = {
    ("PATCH", "/api/staff/v1/activities/{activity_id}"): {"title": "改个名字"},
    ("POST", "/api/staff/v1/activities/{activity_id}/cancel"): {"reason": "天气原因"},
    ("PUT", "/api/staff/v1/activities/{activity_id}/plan-file"): {},
    ("PATCH", "/api/staff/v1/activity-campaigns/{campaign_id}"): {"theme": "新的主题"},
    ("POST", "/api/mp/v1/activities/{activity_id}/claims"): {"remind": False},
    ("POST", "/api/mp/v1/keeper/stations/{code}/handouts"): plain_workers_voucher,
    ("POST", "/api/mp/v1/keeper/stations/{code}/activities/{activity_id}/counts"): {"count": 2},
    ("POST", "/api/mp/v1/keeper/stations/{code}/activities/{activity_id}/counts/{count_id}/corrections"): {"count": 7},
}
# Any worker may see any station's activities and claim any activity: no owner to refuse.
OPEN_TO_EVERY_WORKER = {
    ("GET", "/api/mp/v1/stations/{code}/activities"),
    ("GET", "/api/mp/v1/activities/{activity_id}"),
    ("POST", "/api/mp/v1/activities/{activity_id}/claims"),
}


# --- for tests/keepers/test_keeper_scope.py: what must exist at a station for each endpoint ---


def _activity_here(station: Station) -> Activity:
    now = clock.now()
    activity = Activity(
        district_code=station.district_code, kind="cooling", title="送清凉", starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3), gift_name="清凉包", gift_stock=20, gift_remaining=20,
    )  # fmt: skip
    activity.stations = [station]
    db.session.add(activity)
    db.session.commit()
    return activity


def an_activity_here(station: Station, binding: StationKeeper) -> dict:
    return {"activity_id": _activity_here(station).id}


def a_count_here(station: Station, binding: StationKeeper) -> dict:
    activity = _activity_here(station)
    entry = RecordedCount(activity_id=activity.id, station_id=station.id, headcount=3, recorded_by=binding.id)
    db.session.add(entry)
    db.session.commit()
    return {"activity_id": activity.id, "count_id": entry.id}


def a_voucher_here(station: Station, binding: StationKeeper) -> dict:
    """A claim of an activity at the station; the body (`latest_voucher`) names it."""
    activity = _activity_here(station)
    worker_id = db.session.scalar(sa.select(sa.func.min(StationKeeper.worker_id)))
    db.session.add(GiftClaim(activity_id=activity.id, worker_id=worker_id, voucher=f"SCOPE{activity.id:05d}"))
    db.session.commit()
    return {}


def latest_voucher() -> dict:
    return {"voucher": db.session.scalar(sa.select(GiftClaim.voucher).order_by(GiftClaim.id.desc()).limit(1))}
