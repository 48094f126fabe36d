"""满意度: a worker rates their own visit, once, soon after it. A comment reaches other people
only once it is known to be clean: WeChat's content check passed it, or a staff member approved
it. Staff review what the check held back, within their district. The summary is shared with
the station detail page and the keeper's summary."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts import audit
from app.accounts.actor import Actor
from app.accounts.worker_models import Worker
from app.adapters.wechat import WeChatError
from app.core import clock, error_codes
from app.core.errors import Conflict, Gone, InvalidInput, NotFound
from app.core.pagination import Page, paginate
from app.extensions import db, wechat
from app.ratings.models import COMMENT_HIDDEN, COMMENT_NONE, COMMENT_PUBLISHED, COMMENT_REVIEW, Rating
from app.reference import data as ref
from app.registry.models import Station
from app.registry.stations import get_station
from app.visits.models import SOURCE_SCAN, CheckIn

log = logging.getLogger(__name__)

# Ids in a URL beyond the column's range are simply absent (PostgreSQL would raise instead).
CHECKIN_ID_MAX = 2**63 - 1  # BIGINT
RATING_ID_MAX = 2**31 - 1  # INTEGER
STATUS_NAMES = ref.names(ref.RATING_COMMENT_STATUSES)


def checkin_not_found() -> NotFound:
    return NotFound("未找到该签到记录", code=error_codes.CHECKIN_NOT_FOUND)


def rating_not_found() -> NotFound:
    return NotFound("未找到该评价", code=error_codes.RATING_NOT_FOUND)


def already_rated() -> Conflict:
    return Conflict("这次签到已经评价过了", code=error_codes.ALREADY_RATED)


# The worker's side ------------------------------------------------------------------------------


def rating_closes_at(checkin: CheckIn) -> datetime:
    return checkin.checked_in_at + timedelta(hours=current_app.config["RATING_WINDOW_HOURS"])


def _own_checkin(worker: Worker, checkin_id: int) -> CheckIn:
    """The worker's own scanned visit. Someone else's is reported exactly like a missing one;
    walk-ins recorded by a keeper belong to no worker and are never rated."""
    if not 0 < checkin_id <= CHECKIN_ID_MAX:
        raise checkin_not_found()
    checkin = db.session.scalar(
        sa.select(CheckIn).where(CheckIn.id == checkin_id, CheckIn.worker_id == worker.id, CheckIn.source == SOURCE_SCAN)
    )
    if checkin is None:
        raise checkin_not_found()
    return checkin


def _rating_of(checkin_id: int) -> Rating | None:
    return db.session.scalar(sa.select(Rating).where(Rating.checkin_id == checkin_id))


def rate_visit(worker: Worker, checkin_id: int, *, score: int, tags: list[str], comment: str | None, at: datetime | None = None) -> Rating:
    """`at`: when the worker rates (default now; the demo data replays past visits)."""
    checkin = _own_checkin(worker, checkin_id)
    if _rating_of(checkin.id) is not None:
        raise already_rated()
    now = at or clock.now()
    if now >= rating_closes_at(checkin):
        hours = current_app.config["RATING_WINDOW_HOURS"]
        raise Gone(f"签到后 {hours} 小时内可以评价，这次签到已超过时限", code=error_codes.RATING_WINDOW_CLOSED)
    values = {"checkin_id": checkin.id, "station_id": checkin.station_id, "worker_id": worker.id}
    openid = worker.openid
    # Nothing is written yet: hand the connection back while WeChat is asked (up to seconds).
    db.session.rollback()
    comment_status, label = moderate(comment, openid)
    rating = Rating(
        **values,
        score=score,
        tags=list(dict.fromkeys(tags)),  # a tag ticked twice counts once
        comment=comment,
        comment_status=comment_status,
        moderation_label=label,
        created_at=now,
    )
    db.session.add(rating)
    try:
        db.session.commit()
    except IntegrityError:  # the same rating sent twice at once: the unique checkin_id decides
        db.session.rollback()
        raise already_rated() from None
    return rating


def moderate(text: str | None, openid: str, *, field: str = "comment", what: str = "留言") -> tuple[str, int | None]:
    """The text's status and WeChat's label. When WeChat cannot give a verdict the text is held
    for a person to read: never lost, never shown unchecked. Comments and keepers' replies alike;
    a risky one is refused as `{field}_rejected`, naming it `what`."""
    if not text:
        return COMMENT_NONE, None
    try:
        verdict = wechat.check_text(text, openid)
    except WeChatError as exc:
        log.warning("rating %s held for review: content check unavailable (%s)", field, exc.code)
        return COMMENT_REVIEW, None
    if verdict.suggest == "risky":
        # Nothing is stored: the author may say it again in other words.
        message = f"{what}含有不适宜公开的内容，请修改后再提交"
        raise InvalidInput(message, code=f"{field}_rejected", details={field: [message]})
    return (COMMENT_PUBLISHED if verdict.passed else COMMENT_REVIEW), verdict.label


def own_rating(worker: Worker, checkin_id: int) -> Rating:
    checkin = _own_checkin(worker, checkin_id)
    rating = _rating_of(checkin.id)
    if rating is None:
        raise rating_not_found()
    return rating


# The staff side ---------------------------------------------------------------------------------


def list_station_ratings(
    actor: Actor, code: str, *, comment_status: str | None = None, reply_status: str | None = None, page: int = 1, per_page: int = 20
) -> Page:
    station = get_station(actor, code)
    query = (
        sa.select(Rating)
        .where(Rating.station_id == station.id)
        .options(selectinload(Rating.station), selectinload(Rating.checkin))
        .order_by(Rating.created_at.desc(), Rating.id.desc())
    )
    if comment_status:
        query = query.where(Rating.comment_status == comment_status)
    if reply_status:  # keepers' replies held for review are found this way
        query = query.where(Rating.reply_status == reply_status)
    return paginate(query, page, per_page)


def rating_for_review(actor: Actor, rating_id: int) -> Rating:
    """The rating, locked for the change, if its station is in the actor's scope; another
    district's rating is reported exactly like a missing one."""
    if not 0 < rating_id <= RATING_ID_MAX:
        raise rating_not_found()
    query = sa.select(Rating).join(Rating.station).where(Rating.id == rating_id).with_for_update(of=Rating)
    if not actor.is_city:
        query = query.where(Station.district_code == actor.district_code)
    rating = db.session.scalar(query)
    if rating is None:
        raise rating_not_found()
    return rating


@dataclass(frozen=True)
class ReviewedPart:
    """A part of a rating staff moderate: the worker's comment, or the keeper's reply."""

    field: str  # the status column
    noun: str  # how people call it
    conflict_code: str
    stamps_reviewer: bool  # comments record who reviewed them and when


COMMENT = ReviewedPart("comment_status", "留言", "comment_status_conflict", stamps_reviewer=True)
REPLY = ReviewedPart("reply_status", "回复", "reply_status_conflict", stamps_reviewer=False)


def _review_snapshot(rating: Rating, part: ReviewedPart) -> dict:
    snapshot = {"station": rating.station.code, part.field: getattr(rating, part.field)}
    if part.stamps_reviewer:
        snapshot["reviewed_by"] = rating.reviewed_by
        snapshot["reviewed_at"] = rating.reviewed_at.isoformat() if rating.reviewed_at else None
    return snapshot


def review(actor: Actor, rating_id: int, part: ReviewedPart, *, to: str, allowed: tuple[str, ...], verb: str, action: str) -> Rating:
    """Move a comment or reply to `to` (publish or hide), if its status allows; audited."""
    rating = rating_for_review(actor, rating_id)
    status = getattr(rating, part.field)
    if status not in allowed:
        now = f"该评价没有{part.noun}" if status == COMMENT_NONE else f"该{part.noun}{STATUS_NAMES[status]}"
        raise Conflict(f"{now}，不能{verb}", code=part.conflict_code, details={part.field: status})
    before = _review_snapshot(rating, part)
    setattr(rating, part.field, to)
    if part.stamps_reviewer:
        rating.reviewed_by = actor.staff.id if actor.staff else None
        rating.reviewed_at = clock.now()
    audit.record(
        actor, action, "rating", str(rating.id),
        district_code=rating.station.district_code, before=before, after=_review_snapshot(rating, part),
    )  # fmt: skip
    db.session.commit()
    return rating


def approve_comment(actor: Actor, rating_id: int) -> Rating:
    """Publish a comment WeChat held for review (or one hidden before, on second thought)."""
    return review(
        actor, rating_id, COMMENT, to=COMMENT_PUBLISHED, allowed=(COMMENT_REVIEW, COMMENT_HIDDEN), verb="审核通过",
        action="rating.comment.approve",
    )  # fmt: skip


def hide_comment(actor: Actor, rating_id: int) -> Rating:
    """Keep a comment from everyone but its author. The score still counts."""
    return review(
        actor, rating_id, COMMENT, to=COMMENT_HIDDEN, allowed=(COMMENT_PUBLISHED, COMMENT_REVIEW), verb="隐藏",
        action="rating.comment.hide",
    )  # fmt: skip


# Summaries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None  # None when nobody rated
    distribution: dict[int, int]  # score 1–5 -> how many gave it

    @classmethod
    def of(cls, counts: dict[int, int]) -> RatingSummary:
        distribution = {score: counts.get(score, 0) for score in range(1, 6)}
        count = sum(distribution.values())
        total = sum(score * n for score, n in distribution.items())
        return cls(count=count, average=round(total / count, 2) if count else None, distribution=distribution)


def summarise(station_id: int, since: datetime | None = None, until: datetime | None = None) -> RatingSummary:
    """Scores given at a station in [since, until) (aware datetimes; None is open-ended). Every
    score counts, whatever became of its comment."""
    query = sa.select(Rating.score, sa.func.count()).where(Rating.station_id == station_id).group_by(Rating.score)
    if since is not None:
        query = query.where(Rating.created_at >= since)
    if until is not None:
        query = query.where(Rating.created_at < until)
    return RatingSummary.of(dict(db.session.execute(query).tuples().all()))


def station_summary(actor: Actor, code: str, *, since: date | None = None, until: date | None = None) -> dict:
    """The summary over local days since..until, both included."""
    station = get_station(actor, code)
    summary = summarise(
        station.id,
        clock.day_start(since) if since else None,
        clock.day_start(until + timedelta(days=1)) if until else None,
    )
    return {"station_code": station.code, "since": since, "until": until, **asdict(summary)}


def published_comments(station_id: int, limit: int = 5) -> list[Rating]:
    """The newest comments anyone may read: the only way a comment leaves its author and staff."""
    query = (
        sa.select(Rating)
        .where(Rating.station_id == station_id, Rating.comment_status == COMMENT_PUBLISHED)
        .order_by(Rating.created_at.desc(), Rating.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
