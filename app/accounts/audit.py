"""The audit log: every change a staff member (or the CLI) makes, with before and after."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.accounts.actor import Actor
from app.accounts.audit_models import AuditEntry
from app.core.pagination import Page, paginate
from app.extensions import db


def record(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: str,
    *,
    district_code: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    label: str | None = None,
) -> AuditEntry:
    """Add an entry to the caller's transaction: it commits or rolls back with the change.
    `label` names an actor who is no staff member (record_by_worker)."""
    entry = AuditEntry(
        actor_id=actor.staff.id if actor.staff else None,
        actor_label=label or actor.label,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        district_code=district_code,
        before=before,
        after=after,
        remote_addr=actor.remote_addr,
    )
    db.session.add(entry)
    return entry


def record_by_worker(
    worker_id: int,
    role: str,
    action: str,
    entity_type: str,
    entity_id: str,
    *,
    district_code: str | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """A step a mini-program user took (a worker's report, a keeper's fix): labelled by role
    and worker id, never by name, in the caller's transaction."""
    return record(Actor(staff=None), action, entity_type, entity_id, district_code=district_code, after=after, label=f"{role}:{worker_id}")


def list_entries(
    actor: Actor,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if not actor.is_city:
        query = query.where(AuditEntry.district_code == actor.district_code)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if since:
        query = query.where(AuditEntry.occurred_at >= since)
    return paginate(query, page, per_page)
