"""The staff side of keepers: who keeps a station (bindings live and revoked), and revoking one.
Scoped like every per-station endpoint: another district's station is not found."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts import audit
from app.accounts.actor import Actor
from app.core import clock, error_codes
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.keepers.models import StationKeeper
from app.registry.stations import get_station

KEEPER_ID_MAX = 2**31 - 1  # INTEGER: ids beyond it are simply absent


def list_keepers(actor: Actor, code: str) -> list[StationKeeper]:
    """Live bindings first, then revoked ones; newest first within each."""
    station = get_station(actor, code)
    query = (
        sa.select(StationKeeper)
        .where(StationKeeper.station_id == station.id)
        .order_by(StationKeeper.revoked_at.is_not(None), StationKeeper.bound_at.desc(), StationKeeper.id.desc())
        .options(selectinload(StationKeeper.worker))
    )
    return list(db.session.scalars(query))


def revoke_keeper(actor: Actor, code: str, keeper_id: int) -> StationKeeper:
    station = get_station(actor, code)
    keeper = None
    if 0 < keeper_id <= KEEPER_ID_MAX:
        keeper = db.session.scalar(
            sa.select(StationKeeper).where(StationKeeper.id == keeper_id, StationKeeper.station_id == station.id).with_for_update()
        )
    if keeper is None:
        raise NotFound("该站点没有这位管理员", code=error_codes.KEEPER_NOT_FOUND)
    if not keeper.active:
        raise Conflict("该管理员已被解除绑定", code=error_codes.KEEPER_ALREADY_REVOKED)
    before = _snapshot(keeper)
    keeper.revoked_at = clock.now()
    keeper.revoked_by = actor.staff.id if actor.staff else None
    audit.record(
        actor, "station.keeper.revoke", "station", station.code,
        district_code=station.district_code, before=before, after=_snapshot(keeper),
    )  # fmt: skip
    db.session.commit()
    return keeper


def _snapshot(keeper: StationKeeper) -> dict:
    revoked_at = keeper.revoked_at.isoformat() if keeper.revoked_at else None
    return {"keeper_id": keeper.id, "worker_id": keeper.worker_id, "revoked_at": revoked_at, "revoked_by": keeper.revoked_by}
