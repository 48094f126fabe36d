from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.staff_models import StaffAccount
from app.core.model_base import Base, JSONType, utcnow


class AuditEntry(Base):
    """Who changed what, when, with the record before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(64))  # username, or "cli"
    action: Mapped[str] = mapped_column(sa.String(64))
    entity_type: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    # The district the entity belongs to, so district staff can read their own part of the log.
    district_code: Mapped[str | None] = mapped_column(sa.String(4), index=True)
    before: Mapped[dict | None] = mapped_column(JSONType)
    after: Mapped[dict | None] = mapped_column(JSONType)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))

    actor: Mapped[StaffAccount | None] = relationship()
