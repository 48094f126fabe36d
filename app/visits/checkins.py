"""Check-in: the service headcount (服务人次). docs/semantics.md's rules, exactly:

- one visit is one check-in by one worker at one station; scans by the same worker at the same
  station within the dedupe window are the same visit, and the existing check-in is returned;
- the scan must carry the signature of the station's current sign;
- a check-in with a location further than the geofence radius is refused; without one it is
  accepted and marked unlocated;
- a location is used only with the worker's live consent to `location` under the latest privacy
  notice (app/privacy), and only its distance from the station is kept, never the coordinates.

The hot path is one database round trip: the sign's signature is checked here (it needs no
database), and everything that needs the database is one call of the function yizhan_check_in
(migrations/versions/e9c0ffee0005_check_in_function.py) on a plain connection, as its own
transaction: the idempotency look-up, the station with its current sign, status, keepers'
closure and hours as of `now`, the geofence, a lock on the worker's row, the visit unless one lies
within the window (and the unique constraint on the window's bucket behind it), its rollups and
the idempotency record. So a re-issued sign, a retired station or a closure applies at once, and
"one visit per window" holds across gunicorn workers and with Redis down. The instant is the
app's clock (`clock.now()`), passed in: never the database server's."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
import sqlalchemy as sa
from flask import current_app
from psycopg.types.json import Jsonb

from app.accounts.worker_models import Worker
from app.accounts.workers import WorkerGone
from app.core import clock, error_codes
from app.core.errors import Conflict, Forbidden, InvalidInput
from app.core.geo import to_gcj02
from app.core.opening_hours import describe
from app.core.pagination import Page, paginate
from app.extensions import plain_db
from app.signs import tokens as sign_tokens
from app.visits.models import SOURCE_SCAN, CheckIn

SERVICES = ("water", "hot_water", "toilet", "rest", "heat_meal", "charge_phone", "first_aid", "other")


@dataclass(frozen=True)
class CheckInAnswer:
    """What a check-in answers: the visit (new, or the one this scan belongs to)."""

    id: int
    station_code: str
    station_name: str
    checked_in_at: datetime
    services: list[str]
    located: bool
    distance_m: float | None
    created: bool  # a new visit (201), or the visit this scan belongs to (200)
    source: str = SOURCE_SCAN

    def as_json(self) -> dict:
        """The body CheckInResultOut would dump, written directly (the hot path skips the schema
        machinery; tests/visits/test_checkins.py holds the two equal)."""
        return {
            "id": self.id,
            "station": {"code": self.station_code, "name": self.station_name},
            "source": self.source,
            "checked_in_at": self.checked_in_at.isoformat(),
            "services": list(self.services),
            "located": self.located,
            "distance_m": None if self.distance_m is None else float(self.distance_m),
            "deduplicated": not self.created,
        }


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["CHECKIN_DEDUPE_MINUTES"])


def _bucket(moment: datetime) -> int:
    return int(moment.timestamp() // _window().total_seconds())


def _fingerprint(scan: str, services: list[str], location: dict | None) -> str:
    body = json.dumps({"scan": scan, "services": sorted(services), "location": location}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


_CHECK_IN_SQL = (
    "SELECT * FROM yizhan_check_in(%(worker_id)s::bigint, %(code)s::text, %(version)s::int, %(now)s::timestamptz,"
    " %(window_s)s::float8, %(bucket)s::bigint, %(services)s::jsonb, %(lat)s::float8, %(lng)s::float8, %(geofence_m)s::float8,"
    " %(key)s::text, %(hash)s::text)"
)
IDEMPOTENCY_KEY_REUSED = "YZ422"  # the SQLSTATE yizhan_check_in raises when a racing key was another request's


def check_in(
    worker_id: int,
    *,
    scan: str,
    services: list[str],
    location: dict | None = None,
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> CheckInAnswer:
    """The signed-in worker (by id: the token was verified without reading the row) checks in.

    `at`: the instant of the scan, for a caller replaying past ones (the demo data, in time
    order: the dedupe look-back and the rollups' "first visit" assume no later visit exists);
    the API always checks in now."""
    ref = sign_tokens.parse_scan(scan)
    sign_tokens.check_signature(ref)  # a forged or altered scan goes no further
    lat = lng = None
    if location:
        lat, lng = to_gcj02(location["lat"], location["lng"], location.get("datum", "gcj02"))
    now = at or clock.now()
    params = {
        "worker_id": worker_id,
        "code": ref.code,
        "version": ref.version,
        "now": now,
        "window_s": _window().total_seconds(),
        "bucket": _bucket(now),
        "services": Jsonb(sorted(set(services))),
        "lat": lat,
        "lng": lng,
        "geofence_m": current_app.config["CHECKIN_GEOFENCE_M"],
        "key": idempotency_key or None,
        "hash": _fingerprint(scan, services, location) if idempotency_key else None,
    }
    try:
        row = plain_db.one(_CHECK_IN_SQL, params)
    except psycopg.Error as exc:
        if exc.sqlstate == IDEMPOTENCY_KEY_REUSED:
            raise _key_reused() from None
        raise
    outcome, visit_id, created, checked_in_at, visit_services, distance, located, code, name, detail = row
    if outcome != "ok":
        raise _refusal(outcome, detail)
    # In UTC as every instant the API shows (the driver reads the server session's zone).
    return CheckInAnswer(visit_id, code, name, checked_in_at.astimezone(UTC), visit_services, located, distance, created)


def _key_reused() -> InvalidInput:
    return InvalidInput("同一个 Idempotency-Key 不能用于不同的签到请求", code=error_codes.IDEMPOTENCY_KEY_REUSED)


def _refusal(outcome: str, detail: dict | None) -> Exception:
    if outcome == "idempotency_key_reused":
        return _key_reused()
    if outcome == "scan_invalid":
        return sign_tokens.InvalidScan()
    if outcome == "sign_outdated":
        return sign_tokens.SignOutdated()
    if outcome == "station_closed":
        return sign_tokens.StationClosed()
    if outcome == "station_not_in_service":
        return Conflict("该站点尚未建成投入使用，暂不能签到", code=error_codes.STATION_NOT_IN_SERVICE)
    if outcome == "station_closed_temporarily":
        reason = detail.get("reason") or "临时关闭"
        return Conflict(f"该站点临时关闭（{reason}），暂不能签到", code=error_codes.STATION_CLOSED_TEMPORARILY)
    if outcome == "station_not_open":
        return Conflict(f"该站点现在不开放（开放时间：{describe(detail['opening_hours'])}）", code=error_codes.STATION_NOT_OPEN)
    if outcome == "too_far":
        distance, limit = detail["distance_m"], current_app.config["CHECKIN_GEOFENCE_M"]
        return Forbidden(
            f"您距离该站点约 {round(distance)} 米，需在 {limit} 米内签到",
            code=error_codes.TOO_FAR,
            details={"distance_m": round(distance), "limit_m": limit},
        )
    if outcome == "consent_required":  # README "Privacy": app/privacy records the consent
        return Forbidden(
            "使用位置签到前，请先阅读并同意《用户隐私保护指引》；也可以不带位置签到",
            code=error_codes.PRIVACY_CONSENT_REQUIRED,
            details={"feature": "location"},
        )
    if outcome == "worker_gone":
        return WorkerGone()
    raise RuntimeError(f"yizhan_check_in answered {outcome!r}")


def my_checkins(worker: Worker, page: int, per_page: int) -> Page:
    query = sa.select(CheckIn).where(CheckIn.worker_id == worker.id).order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc())
    return paginate(query, page, per_page)
