from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.model_base import Base, JSONType, utcnow

FEATURES = ("location", "photos")  # what the notice asks consent for, one grant each


class Consent(Base):
    """A worker's consent to one feature under one version of the privacy notice. Withdrawn (by
    the worker, by WeChat's revocation push) it stays as the record of what was agreed, with
    `withdrawn_at`; account closing deletes the rows."""

    __tablename__ = "privacy_consents"
    __table_args__ = (
        sa.CheckConstraint("feature IN ('location', 'photos')", name="feature"),
        # The check-in function's look-up: this worker's live grant of a feature.
        sa.Index("ix_privacy_consents_worker_feature", "worker_id", "feature", "notice_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id", ondelete="CASCADE"))
    notice_version: Mapped[int]
    feature: Mapped[str] = mapped_column(sa.String(16))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(sa.String(16))  # "worker" | "wechat"


class Notice(Base):
    """A version of the privacy notice (用户隐私保护指引) as the mini-program shows it. A new
    version is a new row (`flask privacy publish-notice`); consents name the version they were
    given under, and only the latest version's count."""

    __tablename__ = "privacy_notices"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.String(100))
    sections: Mapped[list] = mapped_column(JSONType)  # [{"heading": …, "text": …}]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetentionRun(Base):
    """One run of the retention job: what it removed or anonymised, by holder (README "Privacy").
    Counts only: nothing in it names anyone."""

    __tablename__ = "privacy_retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    removed: Mapped[dict] = mapped_column(JSONType)  # holder name → rows changed
