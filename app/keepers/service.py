"""Who may act as a station's keeper. Every keeper endpoint goes through `keeper_of`:
a keeper of station A asking about station B gets 404 (as if B did not exist), and a worker
who keeps no station at all (or whose binding was revoked) gets 403."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.worker_models import Worker
from app.core import error_codes
from app.core.errors import Forbidden, NotFound
from app.extensions import db
from app.keepers.models import StationKeeper
from app.registry.models import Station


class NotAKeeper(Forbidden):
    code = error_codes.NOT_A_KEEPER
    message = "您还不是站点管理员，请向所在区县工会索取绑定码"


def active_bindings(worker: Worker) -> list[StationKeeper]:
    return list(
        db.session.scalars(sa.select(StationKeeper).where(StationKeeper.worker_id == worker.id, StationKeeper.revoked_at.is_(None)))
    )


def keeper_of(worker: Worker, code: str) -> StationKeeper:
    """The worker's live binding to the station with this code, or the refusal."""
    bindings = active_bindings(worker)
    if not bindings:
        raise NotAKeeper()
    for binding in bindings:
        if binding.station.code == code.upper():
            if binding.station.is_retired:
                raise NotFound("未找到该站点", code=error_codes.STATION_NOT_FOUND)
            return binding
    raise NotFound("未找到该站点", code=error_codes.STATION_NOT_FOUND)


def kept_stations(worker: Worker) -> list[Station]:
    return [binding.station for binding in active_bindings(worker) if not binding.station.is_retired]
