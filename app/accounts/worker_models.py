from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.model_base import Base, utcnow


class Worker(Base):
    """An outdoor worker, known by the openid WeChat gives us for our mini-program."""

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(sa.String(64))
    worker_group: Mapped[str | None] = mapped_column(sa.ForeignKey("worker_groups.code"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set on an anonymous stand-in (app/privacy/erasure.py): the visits of a closed account, or
    # those past their retention, keep counting under it; its openid is random and names no one.
    anonymised_at: Mapped[datetime | None]
