"""Closing a worker's account (the worker's request, or WeChat's cancellation push): their
identity is removed and what they leave behind is anonymised, so that every report and rollup
counts exactly as before.

How: the holders of personal data (app/core/personal_data.py; each area's personal_data.py)
delete what is personal (comment texts, consents, idempotency keys, photos, texts), then
every row that points at the worker — whatever table, found through the schema's foreign keys —
is moved to a new anonymous stand-in (a `workers` row with a random openid and `anonymised_at`),
and the worker's row is deleted. The stand-in keeps the visits one person's visits, so the
"new workers" counts recomputed from raw (`flask reports verify`) stay equal; nothing in it leads
back to the openid, and the old internal id is nowhere any more (the audit holder strips it from
the entries that named it)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app.accounts.worker_models import Worker
from app.accounts.workers import anonymous_stand_in
from app.core import personal_data
from app.core.model_base import Base
from app.extensions import db

log = logging.getLogger(__name__)


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


def move_rows(from_id: int, to_id: int) -> int:
    """Point every row that points at worker `from_id` at `to_id`; how many rows moved."""
    moved = 0
    for column in worker_columns():
        statement = sa.update(column.table).where(column == from_id).values({column.name: to_id})
        moved += db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    return moved


def erase_worker(worker_id: int) -> dict[str, int] | None:
    """Close the account in the caller's transaction: what was removed or anonymised, by holder
    (None: no such worker, nothing to do — a second push, a repeated request)."""
    worker = db.session.scalar(sa.select(Worker).where(Worker.id == worker_id, Worker.anonymised_at.is_(None)).with_for_update())
    if worker is None:
        return None
    removed = personal_data.erase_all(worker_id)
    husk = anonymous_stand_in()
    removed["rows_anonymised"] = move_rows(worker_id, husk.id)
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
