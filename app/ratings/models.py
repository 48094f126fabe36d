"""满意度: a worker's rating of one of their own visits, its comment and the keeper's reply
(docs/semantics.md)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.model_base import Base, JSONType, utcnow
from app.registry.models import Station
from app.visits.models import CheckIn

COMMENT_NONE = "none"
COMMENT_PUBLISHED = "published"  # passed the check, or approved by staff
COMMENT_REVIEW = "review"  # held for staff: WeChat said review, or could not be asked
COMMENT_HIDDEN = "hidden"  # staff decided not to show it


class Rating(Base):
    """满意度: a worker's score for one of their own visits, with an optional comment."""

    __tablename__ = "ratings"
    __table_args__ = (
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        sa.CheckConstraint("comment_status IN ('none', 'published', 'review', 'hidden')", name="comment_status"),
        sa.CheckConstraint("reply_status IN ('none', 'published', 'review', 'hidden')", name="reply_status"),
        sa.Index("ix_ratings_station_time", "station_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(sa.ForeignKey("checkins.id"), unique=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"))
    score: Mapped[int]
    tags: Mapped[list] = mapped_column(JSONType, default=list)
    comment: Mapped[str | None] = mapped_column(sa.String(200))
    comment_status: Mapped[str] = mapped_column(sa.String(12), default=COMMENT_NONE)
    moderation_label: Mapped[int | None]  # msg_sec_check's label, when it answered
    reviewed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The station's answer to a published comment, by one of its keepers. Checked like a comment
    # and with the same statuses; one per rating, a later reply replaces it (checked afresh).
    reply: Mapped[str | None] = mapped_column(sa.String(200))
    reply_status: Mapped[str] = mapped_column(sa.String(12), default=COMMENT_NONE, server_default=COMMENT_NONE)
    reply_label: Mapped[int | None]  # msg_sec_check's label for the reply, when it answered
    replied_at: Mapped[datetime | None]
    replied_by: Mapped[int | None] = mapped_column(sa.ForeignKey("station_keepers.id"))

    checkin: Mapped[CheckIn] = relationship()
    station: Mapped[Station] = relationship()
