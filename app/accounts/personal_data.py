"""What the accounts area holds about a worker (app/core/personal_data.py): their identity, the
subscribe messages for them, and audit entries that name them (keepers' bindings record the
keeper's worker id)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts import workers
from app.accounts.audit_models import AuditEntry
from app.accounts.subscribe_message_models import SubscribeMessage
from app.core import personal_data
from app.core.batches import in_batches
from app.extensions import db


def _naming(worker_id: int):
    return sa.or_(AuditEntry.before["worker_id"].as_integer() == worker_id, AuditEntry.after["worker_id"].as_integer() == worker_id)


def export_audit(worker_id: int) -> list[dict]:
    entries = db.session.scalars(sa.select(AuditEntry).where(_naming(worker_id)).order_by(AuditEntry.id))
    return [
        {"occurred_at": e.occurred_at.isoformat(), "action": e.action, "entity_type": e.entity_type, "entity_id": e.entity_id}
        for e in entries
    ]


def erase_audit(worker_id: int) -> int:
    """The entries stay (who did what to a station); the worker's id leaves their snapshots."""
    changed = 0
    for side in (AuditEntry.before, AuditEntry.after):
        statement = sa.update(AuditEntry).where(side["worker_id"].as_integer() == worker_id).values({side: side - "worker_id"})
        changed += db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    return changed


def expire_audit(now: datetime) -> int:
    """Audit entries older than AUDIT_RETENTION_DAYS are deleted, a batch per transaction."""
    before = now - timedelta(days=current_app.config["AUDIT_RETENTION_DAYS"])
    old = sa.select(AuditEntry.id).where(AuditEntry.occurred_at < before)
    return in_batches(old, lambda ids: sa.delete(AuditEntry).where(AuditEntry.id.in_(ids)))


def export_messages(worker_id: int) -> list[dict]:
    messages = db.session.scalars(sa.select(SubscribeMessage).where(SubscribeMessage.worker_id == worker_id).order_by(SubscribeMessage.id))
    return [{"template": m.template, "data": m.data, "send_at": m.send_at.isoformat(), "state": m.state} for m in messages]


def erase_messages(worker_id: int) -> int:
    """A closed account gets no more messages: the rows go (a queued send finds none, and stops)."""
    return db.session.execute(sa.delete(SubscribeMessage).where(SubscribeMessage.worker_id == worker_id)).rowcount


personal_data.register(personal_data.Holder(name="subscribe_messages", export=export_messages, erase=erase_messages))
personal_data.register(personal_data.Holder(name="identity", export=workers.identity, erase=lambda worker_id: 0))
personal_data.register(personal_data.Holder(name="audit_entries", export=export_audit, erase=erase_audit, expire=expire_audit))
