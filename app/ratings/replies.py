"""A keeper's reply to a comment at their station (站点回复). The reply speaks to the public like
the comment does, so it goes through the same check: WeChat's content check passes it, or it is
held until staff approve it; a risky one is refused and nothing is stored.

Decisions:
- Only a published comment can be answered: a rating with no comment, one held for review or
  hidden is not something the keeper can see, so it is reported as not found, exactly like
  another station's rating or a missing one.
- One reply per rating. A keeper of the station may replace it (a typo, news since): the new text
  is checked afresh and takes the old one's place; a refused replacement leaves the old reply as
  it was. The audit trail of what staff decided stays in the audit log.
- A published reply is shown wherever its published comment is; a reply held or hidden is seen
  only by staff (and, by its status alone, by the station's keepers).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.actor import Actor
from app.core import clock
from app.extensions import db
from app.keepers.models import StationKeeper
from app.ratings import service as ratings
from app.ratings.models import COMMENT_HIDDEN, COMMENT_PUBLISHED, COMMENT_REVIEW, Rating
from app.ratings.service import RATING_ID_MAX, moderate, rating_not_found

REPLY_MAX = 200


@dataclass(frozen=True)
class ReplyResult:
    rating: Rating
    created: bool  # the first reply (201), or one replacing it (200)


def _answerable(station_id: int, rating_id: int) -> Rating:
    """The station's rating with a published comment, locked for the change."""
    if not 0 < rating_id <= RATING_ID_MAX:
        raise rating_not_found()
    rating = db.session.scalar(
        sa.select(Rating)
        .where(Rating.id == rating_id, Rating.station_id == station_id, Rating.comment_status == COMMENT_PUBLISHED)
        .with_for_update()
    )
    if rating is None:
        raise rating_not_found()
    return rating


def reply_to_comment(binding: StationKeeper, rating_id: int, text: str) -> ReplyResult:
    station_id, keeper_id, openid = binding.station_id, binding.id, binding.worker.openid
    _answerable(station_id, rating_id)
    # Nothing is written yet: hand the connection back while WeChat is asked (up to seconds).
    db.session.rollback()
    status, label = moderate(text, openid, field="text", what="回复")
    rating = _answerable(station_id, rating_id)  # staff may have hidden the comment meanwhile
    created = rating.reply is None
    rating.reply, rating.reply_status, rating.reply_label = text, status, label
    rating.replied_at, rating.replied_by = clock.now(), keeper_id
    db.session.commit()
    return ReplyResult(rating, created)


# Staff review -----------------------------------------------------------------------------------


def approve_reply(actor: Actor, rating_id: int) -> Rating:
    """Publish a reply the check held back (or one hidden before, on second thought)."""
    return ratings.review(
        actor, rating_id, ratings.REPLY, to=COMMENT_PUBLISHED, allowed=(COMMENT_REVIEW, COMMENT_HIDDEN), verb="审核通过",
        action="rating.reply.approve",
    )  # fmt: skip


def hide_reply(actor: Actor, rating_id: int) -> Rating:
    return ratings.review(
        actor, rating_id, ratings.REPLY, to=COMMENT_HIDDEN, allowed=(COMMENT_PUBLISHED, COMMENT_REVIEW), verb="隐藏",
        action="rating.reply.hide",
    )  # fmt: skip
