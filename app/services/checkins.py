"""Check-in: the service headcount (服务人次). DESIGN.md's rules, exactly:

- one visit is one check-in by one worker at one station; scans by the same worker at the same
  station within the dedupe window are the same visit, and the existing check-in is returned;
- the scan must carry the signature of the station's current sign;
- a check-in with a location further than the geofence radius is refused; without one it is
  accepted and marked unlocated.

The database enforces "one visit per window" (a unique constraint on the window's bucket, and on
PostgreSQL a transaction lock per worker and station), so it holds across gunicorn workers and
with Redis down."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.models import CheckIn, IdempotencyRecord, Station, StationStatus, Worker
from app.models.base import utcnow
from app.models.station import STATUS_PLANNED
from app.models.visit import SOURCE_SCAN
from app.services import live_status, rollups, sign_tokens
from app.services.geo import distance_m, to_gcj02
from app.services.opening_hours import describe, is_open_at
from app.services.pagination import Page, paginate

SERVICES = ("water", "hot_water", "toilet", "rest", "heat_meal", "charge_phone", "first_aid", "other")


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    created: bool  # a new visit (201), or the visit this scan belongs to (200)


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["CHECKIN_DEDUPE_MINUTES"])


def _bucket(moment: datetime) -> int:
    return int(moment.timestamp() // _window().total_seconds())


def _fingerprint(scan: str, services: list[str], location: dict | None) -> str:
    body = json.dumps({"scan": scan, "services": sorted(services), "location": location}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def check_in(
    worker: Worker, *, scan: str, services: list[str], location: dict | None = None, idempotency_key: str | None = None
) -> CheckInResult:
    fingerprint = _fingerprint(scan, services, location)
    if idempotency_key:
        replay = _replay(worker, idempotency_key, fingerprint)
        if replay:
            return replay
    station, status = _scanned_station(scan)
    if station.status == STATUS_PLANNED:
        raise Conflict("该站点尚未建成投入使用，暂不能签到", code="station_not_in_service")
    now = utcnow()
    _require_open(station, status, now)
    lat, lng, distance = _locate(station, location)
    result = _record_visit(worker, station, now, services, lat, lng, distance)
    if idempotency_key:
        result = _remember(worker, idempotency_key, fingerprint, result)
    db.session.commit()
    return result


def _scanned_station(scan: str) -> tuple[Station, StationStatus | None]:
    """The scanned station, verified, with its keepers' status row: one query on the hot path."""
    ref = sign_tokens.parse_scan(scan)
    row = db.session.execute(
        sa.select(Station, StationStatus).outerjoin(StationStatus, StationStatus.station_id == Station.id).where(Station.code == ref.code)
    ).first()
    station = sign_tokens.verify(ref, row[0] if row else None)
    return station, row[1]


def _require_open(station: Station, status: StationStatus | None, now: datetime) -> None:
    live = live_status.for_row(status, now)
    if live.closed_temporarily:
        reason = live.station.reason or "临时关闭"
        raise Conflict(f"该站点临时关闭（{reason}），暂不能签到", code="station_closed_temporarily")
    if not is_open_at(station.opening_hours, now):
        raise Conflict(f"该站点现在不开放（开放时间：{describe(station.opening_hours)}）", code="station_not_open")


def _locate(station: Station, location: dict | None) -> tuple[float | None, float | None, float | None]:
    if not location:
        return None, None, None
    lat, lng = to_gcj02(location["lat"], location["lng"], location.get("datum", "gcj02"))
    distance = distance_m(lat, lng, station.lat, station.lng)
    limit = current_app.config["CHECKIN_GEOFENCE_M"]
    if distance > limit:
        raise Forbidden(
            f"您距离该站点约 {round(distance)} 米，需在 {limit} 米内签到",
            code="too_far",
            details={"distance_m": round(distance), "limit_m": limit},
        )
    return lat, lng, distance


def _lock(worker: Worker, station: Station) -> None:
    """Serialise concurrent check-ins of one worker at one station (PostgreSQL; SQLite already
    serialises writers). Released with the transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"checkin:{worker.id}:{station.id}".encode())
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _current_visit(worker: Worker, station: Station, now: datetime) -> CheckIn | None:
    return db.session.scalar(
        sa.select(CheckIn)
        .where(CheckIn.worker_id == worker.id, CheckIn.station_id == station.id, CheckIn.checked_in_at > now - _window())
        .order_by(CheckIn.checked_in_at.desc())
        .limit(1)
    )


def _record_visit(worker, station, now, services, lat, lng, distance) -> CheckInResult:
    _lock(worker, station)
    values = {
        "station_id": station.id,
        "worker_id": worker.id,
        "source": SOURCE_SCAN,
        "checked_in_at": now,
        "dedupe_bucket": _bucket(now),
        "services": sorted(set(services)),
        "lat": lat,
        "lng": lng,
        "distance_m": distance,
        "worker_group": worker.worker_group,
        "headcount": 1,
    }
    try:
        visit_id = db.session.scalar(_insert_unless_recent(values, now))
    except IntegrityError:
        # Another request of the same worker won the same window a moment ago (SQLite; on
        # PostgreSQL the lock above already ordered us): that one is the visit. Nothing else
        # was written in this transaction, so rolling it back loses nothing.
        db.session.rollback()
        visit_id = None
    if visit_id is None:
        return CheckInResult(_current_visit(worker, station, now), created=False)
    # Core, not the unit of work: the hot path's one write. The object only carries the answer.
    visit = CheckIn(id=visit_id, **values)
    visit.station = station
    rollups.record_visit(visit, station)  # the reports' counts, in this same transaction
    return CheckInResult(visit, created=True)


def _insert_unless_recent(values: dict, now: datetime) -> sa.Insert:
    """INSERT … SELECT … WHERE NOT EXISTS (a visit of this worker here within the window),
    RETURNING id: the look-back and the write in one statement, run after the lock."""
    columns = CheckIn.__table__.c
    recent = sa.select(CheckIn.id).where(
        CheckIn.worker_id == values["worker_id"],
        CheckIn.station_id == values["station_id"],
        CheckIn.checked_in_at > now - _window(),
    )
    row = sa.select(*(sa.literal(value, type_=columns[name].type) for name, value in values.items()))
    return sa.insert(CheckIn).from_select(list(values), row.where(~sa.exists(recent))).returning(CheckIn.id)


def _replay(worker: Worker, key: str, fingerprint: str) -> CheckInResult | None:
    record = db.session.scalar(sa.select(IdempotencyRecord).where(IdempotencyRecord.worker_id == worker.id, IdempotencyRecord.key == key))
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise InvalidInput("同一个 Idempotency-Key 不能用于不同的签到请求", code="idempotency_key_reused")
    return CheckInResult(db.session.get(CheckIn, record.checkin_id), created=record.status_code == 201)


def _remember(worker: Worker, key: str, fingerprint: str, result: CheckInResult) -> CheckInResult:
    record = IdempotencyRecord(
        worker_id=worker.id,
        key=key,
        request_hash=fingerprint,
        checkin_id=result.checkin.id,
        status_code=201 if result.created else 200,
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        # The same key raced us; its first answer is the answer.
        return _replay(worker, key, fingerprint) or result
    return result


def my_checkins(worker: Worker, page: int, per_page: int) -> Page:
    query = sa.select(CheckIn).where(CheckIn.worker_id == worker.id).order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc())
    return paginate(query, page, per_page)


def my_checkin(worker: Worker, checkin_id: int) -> CheckIn:
    visit = db.session.get(CheckIn, checkin_id)
    if visit is None or visit.worker_id != worker.id:
        raise NotFound("未找到该签到记录", code="checkin_not_found")
    return visit
