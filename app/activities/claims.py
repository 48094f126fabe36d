"""A worker's claims of activity gifts, and the activities a worker sees.

One claim per worker and activity, never more than the stock — both held by the database, so
they hold across gunicorn workers (models.py):
1. the worker's second claim breaks the partial unique index: `already_claimed`;
2. the stock: one conditional UPDATE takes a gift (`gift_remaining > 0`), row-locking the
   activity until commit, so 500 concurrent claims on 300 take exactly 300; without a gift
   left the whole transaction (claim and reminder) rolls back: `gift_out_of_stock`.
Cancelling a claim (before it is collected) gives its gift back and cancels its reminder.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.accounts.worker_models import Worker
from app.activities import reminders
from app.activities.models import CLAIM_CANCELLED, CLAIM_CLAIMED, CLAIM_COLLECTED, STATUS_ACTIVE, Activity, GiftClaim
from app.activities.scope import ID_MAX, activity_not_found
from app.core import clock, error_codes
from app.core.errors import Conflict, NotFound
from app.extensions import db

VOUCHER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: keepers may type it
VOUCHER_LENGTH = 10


def new_voucher() -> str:
    return "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(VOUCHER_LENGTH))


def claim_not_found() -> NotFound:
    return NotFound("未找到该领取记录", code=error_codes.CLAIM_NOT_FOUND)


def open_activity(activity_id: int) -> Activity:
    """An activity a worker may see: not cancelled, not ended."""
    if not 0 < activity_id <= ID_MAX:
        raise activity_not_found()
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise activity_not_found()
    if activity.is_cancelled:
        raise Conflict("该活动已取消", code=error_codes.ACTIVITY_CANCELLED)
    if activity.ends_at <= clock.now():
        raise Conflict("该活动已结束", code=error_codes.ACTIVITY_ENDED)
    return activity


def _take_one(activity_id: int) -> bool:
    """Take one gift from the stock, if any is left: the database decides, atomically."""
    taken = db.session.execute(
        sa.update(Activity)
        .where(Activity.id == activity_id, Activity.status == STATUS_ACTIVE, Activity.gift_remaining > 0)
        .values(gift_remaining=Activity.gift_remaining - 1)
        .returning(Activity.id)
    ).first()
    return taken is not None


def _live_claim(activity_id: int, worker_id: int) -> GiftClaim | None:
    return db.session.scalar(
        sa.select(GiftClaim).where(
            GiftClaim.activity_id == activity_id, GiftClaim.worker_id == worker_id, GiftClaim.status != CLAIM_CANCELLED
        )
    )


def already_claimed() -> Conflict:
    return Conflict("您已领取过该活动的礼品（每人限领一份）", code=error_codes.ALREADY_CLAIMED)


def claim(worker: Worker, activity_id: int, *, remind: bool = False) -> GiftClaim:
    """`remind`: the worker accepted the one-time subscribe message for the reminder.

    The gift is taken last, just before the commit: the activity's row is the one every claim
    of it waits for, so it is held for one UPDATE and the commit, nothing more."""
    activity = open_activity(activity_id)
    if activity.gift_name is None:
        raise Conflict("该活动没有可领取的礼品", code=error_codes.ACTIVITY_HAS_NO_GIFT)
    if _live_claim(activity.id, worker.id) is not None:  # the common case, without taking stock
        raise already_claimed()
    row = GiftClaim(activity_id=activity.id, worker_id=worker.id, voucher=new_voucher(), status=CLAIM_CLAIMED)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise already_claimed() from None
    if remind:
        reminders.schedule(row, activity)
    if not _take_one(activity.id):
        db.session.rollback()  # the claim and its reminder go with it
        raise Conflict("礼品已领完", code=error_codes.GIFT_OUT_OF_STOCK)
    db.session.commit()
    return row


def own_claim(worker: Worker, claim_id: int, *, lock: bool = False) -> GiftClaim:
    """The worker's own claim; anyone else's is not found."""
    if not 0 < claim_id <= ID_MAX:
        raise claim_not_found()
    query = sa.select(GiftClaim).where(GiftClaim.id == claim_id, GiftClaim.worker_id == worker.id)
    row = db.session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise claim_not_found()
    return row


def cancel_claim(worker: Worker, claim_id: int) -> GiftClaim:
    row = own_claim(worker, claim_id, lock=True)
    if row.status == CLAIM_COLLECTED:
        raise Conflict("礼品已发放，不能取消", code=error_codes.CLAIM_ALREADY_COLLECTED)
    if row.status == CLAIM_CANCELLED:
        raise Conflict("该领取已取消", code=error_codes.CLAIM_CANCELLED)
    row.status, row.cancelled_at = CLAIM_CANCELLED, clock.now()
    db.session.execute(
        sa.update(Activity)
        .where(Activity.id == row.activity_id, Activity.gift_remaining.is_not(None))
        .values(gift_remaining=Activity.gift_remaining + 1)
    )
    reminders.cancel(row)
    db.session.commit()
    return row


def my_claims(worker: Worker, *, since: datetime | None = None) -> list[GiftClaim]:
    """The worker's claims, newest first (cancelled ones too, so the history reads right)."""
    query = sa.select(GiftClaim).where(GiftClaim.worker_id == worker.id)
    if since is not None:
        query = query.where(GiftClaim.claimed_at >= since)
    return list(db.session.scalars(query.order_by(GiftClaim.id.desc()).limit(100)))
