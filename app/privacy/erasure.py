"""Closing a worker's account (the worker's request, or WeChat's cancellation push): their
identity is removed and what they leave behind is anonymised, so that every report and rollup
counts exactly as before.

How: the holders of personal data (app/privacy/holders.py) delete what is personal (comment
texts, consents, idempotency keys; the other areas' photos and texts through the registry), then
every row that points at the worker — whatever table, found through the schema's foreign keys —
is moved to a new anonymous stand-in (a `workers` row with a random openid and `anonymised_at`),
and the worker's row is deleted. The stand-in keeps the visits one person's visits, so the
"new workers" counts recomputed from raw (`flask reports verify`) stay equal; nothing in it leads
back to the openid, and the old internal id is nowhere any more (audit entries that named it are
rewritten to the stand-in)."""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa

from app.accounts.audit_models import AuditEntry
from app.accounts.worker_models import Worker
from app.core import clock
from app.core.model_base import Base
from app.extensions import db
from app.privacy import holders

log = logging.getLogger(__name__)


def stand_in() -> Worker:
    """A new anonymous worker for records that must keep counting as one person's."""
    now = clock.now()
    husk = Worker(openid=f"anon:{secrets.token_hex(16)}", anonymised_at=now, created_at=now, last_seen_at=now)
    db.session.add(husk)
    db.session.flush()
    return husk


def worker_columns() -> list[sa.Column]:
    """Every column, in every table the app knows, that points at a worker."""
    workers = Worker.__table__
    return [
        fk.parent
        for table in Base.metadata.sorted_tables
        if table is not workers
        for fk in table.foreign_keys
        if fk.column.table is workers
    ]


def move_rows(from_id: int, to_id: int, *, where=None) -> int:
    """Point every row that points at worker `from_id` at `to_id` (optionally only rows of one
    table that match `where(table) -> clause`); how many rows moved."""
    moved = 0
    for column in worker_columns():
        clause = column == from_id
        extra = where(column.table) if where is not None else None
        if where is not None and extra is None:
            continue
        statement = sa.update(column.table).where(clause if extra is None else sa.and_(clause, extra)).values({column.name: to_id})
        moved += db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    return moved


def _rewrite_audit(from_id: int, to_id: int) -> int:
    """Audit snapshots name workers by `worker_id` (keepers' bindings): the stand-in's now."""
    moved = 0
    for side in (AuditEntry.before, AuditEntry.after):
        statement = (
            sa.update(AuditEntry)
            .where(side["worker_id"].as_integer() == from_id)
            .values({side: sa.func.jsonb_set(side, "{worker_id}", sa.func.to_jsonb(to_id))})
        )
        moved += db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    return moved


def erase_worker(worker_id: int) -> dict[str, int] | None:
    """Close the account in the caller's transaction: what was removed or anonymised, by holder
    (None: no such worker, nothing to do — a second push, a repeated request)."""
    worker = db.session.scalar(sa.select(Worker).where(Worker.id == worker_id, Worker.anonymised_at.is_(None)).with_for_update())
    if worker is None:
        return None
    removed = holders.erase_all(worker_id)
    husk = stand_in()
    removed["rows_anonymised"] = move_rows(worker_id, husk.id) + _rewrite_audit(worker_id, husk.id)
    db.session.delete(worker)
    db.session.flush()
    log.info("privacy: an account was closed, its records now belong to anonymous worker %s", husk.id)
    return removed


def close_account(worker_id: int) -> dict[str, int] | None:
    removed = erase_worker(worker_id)
    db.session.commit()
    return removed


def close_account_of_openid(openid: str) -> dict[str, int] | None:
    """WeChat's cancellation push names the person by openid (in the push's transaction)."""
    worker_id = db.session.scalar(sa.select(Worker.id).where(Worker.openid == openid, Worker.anonymised_at.is_(None)))
    return erase_worker(worker_id) if worker_id is not None else None
