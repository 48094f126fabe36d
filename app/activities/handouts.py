"""Keepers hand gifts out, and record people without a phone as counts.

A voucher is handed out once (a conditional UPDATE from `claimed` to `collected`), only at a
station of its activity (a keeper sees only their stations' vouchers), only while the activity
is under way. People without a phone are a count at the station; a correction is a new row with
the difference, as walk-ins are. When the activity has a gift, a count takes gifts from the same
stock as claims do (never beyond it), and a correction downward gives them back.

Taking part is not a visit: nothing here touches check-ins (docs/semantics.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.activities.models import CLAIM_CANCELLED, CLAIM_CLAIMED, CLAIM_COLLECTED, Activity, ActivityStation, GiftClaim, RecordedCount
from app.activities.scope import ID_MAX, activity_not_found
from app.core import clock, error_codes
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.keepers.models import StationKeeper
from app.registry.models import Station


def held_at(activity: Activity, station: Station) -> bool:
    if activity.whole_district:
        return station.district_code == activity.district_code
    return db.session.get(ActivityStation, (activity.id, station.id)) is not None


def _under_way(activity: Activity, *, grace: timedelta = timedelta(0)) -> None:
    now = clock.now()
    if activity.is_cancelled:
        raise Conflict("该活动已取消", code=error_codes.ACTIVITY_CANCELLED)
    if now < activity.starts_at:
        raise Conflict("活动尚未开始，开始后才能发放", code=error_codes.ACTIVITY_NOT_STARTED)
    if now >= activity.ends_at + grace:
        raise Conflict("该活动已结束", code=error_codes.ACTIVITY_ENDED)


def hand_out(binding: StationKeeper, voucher: str) -> GiftClaim:
    code = voucher.strip().upper()
    row = db.session.scalar(sa.select(GiftClaim).where(GiftClaim.voucher == code).with_for_update())
    if row is None:
        raise NotFound("券码无效", code=error_codes.VOUCHER_NOT_FOUND)
    if not held_at(row.activity, binding.station):
        raise Forbidden("该券不属于本站点的活动，不能在本站发放", code=error_codes.VOUCHER_WRONG_STATION)
    if row.status == CLAIM_COLLECTED:
        raise Conflict("该礼品已发放，不能重复发放", code=error_codes.CLAIM_ALREADY_COLLECTED)
    if row.status == CLAIM_CANCELLED:
        raise Conflict("该领取已取消", code=error_codes.CLAIM_CANCELLED)
    _under_way(row.activity)
    done = db.session.execute(
        sa.update(GiftClaim)
        .where(GiftClaim.id == row.id, GiftClaim.status == CLAIM_CLAIMED)
        .values(status=CLAIM_COLLECTED, collected_at=clock.now(), collected_station_id=binding.station_id, handed_out_by=binding.id)
        .returning(GiftClaim.id)
    ).first()
    if done is None:  # cannot happen under the row lock; the database has the last word anyway
        raise Conflict("该礼品已发放，不能重复发放", code=error_codes.CLAIM_ALREADY_COLLECTED)
    db.session.commit()
    db.session.refresh(row)
    return row


# --- people without a phone ---------------------------------------------------------------------


@dataclass
class CountEntry:
    entry: RecordedCount
    corrections: list[RecordedCount] = field(default_factory=list)

    @property
    def effective_count(self) -> int:
        return self.entry.headcount + sum(c.headcount for c in self.corrections)


def station_activity(binding: StationKeeper, activity_id: int, *, lock: bool = True) -> Activity:
    """An activity held at the keeper's station (locked: counts of one activity follow each other)."""
    if not 0 < activity_id <= ID_MAX:
        raise activity_not_found()
    query = sa.select(Activity).where(Activity.id == activity_id)
    activity = db.session.scalar(query.with_for_update() if lock else query)
    if activity is None or not held_at(activity, binding.station):
        raise activity_not_found()
    return activity


def _grace() -> timedelta:
    return timedelta(days=current_app.config["WALKIN_BACKDATE_DAYS"])


def _check_count(count: int, minimum: int) -> None:
    maximum = current_app.config["ACTIVITY_COUNT_MAX"]
    if not minimum <= count <= maximum:
        message = f"人数应在 {minimum} 到 {maximum} 之间"
        raise InvalidInput(message, code=error_codes.RECORDED_COUNT_INVALID, details={"count": [message]})


def _take(activity: Activity, delta: int) -> None:
    """Move `delta` gifts out of (or, negative, back into) the stock; never beyond it."""
    if activity.gift_name is None or delta == 0:
        return
    moved = db.session.execute(
        sa.update(Activity)
        .where(Activity.id == activity.id, Activity.gift_remaining - delta >= 0, Activity.gift_remaining - delta <= Activity.gift_stock)
        .values(gift_remaining=Activity.gift_remaining - delta)
        .returning(Activity.id)
    ).first()
    if moved is None:
        db.session.rollback()
        raise Conflict(f"礼品只剩 {activity.gift_remaining} 份", code=error_codes.GIFT_OUT_OF_STOCK)


def record_count(binding: StationKeeper, activity_id: int, *, count: int, note: str | None = None) -> CountEntry:
    """Open from the start of the activity until WALKIN_BACKDATE_DAYS after its end."""
    activity = station_activity(binding, activity_id)
    _under_way(activity, grace=_grace())
    _check_count(count, minimum=1)
    _take(activity, count)
    entry = RecordedCount(activity_id=activity.id, station_id=binding.station_id, headcount=count, recorded_by=binding.id, note=note)
    db.session.add(entry)
    db.session.commit()
    return CountEntry(entry)


def _corrections(entry_ids: list[int]) -> dict[int, list[RecordedCount]]:
    out: dict[int, list[RecordedCount]] = {entry_id: [] for entry_id in entry_ids}
    if entry_ids:
        for row in db.session.scalars(sa.select(RecordedCount).where(RecordedCount.corrects_id.in_(entry_ids)).order_by(RecordedCount.id)):
            out[row.corrects_id].append(row)
    return out


def correct_count(binding: StationKeeper, activity_id: int, entry_id: int, *, count: int, note: str | None = None) -> CountEntry:
    """Set an entry's total to `count` by adding the difference."""
    activity = station_activity(binding, activity_id)
    entry = db.session.scalar(
        sa.select(RecordedCount).where(
            RecordedCount.id == entry_id if 0 < entry_id <= ID_MAX else sa.false(),
            RecordedCount.activity_id == activity.id,
            RecordedCount.station_id == binding.station_id,
            RecordedCount.corrects_id.is_(None),
        )
    )
    if entry is None:
        raise NotFound("未找到该登记记录", code=error_codes.RECORDED_COUNT_NOT_FOUND)
    _under_way(activity, grace=_grace())
    _check_count(count, minimum=0)
    current = CountEntry(entry, _corrections([entry.id])[entry.id])
    delta = count - current.effective_count
    if delta == 0:
        raise Conflict(f"该登记现为 {count} 人，无需更正", code=error_codes.WALK_IN_UNCHANGED)
    _take(activity, delta)
    correction = RecordedCount(
        activity_id=activity.id, station_id=binding.station_id, headcount=delta, recorded_by=binding.id, corrects_id=entry.id, note=note
    )
    db.session.add(correction)
    db.session.commit()
    return CountEntry(entry, [*current.corrections, correction])


def list_counts(binding: StationKeeper, activity_id: int) -> list[CountEntry]:
    activity = station_activity(binding, activity_id, lock=False)
    entries = list(
        db.session.scalars(
            sa.select(RecordedCount)
            .where(
                RecordedCount.activity_id == activity.id,
                RecordedCount.station_id == binding.station_id,
                RecordedCount.corrects_id.is_(None),
            )
            .order_by(RecordedCount.id.desc())
        )
    )
    corrections = _corrections([e.id for e in entries])
    return [CountEntry(e, corrections[e.id]) for e in entries]
