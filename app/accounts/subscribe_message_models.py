from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.model_base import Base, JSONType, utcnow

SCHEDULED = "scheduled"  # waiting for its instant (or for a retry after WeChat was busy)
SENDING = "sending"  # an attempt is under way
SENT = "sent"
UNCERTAIN = "uncertain"  # an attempt may have reached WeChat; never repeated
REFUSED = "refused"  # 43101: the worker's one-time consent is gone (withdrawn or used up)
FAILED = "failed"  # refused for another reason, or busy on every attempt
CANCELLED = "cancelled"
STATES = (SCHEDULED, SENDING, SENT, UNCERTAIN, REFUSED, FAILED, CANCELLED)
FINAL = (SENT, UNCERTAIN, REFUSED, FAILED, CANCELLED)


class SubscribeMessage(Base):
    """One subscribe message to a worker who accepted its template once (wx.requestSubscribeMessage):
    what to send and when, and what became of it. The job that sends it names only this row."""

    __tablename__ = "subscribe_messages"
    __table_args__ = (sa.CheckConstraint(sa.column("state").in_(STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    template: Mapped[str] = mapped_column(sa.String(40))  # a key of SUBSCRIBE_TEMPLATES
    data: Mapped[dict] = mapped_column(JSONType)  # by the template's semantic field names
    page: Mapped[str | None] = mapped_column(sa.String(200))
    send_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(sa.String(16), default=SCHEDULED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    errcode: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
