"""Per-activity figures, one query per source for any number of activities; the reports, the
campaign summary and the keeper's view add them up.

- claimed: live claims (not cancelled), collected or not;
- collected: claims whose gift was handed out;
- recorded: people without a phone recorded by keepers (entries plus corrections);
- people reached = collected + recorded (docs/semantics.md: never visits);
- handed out = people reached when the activity has a gift, else 0; left = the stock's remainder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from app.activities.models import CLAIM_CANCELLED, CLAIM_COLLECTED, Activity, GiftClaim, RecordedCount
from app.extensions import db


@dataclass(frozen=True)
class Figures:
    claimed: int = 0
    collected: int = 0
    recorded: int = 0
    has_gift: bool = False
    stock: int = 0
    left: int = 0

    @property
    def people_reached(self) -> int:
        return self.collected + self.recorded

    @property
    def handed_out(self) -> int:
        return self.people_reached if self.has_gift else 0


def for_activities(activities: Iterable[Activity], *, station_id: int | None = None) -> dict[int, Figures]:
    """station_id: only what happened at that station (the stock stays the activity's)."""
    by_id = {a.id: a for a in activities}
    if not by_id:
        return {}
    claims = sa.select(
        GiftClaim.activity_id,
        sa.func.count().filter(GiftClaim.status != CLAIM_CANCELLED),
        sa.func.count().filter(GiftClaim.status == CLAIM_COLLECTED),
    ).where(GiftClaim.activity_id.in_(by_id))
    recorded = sa.select(RecordedCount.activity_id, sa.func.sum(RecordedCount.headcount)).where(RecordedCount.activity_id.in_(by_id))
    if station_id is not None:
        claims = claims.where(GiftClaim.collected_station_id == station_id)
        recorded = recorded.where(RecordedCount.station_id == station_id)
    claim_rows = {row[0]: row[1:] for row in db.session.execute(claims.group_by(GiftClaim.activity_id))}
    recorded_rows = dict(db.session.execute(recorded.group_by(RecordedCount.activity_id)).all())
    out = {}
    for activity_id, activity in by_id.items():
        claimed, collected = claim_rows.get(activity_id, (0, 0))
        out[activity_id] = Figures(
            claimed=claimed,
            collected=collected,
            recorded=int(recorded_rows.get(activity_id) or 0),
            has_gift=activity.gift_name is not None,
            stock=activity.gift_stock or 0,
            left=activity.gift_remaining or 0,
        )
    return out


@dataclass
class Totals:
    """A group of activities' figures and money (万元) added up."""

    activities: int = 0
    claimed: int = 0
    collected: int = 0
    recorded: int = 0
    people_reached: int = 0
    handed_out: int = 0
    stock: int = 0
    left: int = 0
    union_amount: Decimal = Decimal("0.00")
    government_amount: Decimal = Decimal("0.00")
    other_amount: Decimal = Decimal("0.00")

    @property
    def total_amount(self) -> Decimal:
        return self.union_amount + self.government_amount + self.other_amount

    def add(self, activity: Activity, figures: Figures) -> None:
        self.activities += 1
        for name in ("claimed", "collected", "recorded", "people_reached", "handed_out", "stock", "left"):
            setattr(self, name, getattr(self, name) + getattr(figures, name))
        for name in ("union_amount", "government_amount", "other_amount"):
            setattr(self, name, getattr(self, name) + getattr(activity, name))
