"""Binding codes: how a station gets a keeper. District staff issue a one-time code for a
station; the keeper types it into the mini-program and is bound to that station.

- The code is 8 symbols from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with
  `secrets`: 31^8 ≈ 8.5 × 10^11 codes, guessed only at the rate-limited pace of failed attempts.
- Only a keyed hash is stored (HMAC with SECRET_KEY), so neither the database nor a copy of
  it can hand a code to anyone; rotating SECRET_KEY voids codes not yet used (they live 72 h).
- A code binds once. The person who used it asking again, or anyone who already keeps the
  station redeeming a new one, gets their binding back (idempotent); a revoked keeper needs a
  new code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.accounts import audit
from app.accounts.actor import Actor
from app.accounts.worker_models import Worker
from app.core import clock, error_codes
from app.core.errors import Conflict, Gone, NotFound
from app.extensions import db
from app.keepers.models import KeeperCode, StationKeeper
from app.registry.stations import get_station

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # digits and capitals without 0 O 1 I L
CODE_LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-_]+")  # people copy codes with spaces or dashes


class KeeperCodeInvalid(NotFound):
    code = error_codes.KEEPER_CODE_INVALID
    message = "绑定码无效，请核对后重新输入"


class KeeperCodeExpired(Gone):
    code = error_codes.KEEPER_CODE_EXPIRED
    message = "绑定码已过期，请向所在区县工会重新索取"


class KeeperCodeUsed(Conflict):
    code = error_codes.KEEPER_CODE_USED
    message = "绑定码已被使用，请向所在区县工会重新索取"


@dataclass(frozen=True)
class IssuedCode:
    code: str  # shown once, never stored
    expires_at: object
    station_code: str
    id: int | None = None  # the code's record, to revoke it while unused


@dataclass(frozen=True)
class Binding:
    keeper: StationKeeper
    created: bool


def issue_code(actor: Actor, station_code: str) -> IssuedCode:
    station = get_station(actor, station_code)
    if station.is_retired:
        raise Conflict("该站点已撤销，不能再绑定管理员", code=error_codes.STATION_RETIRED)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = clock.now() + timedelta(hours=current_app.config["KEEPER_CODE_TTL_HOURS"])
    row = KeeperCode(
        code_hash=code_hash(code), station_id=station.id, issued_by=actor.staff.id if actor.staff else None, expires_at=expires_at
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor, "station.keeper_code.issue", "station", station.code,
        district_code=station.district_code, after={"keeper_code_id": row.id, "expires_at": expires_at.isoformat()},
    )  # fmt: skip
    db.session.commit()
    return IssuedCode(code=code, expires_at=expires_at, station_code=station.code, id=row.id)


def code_hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"keeper-code:" + code.encode(), hashlib.sha256).hexdigest()


def normalise(text: str) -> str | None:
    """The code as issued, from what was typed; None if it cannot be one."""
    code = _SEPARATORS.sub("", text).upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def redeem(worker: Worker, text: str) -> Binding:
    code = normalise(text)
    row = db.session.scalar(sa.select(KeeperCode).where(KeeperCode.code_hash == code_hash(code))) if code else None
    if row is None or row.revoked_at is not None:
        raise KeeperCodeInvalid()
    if row.used_at is not None:
        return _used_again(worker, row)
    if row.expires_at <= clock.now():
        raise KeeperCodeExpired()
    if row.station.is_retired:
        raise KeeperCodeInvalid("该站点已撤销，绑定码不再有效")
    if not _claim(row, worker):
        # Someone redeemed it a moment ago (it may have been this worker's other tap), or staff
        # revoked it a moment ago.
        db.session.rollback()
        row = db.session.get(KeeperCode, row.id, populate_existing=True)
        if row.revoked_at is not None:
            raise KeeperCodeInvalid()
        return _used_again(worker, row)
    binding = _bind(worker, row)
    db.session.commit()
    return binding


def _used_again(worker: Worker, row: KeeperCode) -> Binding:
    """A used code repeated by the worker who used it, while still bound, is their binding."""
    current = _active_binding(worker.id, row.station_id) if row.used_by == worker.id else None
    if current is None:
        raise KeeperCodeUsed()
    return Binding(current, created=False)


def _claim(row: KeeperCode, worker: Worker) -> bool:
    """Mark the code used, if nobody has and staff have not revoked it: the condition decides
    between concurrent redeemers, and between a redeemer and a revoke."""
    claimed = db.session.execute(
        sa.update(KeeperCode)
        .where(KeeperCode.id == row.id, KeeperCode.used_at.is_(None), KeeperCode.revoked_at.is_(None))
        .values(used_at=clock.now(), used_by=worker.id)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _bind(worker: Worker, row: KeeperCode) -> Binding:
    current = _active_binding(worker.id, row.station_id)
    if current is not None:  # already keeps it: the code is spent, the binding stays as it was
        return Binding(current, created=False)
    keeper = StationKeeper(station_id=row.station_id, worker_id=worker.id, keeper_code_id=row.id)
    try:
        with db.session.begin_nested():
            db.session.add(keeper)
    except IntegrityError:
        # Another of this worker's codes for the station bound them a moment ago.
        return Binding(_active_binding(worker.id, row.station_id), created=False)
    return Binding(keeper, created=True)


def _active_binding(worker_id: int, station_id: int) -> StationKeeper | None:
    return db.session.scalar(
        sa.select(StationKeeper).where(
            StationKeeper.worker_id == worker_id, StationKeeper.station_id == station_id, StationKeeper.revoked_at.is_(None)
        )
    )


# Staff: the station's codes, and revoking one not yet used -------------------------------------

CODE_ID_MAX = 2**31 - 1  # INTEGER: ids beyond it are simply absent
RECENT_CODES = 20


def code_state(row: KeeperCode, now=None) -> str:
    """used / revoked / expired / pending (good until expires_at)."""
    if row.used_at is not None:
        return "used"
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at <= (now or clock.now()):
        return "expired"
    return "pending"


def list_codes(actor: Actor, station_code: str) -> list[KeeperCode]:
    """The station's most recent binding codes (never the codes themselves: only their state)."""
    station = get_station(actor, station_code)
    query = (
        sa.select(KeeperCode)
        .where(KeeperCode.station_id == station.id)
        .order_by(KeeperCode.issued_at.desc(), KeeperCode.id.desc())
        .limit(RECENT_CODES)
    )
    return list(db.session.scalars(query))


def revoke_code(actor: Actor, station_code: str, code_id: int) -> KeeperCode:
    """Void a code nobody has used yet (handed to the wrong person, lost, no longer needed).
    A used code has done its work: revoke the keeper's binding instead."""
    station = get_station(actor, station_code)
    row = None
    if 0 < code_id <= CODE_ID_MAX:
        row = db.session.scalar(
            sa.select(KeeperCode).where(KeeperCode.id == code_id, KeeperCode.station_id == station.id).with_for_update()
        )
    if row is None:
        raise NotFound("该站点没有这个绑定码", code=error_codes.KEEPER_CODE_NOT_FOUND)
    if row.revoked_at is not None:
        raise Conflict("该绑定码已作废", code=error_codes.KEEPER_CODE_ALREADY_REVOKED)
    now = clock.now()
    # The condition decides against a keeper redeeming it at this moment (see _claim).
    revoked = db.session.execute(
        sa.update(KeeperCode)
        .where(KeeperCode.id == row.id, KeeperCode.used_at.is_(None), KeeperCode.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if revoked.rowcount != 1:
        db.session.rollback()
        raise Conflict("该绑定码已被使用，不能作废；如需取消，请解除对应管理员的绑定", code=error_codes.KEEPER_CODE_USED)
    row.revoked_at = now
    audit.record(
        actor, "station.keeper_code.revoke", "station", station.code,
        district_code=station.district_code, after={"keeper_code_id": row.id, "revoked_at": now.isoformat()},
    )  # fmt: skip
    db.session.commit()
    return row
