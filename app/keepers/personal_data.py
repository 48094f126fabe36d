"""What the keepers area holds about a worker who keeps a station (app/core/personal_data.py):
their bindings, the binding codes they redeemed and the status posts they made (the walk-ins they
recorded are the visits area's). On account closing their live bindings are revoked (a closed account keeps nothing),
and the rows move with the rest to the anonymous stand-in: walk-ins keep counting."""

from __future__ import annotations

import sqlalchemy as sa

from app.core import clock, personal_data
from app.extensions import db
from app.keepers.models import KeeperCode, StationKeeper, StatusUpdate


def export_keeping(worker_id: int) -> dict:
    bindings = db.session.scalars(sa.select(StationKeeper).where(StationKeeper.worker_id == worker_id).order_by(StationKeeper.id)).all()
    ids = [b.id for b in bindings]
    posts = db.session.scalars(sa.select(StatusUpdate).where(StatusUpdate.keeper_id.in_(ids)).order_by(StatusUpdate.id)) if ids else []
    codes = db.session.scalars(sa.select(KeeperCode).where(KeeperCode.used_by == worker_id).order_by(KeeperCode.id))
    return {
        "bindings": [
            {
                "station": {"code": b.station.code, "name": b.station.name},
                "bound_at": b.bound_at.isoformat(),
                "revoked_at": b.revoked_at.isoformat() if b.revoked_at else None,
            }
            for b in bindings
        ],
        "codes_redeemed": [{"station_id": c.station_id, "used_at": c.used_at.isoformat() if c.used_at else None} for c in codes],
        "status_posts": [{"id": p.id, "posted_at": p.posted_at.isoformat(), "changes": p.changes} for p in posts],
    }


def erase_keeping(worker_id: int) -> int:
    live = sa.update(StationKeeper).where(StationKeeper.worker_id == worker_id, StationKeeper.revoked_at.is_(None))
    return db.session.execute(live.values(revoked_at=clock.now()).execution_options(synchronize_session=False)).rowcount


personal_data.register(personal_data.Holder(name="keeping", export=export_keeping, erase=erase_keeping))
