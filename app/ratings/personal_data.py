"""What the ratings area holds about a worker (app/core/personal_data.py): their ratings. The
scores count in the satisfaction reports and stay (with the visit, under the anonymous stand-in
on account closing); the comment texts — and the keepers' replies to them — are deleted on
closing and after COMMENT_RETENTION_DAYS."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core import personal_data
from app.core.batches import in_batches
from app.extensions import db
from app.ratings.models import COMMENT_NONE, Rating

_NO_TEXT = {
    "comment": None,
    "comment_status": COMMENT_NONE,
    "moderation_label": None,
    "reply": None,
    "reply_status": COMMENT_NONE,
    "reply_label": None,
}


def export_ratings(worker_id: int) -> list[dict]:
    ratings = db.session.scalars(sa.select(Rating).where(Rating.worker_id == worker_id).order_by(Rating.id))
    return [
        {
            "id": r.id,
            "checkin_id": r.checkin_id,
            "station": {"code": r.station.code, "name": r.station.name},
            "score": r.score,
            "tags": list(r.tags),
            "comment": r.comment,
            "comment_status": r.comment_status,
            "reply": r.reply,
            "created_at": r.created_at.isoformat(),
        }
        for r in ratings
    ]


def _with_text():
    return sa.or_(Rating.comment.is_not(None), Rating.reply.is_not(None))


def erase_comments(worker_id: int) -> int:
    statement = sa.update(Rating).where(Rating.worker_id == worker_id, _with_text()).values(_NO_TEXT)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def expire_comments(now: datetime) -> int:
    before = now - timedelta(days=current_app.config["COMMENT_RETENTION_DAYS"])
    old = sa.select(Rating.id).where(Rating.created_at < before, _with_text())
    return in_batches(old, lambda ids: sa.update(Rating).where(Rating.id.in_(ids)).values(_NO_TEXT))


personal_data.register(personal_data.Holder(name="ratings", export=export_ratings, erase=erase_comments, expire=expire_comments))
