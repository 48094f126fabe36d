"""The demo's care activities (附件5), so `make run` shows them: in 涪城区 and 游仙区 a yearly
plan, a care month around today, and activities — one ended last week with people recorded,
one under way at the demo station with a gift (the demo worker has claimed it: a voucher for
the demo keeper to hand out), one in three days with 300 清凉包, one across the district.
Idempotent: nothing is added when activities exist."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts import workers
from app.accounts.actor import CLI_ACTOR
from app.activities import activities, campaigns, claims, handouts, plans
from app.activities.models import Activity
from app.core import clock
from app.extensions import db
from app.keepers.models import StationKeeper
from app.reference import data as ref
from app.registry.models import STATUS_BUILT, STATUS_PLAQUED, Station

DISTRICTS = ("FC", "YX")
DEMO_WORKER_OPENID = "o-demo-worker"


def load_demo_care_activities() -> dict:
    if db.session.scalar(sa.select(sa.exists().where(Activity.id.isnot(None)))):
        return {"activities": 0}
    now, today = clock.now(), clock.today()
    year = today.year
    first, last = (
        max(today - timedelta(days=10), today.replace(month=1, day=1)),
        min(today + timedelta(days=20), today.replace(month=12, day=31)),
    )
    made = 0
    for district in DISTRICTS:
        stations = list(
            db.session.scalars(
                sa.select(Station)
                .where(Station.district_code == district, Station.status.in_((STATUS_BUILT, STATUS_PLAQUED)))
                .order_by(Station.code)
            )
        )
        if not stations:
            continue
        targets = [{"quarter": q, "kind": kind, "target": 1} for q in range(1, 5) for kind in ref.codes(ref.CARE_ACTIVITY_KINDS)[:3]]
        plans.set_plan(CLI_ACTOR, district, year, targets)
        month = campaigns.create_campaign(
            CLI_ACTOR,
            {
                "district": district,
                "theme": "环卫工人站点关爱服务月",
                "starts_on": first,
                "ends_on": last,
                "worker_groups": ["sanitation"],
            },
        )
        codes = [s.code for s in stations]
        common = {"district": district, "worker_groups": ["sanitation", "courier"], "host_unit": stations[0].host_unit}
        past = activities.create_activity(
            CLI_ACTOR,
            {
                **common,
                "kind": "health",
                "title": "义诊进驿站",
                "stations": codes[:1],
                "starts_at": now - timedelta(days=7),
                "ends_at": now - timedelta(days=7) + timedelta(hours=3),
                "budget": {"union": "0.50"},
            },
        )
        live = activities.create_activity(
            CLI_ACTOR,
            {
                **common,
                "kind": "cooling",
                "title": "送清凉：清凉包现场领取",
                "stations": codes[:1],
                "starts_at": now - timedelta(hours=1),
                "ends_at": now + timedelta(days=2),
                "campaign_id": month.id if clock.china_date(now + timedelta(days=6)) <= last else None,
                "budget": {"union": "1.20", "government": "0.50"},
                "gift": {"name": "清凉包", "stock": 120},
            },
        )
        activities.create_activity(
            CLI_ACTOR,
            {
                **common,
                "kind": "cooling",
                "title": "夏日送清凉",
                "stations": codes,
                "starts_at": now + timedelta(days=3),
                "ends_at": now + timedelta(days=3, hours=4),
                "campaign_id": month.id if clock.china_date(now + timedelta(days=6)) <= last else None,
                "budget": {"union": "2.00", "other": "0.30"},
                "gift": {"name": "清凉包", "stock": 300},
            },
        )
        activities.create_activity(
            CLI_ACTOR,
            {
                **common,
                "kind": "policy",
                "title": "根治欠薪政策宣传",
                "whole_district": True,
                "starts_at": now + timedelta(days=5),
                "ends_at": now + timedelta(days=5, hours=2),
                "campaign_id": month.id if clock.china_date(now + timedelta(days=6)) <= last else None,
            },
        )
        made += 4
        _record(stations[0], past.id, 14)
        _record(stations[0], live.id, 6)
        if district == "FC":
            claims.claim(workers.worker_for_openid(DEMO_WORKER_OPENID), live.id)
    return {"activities": made}


def _record(station: Station, activity_id: int, count: int) -> None:
    """People without a phone, recorded by the station's keeper (when it has one)."""
    binding = db.session.scalar(
        sa.select(StationKeeper).where(StationKeeper.station_id == station.id, StationKeeper.revoked_at.is_(None)).limit(1)
    )
    if binding is None:
        return
    activity = db.session.get(Activity, activity_id)
    if activity.starts_at <= clock.now():
        handouts.record_count(binding, activity_id, count=count, note="演示：现场登记")
