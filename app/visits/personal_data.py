"""What the visits area holds about a worker (app/core/personal_data.py): their check-ins (with
the rows that belong to them, ratings say, which follow a check-in wherever it goes) and
idempotency keys.

Retention (README "Privacy"): a check-in's link to its worker is kept CHECKIN_LINK_RETENTION_DAYS,
then dropped — the visit moves to an anonymous stand-in and keeps counting. The link is what the
"new workers" counts are computed from (a visit is a worker's first of its day, ISO week, month,
quarter, year when their previous one lies before that period's start), so a worker's old visits
are cut off only where the cut cannot change a count recomputed from raw: after a visit past the
period whose next visit lies in a later calendar year *and* a later ISO week (or which is their
last). Every other period starts inside those two, so every first-of-period stays what it was, and
`flask reports verify` stays green. A visit past its period stays linked until such a cut exists
(at most until its year and week are both over)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts.workers import anonymous_stand_in
from app.core import personal_data
from app.core.model_base import Base
from app.extensions import db
from app.keepers.models import StationKeeper
from app.visits.models import SOURCE_SCAN, CheckIn, IdempotencyRecord
from app.visits.rollups import sql_local_day, sql_period_start


def export_visits(worker_id: int) -> list[dict]:
    visits = db.session.scalars(sa.select(CheckIn).where(CheckIn.worker_id == worker_id).order_by(CheckIn.checked_in_at, CheckIn.id))
    return [
        {
            "id": v.id,
            "station": {"code": v.station.code, "name": v.station.name},
            "checked_in_at": v.checked_in_at.isoformat(),
            "services": list(v.services),
            "located": v.located,
            "distance_m": v.distance_m,
            "worker_group": v.worker_group,
        }
        for v in visits
    ]


def export_walk_ins(worker_id: int) -> list[dict]:
    """The walk-ins a keeper recorded (they name no worker; they are the keeper's own entries)."""
    bindings = sa.select(StationKeeper.id).where(StationKeeper.worker_id == worker_id)
    entries = db.session.scalars(sa.select(CheckIn).where(CheckIn.recorded_by.in_(bindings)).order_by(CheckIn.id))
    return [{"id": w.id, "checked_in_at": w.checked_in_at.isoformat(), "headcount": w.headcount, "note": w.note} for w in entries]


def erase_visits(worker_id: int) -> int:
    """The visits themselves stay (they are counted) and move with the worker's other rows to the
    stand-in (app/privacy/erasure.py); the idempotency keys go."""
    statement = sa.delete(IdempotencyRecord).where(IdempotencyRecord.worker_id == worker_id)
    return db.session.execute(statement).rowcount


_DAY = sql_local_day("c.checked_in_at")
_NEXT_DAY = f"LEAD({_DAY}) OVER (PARTITION BY c.worker_id ORDER BY c.checked_in_at, c.id)"
# Per worker of a batch: the latest scanned visit before the cutoff after which the links may be
# cut (see the module's docstring).
_CUTS = sa.text(
    f"SELECT v.worker_id, max(v.checked_in_at) FROM ("
    f" SELECT c.worker_id, c.checked_in_at, {_DAY} AS day, {_NEXT_DAY} AS next_day FROM checkins c"
    f" WHERE c.worker_id = ANY(:workers) AND c.source = '{SOURCE_SCAN}') v"
    f" WHERE v.checked_in_at < :cutoff AND (v.next_day IS NULL OR"
    f" ({sql_period_start('v.next_day', 'year')} > {sql_period_start('v.day', 'year')}"
    f" AND {sql_period_start('v.next_day', 'week')} > {sql_period_start('v.day', 'week')}))"
    f" GROUP BY v.worker_id"
)
# The batch: workers (in id order, after the last batch's) with a linked visit past the period.
# FOR KEY SHARE does not conflict with the check-in's FOR NO KEY UPDATE of the worker: a check-in
# never waits for this (and a new visit cannot change a cut: it lies in a later year and week than
# any visit past the period); an account being closed meanwhile (FOR UPDATE) is skipped.
_WORKERS = sa.text(
    "SELECT w.id FROM workers w WHERE w.id > :after AND w.anonymised_at IS NULL"
    " AND EXISTS (SELECT 1 FROM checkins c WHERE c.worker_id = w.id AND c.checked_in_at < :cutoff)"
    " ORDER BY w.id LIMIT :size FOR KEY SHARE OF w SKIP LOCKED"
)


def unlink_old_visits(now: datetime) -> int:
    """Move visits past CHECKIN_LINK_RETENTION_DAYS to anonymous stand-ins (one per worker and
    run), a batch of workers per transaction; how many visits moved."""
    cutoff = now - timedelta(days=current_app.config["CHECKIN_LINK_RETENTION_DAYS"])
    size = current_app.config["PRIVACY_RETENTION_BATCH"]
    moved, after = 0, 0
    while True:
        batch = list(db.session.scalars(_WORKERS, {"after": after, "cutoff": cutoff, "size": size}))
        if not batch:
            return moved
        for worker_id, cut in db.session.execute(_CUTS, {"workers": batch, "cutoff": cutoff}).all():
            moved += _unlink(worker_id, cut)
        db.session.commit()
        after = batch[-1]


def _following_visits() -> list[tuple[sa.Column, sa.Column]]:
    """(visit column, worker column) of every other table whose rows belong to a visit and name its
    worker (a rating): they follow the visit to its stand-in. Found in the schema, so an area that
    adds such a table needs no change here (and visits need not import it)."""
    out = []
    for table in Base.metadata.sorted_tables:
        if table is CheckIn.__table__ or table is IdempotencyRecord.__table__:
            continue
        visit = next((fk.parent for fk in table.foreign_keys if fk.column.table is CheckIn.__table__), None)
        worker = next((fk.parent for fk in table.foreign_keys if fk.column.table.name == "workers"), None)
        if visit is not None and worker is not None:
            out.append((visit, worker))
    return out


def _unlink(worker_id: int, cut: datetime) -> int:
    stand_in = anonymous_stand_in()
    old = sa.select(CheckIn.id).where(CheckIn.worker_id == worker_id, CheckIn.checked_in_at <= cut).scalar_subquery()
    statements = [sa.delete(IdempotencyRecord).where(IdempotencyRecord.checkin_id.in_(old))]
    statements += [sa.update(v.table).where(v.in_(old)).values({w.name: stand_in.id}) for v, w in _following_visits()]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    moved = sa.update(CheckIn).where(CheckIn.worker_id == worker_id, CheckIn.checked_in_at <= cut).values(worker_id=stand_in.id)
    return db.session.execute(moved.execution_options(synchronize_session=False)).rowcount


# They keep counting: on closing they move with the keeper's binding to the stand-in.
personal_data.register(personal_data.Holder(name="walk_ins_recorded", export=export_walk_ins, erase=lambda worker_id: 0))
personal_data.register(personal_data.Holder(name="visits", export=export_visits, erase=erase_visits, expire=unlink_old_visits))
