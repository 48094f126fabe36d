"""Check-in: the service headcount (服务人次). DESIGN.md's rules, exactly:

- one visit is one check-in by one worker at one station; scans by the same worker at the same
  station within the dedupe window are the same visit, and the existing check-in is returned;
- the scan must carry the signature of the station's current sign;
- a check-in with a location further than the geofence radius is refused; without one it is
  accepted and marked unlocated.

The database enforces "one visit per window" (a unique constraint on the window's bucket, and on
PostgreSQL a lock on the worker's row for the transaction), so it holds across gunicorn workers
and with Redis down."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.core import clock
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.models import CheckIn, IdempotencyRecord, Station, StationStatus, Worker
from app.models.station import STATUS_PLANNED
from app.models.visit import SOURCE_SCAN
from app.services import live_status, rollups, sign_tokens
from app.services.geo import distance_m, to_gcj02
from app.services.opening_hours import describe, is_open_at
from app.services.pagination import Page, paginate
from app.services.workers import WorkerGone

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
    worker_id: int,
    *,
    scan: str,
    services: list[str],
    location: dict | None = None,
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> CheckInResult:
    """The signed-in worker (by id: the token was verified without reading the row) checks in.

    `at`: the instant of the scan, for a caller replaying past ones (the demo data, in time
    order: the dedupe look-back and the rollups' "first visit" assume no later visit exists);
    the API always checks in now."""
    fingerprint = _fingerprint(scan, services, location)
    if idempotency_key:
        replay = _replay(worker_id, idempotency_key, fingerprint)
        if replay:
            return replay
    station, status = _scanned_station(scan)
    if station.status == STATUS_PLANNED:
        raise Conflict("该站点尚未建成投入使用，暂不能签到", code="station_not_in_service")
    now = at or clock.now()
    _require_open(station, status, now)
    lat, lng, distance = _locate(station, location)
    result = _record_visit(worker_id, station, now, services, lat, lng, distance)
    if idempotency_key:
        result = _remember(worker_id, idempotency_key, fingerprint, result)
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


def _lock_worker(worker_id: int) -> str | None:
    """Lock the worker's row until the transaction ends and read their group.

    The lock serialises a worker's concurrent check-ins (the dedupe look-back and the rollups'
    "first visit of the period" both rely on it) without blocking anyone else; FOR NO KEY UPDATE
    does not conflict with the foreign keys of rows being inserted. SQLite serialises writers and
    has no row locks. A worker deleted since their token was issued is signed out."""
    query = sa.select(Worker.worker_group).where(Worker.id == worker_id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(key_share=True)  # FOR NO KEY UPDATE
    row = db.session.execute(query).first()
    if row is None:
        raise WorkerGone()
    return row[0]


def _current_visit(worker_id: int, station: Station, now: datetime) -> CheckIn | None:
    return db.session.scalar(
        sa.select(CheckIn)
        .where(CheckIn.worker_id == worker_id, CheckIn.station_id == station.id, CheckIn.checked_in_at > now - _window())
        .order_by(CheckIn.checked_in_at.desc())
        .limit(1)
    )


def _record_visit(worker_id, station, now, services, lat, lng, distance) -> CheckInResult:
    worker_group = _lock_worker(worker_id)
    values = {
        "station_id": station.id,
        "worker_id": worker_id,
        "source": SOURCE_SCAN,
        "checked_in_at": now,
        "dedupe_bucket": _bucket(now),
        "services": sorted(set(services)),
        "lat": lat,
        "lng": lng,
        "distance_m": distance,
        "worker_group": worker_group,
        "headcount": 1,
    }
    try:
        visit_id = _insert_unless_recent(values, now)
    except IntegrityError:
        # Another request of the same worker won the same window a moment ago (SQLite; on
        # PostgreSQL the lock above already ordered us): that one is the visit. Nothing else
        # was written in this transaction, so rolling it back loses nothing.
        db.session.rollback()
        visit_id = None
    if visit_id is None:
        return CheckInResult(_current_visit(worker_id, station, now), created=False)
    # Core, not the unit of work: the hot path's one write. The object only carries the answer.
    visit = CheckIn(id=visit_id, **values)
    visit.station = station
    rollups.record_visit(visit, station)  # the reports' counts, in this same transaction
    return CheckInResult(visit, created=True)


@functools.cache
def _insert_unless_recent_sql(names: tuple[str, ...]) -> sa.TextClause:
    """INSERT … SELECT … WHERE NOT EXISTS (a visit of this worker here within the window),
    RETURNING id: the look-back and the write in one statement, run under the worker's lock.
    Fixed text, so the hot path compiles nothing per request."""
    columns = CheckIn.__table__.c
    sql = (
        f"INSERT INTO checkins ({', '.join(names)}) SELECT {', '.join(':' + n for n in names)} WHERE NOT EXISTS ("
        "SELECT 1 FROM checkins WHERE worker_id = :worker_id AND station_id = :station_id AND checked_in_at > :since"
        ") RETURNING id"
    )
    types = [sa.bindparam(n, type_=columns[n].type) for n in names]
    return sa.text(sql).bindparams(*types, sa.bindparam("since", type_=columns["checked_in_at"].type))


def _insert_unless_recent(values: dict, now: datetime) -> int | None:
    statement = _insert_unless_recent_sql(tuple(values))
    return db.session.scalar(statement, {**values, "since": now - _window()})


def _replay(worker_id: int, key: str, fingerprint: str) -> CheckInResult | None:
    record = db.session.scalar(sa.select(IdempotencyRecord).where(IdempotencyRecord.worker_id == worker_id, IdempotencyRecord.key == key))
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise InvalidInput("同一个 Idempotency-Key 不能用于不同的签到请求", code="idempotency_key_reused")
    return CheckInResult(db.session.get(CheckIn, record.checkin_id), created=record.status_code == 201)


def _remember(worker_id: int, key: str, fingerprint: str, result: CheckInResult) -> CheckInResult:
    record = IdempotencyRecord(
        worker_id=worker_id,
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
        return _replay(worker_id, key, fingerprint) or result
    return result


def my_checkins(worker: Worker, page: int, per_page: int) -> Page:
    query = sa.select(CheckIn).where(CheckIn.worker_id == worker.id).order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc())
    return paginate(query, page, per_page)


def my_checkin(worker: Worker, checkin_id: int) -> CheckIn:
    visit = db.session.get(CheckIn, checkin_id)
    if visit is None or visit.worker_id != worker.id:
        raise NotFound("未找到该签到记录", code="checkin_not_found")
    return visit
