"""Recording a spot check (暗访) and the flag it raises: a station failing
SPOT_CHECK_FAILS_FOR_REVIEW checks within SPOT_CHECK_PERIOD_DAYS is flagged for review of its
plaque or demonstration status. Staff record checks in their district; city staff anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts import audit
from app.accounts.actor import Actor
from app.core import clock, files
from app.extensions import db
from app.registry.models import Station
from app.registry.stations import get_station
from app.spot_checks.models import FAIL, SpotCheck


def record(actor: Actor, code: str, data: dict, photos: list[bytes] = ()) -> SpotCheck:
    station = get_station(actor, code)
    keys = [files.save_upload(photo, kind="photo", prefix="spot-checks").key for photo in photos]
    check = SpotCheck(
        station_id=station.id,
        district_code=station.district_code,
        staff_id=actor.staff.id if actor.staff else None,
        checked_at=data.get("checked_at") or clock.now(),
        open_as_posted=data["open_as_posted"],
        six_has=[{"item": i["item"], "passed": i["passed"]} for i in data["six_has"]],
        supplies_in_date=data["supplies_in_date"],
        clean=data["clean"],
        verdict=data["verdict"],
        note=data.get("note"),
        photo_keys=keys,
    )
    db.session.add(check)
    db.session.flush()
    audit.record(
        actor, "spot_check.record", "station", station.code, district_code=station.district_code,
        after={"spot_check_id": check.id, "verdict": check.verdict},
    )  # fmt: skip
    db.session.commit()
    return check


def station_checks(actor: Actor, code: str) -> list[SpotCheck]:
    station = get_station(actor, code)
    query = sa.select(SpotCheck).where(SpotCheck.station_id == station.id).order_by(SpotCheck.checked_at.desc()).limit(100)
    return list(db.session.scalars(query))


def period_start(now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(days=current_app.config["SPOT_CHECK_PERIOD_DAYS"])


@dataclass(frozen=True)
class Flag:
    code: str
    name: str
    district_code: str
    fails: int
    last_failed_at: datetime
    plaqued: bool
    demonstration: bool


def failures_since(since: datetime, station_ids=None) -> dict[int, tuple[int, datetime]]:
    """Station id -> (failed checks since, the last one's time)."""
    query = (
        sa.select(SpotCheck.station_id, sa.func.count(), sa.func.max(SpotCheck.checked_at))
        .where(SpotCheck.verdict == FAIL, SpotCheck.checked_at >= since)
        .group_by(SpotCheck.station_id)
    )
    if station_ids is not None:
        query = query.where(SpotCheck.station_id.in_(station_ids))
    return {station_id: (count, last) for station_id, count, last in db.session.execute(query)}


def flagged(actor: Actor) -> list[Flag]:
    """Stations in the actor's reach that failed enough recent checks to be reviewed."""
    threshold = current_app.config["SPOT_CHECK_FAILS_FOR_REVIEW"]
    failing = {sid: v for sid, v in failures_since(period_start()).items() if v[0] >= threshold}
    if not failing:
        return []
    query = sa.select(Station).where(Station.id.in_(failing)).order_by(Station.code)
    if not actor.is_city:
        query = query.where(Station.district_code == actor.district_code)
    return [
        Flag(s.code, s.name, s.district_code, failing[s.id][0], failing[s.id][1], s.status == "plaqued", bool(s.demonstration))
        for s in db.session.scalars(query)
    ]
