"""Care activities (附件5) and what hangs off them: stations, gifts claimed and handed out,
people recorded without a phone, the yearly plan, the care month.

Taking part is never a visit (docs/semantics.md): nothing here writes a check-in or a rollup.
The two rules the database itself holds, across gunicorn workers:
- at most one live claim per worker and activity (a partial unique index: a cancelled claim
  frees the worker to claim again);
- never more than the stock: `gift_remaining` is decremented by a conditional UPDATE and a CHECK
  keeps it between 0 and the stock.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.staff_models import StaffAccount
from app.core.model_base import Base, JSONType, TimestampMixin, utcnow
from app.reference.models import District
from app.registry.models import Station

Money = sa.Numeric(12, 2)  # 万元 with two decimals, as the quarterly form's funds
ZERO = Decimal("0.00")

STATUS_ACTIVE = "active"
STATUS_CANCELLED = "cancelled"

CLAIM_CLAIMED = "claimed"
CLAIM_COLLECTED = "collected"
CLAIM_CANCELLED = "cancelled"


class Campaign(TimestampMixin, Base):
    """主题关爱服务月: a district's themed care month; at most one per district and year."""

    __tablename__ = "activity_campaigns"
    __table_args__ = (
        sa.UniqueConstraint("district_code", "year", name="uq_activity_campaigns_district_year"),
        sa.CheckConstraint("starts_on <= ends_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("districts.code"))
    year: Mapped[int]
    theme: Mapped[str] = mapped_column(sa.String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    worker_groups: Mapped[list] = mapped_column(JSONType, default=list)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))

    district: Mapped[District] = relationship()


class Activity(TimestampMixin, Base):
    """One care activity of one of the seven kinds, at some stations or the whole district."""

    __tablename__ = "activities"
    __table_args__ = (
        sa.CheckConstraint("status IN ('active', 'cancelled')", name="status"),
        sa.CheckConstraint("starts_at < ends_at", name="times"),
        sa.CheckConstraint("union_amount >= 0 AND government_amount >= 0 AND other_amount >= 0", name="amounts"),
        # A gift has a name and a stock, and never goes below 0 or above its stock.
        sa.CheckConstraint(
            "(gift_name IS NULL AND gift_stock IS NULL AND gift_remaining IS NULL)"
            " OR (gift_name IS NOT NULL AND gift_stock >= 0 AND gift_remaining BETWEEN 0 AND gift_stock)",
            name="gift",
        ),
        sa.Index("ix_activities_district_starts", "district_code", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("districts.code"))
    kind: Mapped[str] = mapped_column(sa.ForeignKey("care_activity_kinds.code"))
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str | None] = mapped_column(sa.Text)
    whole_district: Mapped[bool] = mapped_column(default=False)  # else: the rows of activity_stations
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    worker_groups: Mapped[list] = mapped_column(JSONType, default=list)
    host_unit: Mapped[str | None] = mapped_column(sa.String(128))
    union_amount: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # 工会投入
    government_amount: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # 政府投入
    other_amount: Mapped[Decimal] = mapped_column(Money, default=ZERO)  # 其他资金
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activity_campaigns.id"), index=True)
    gift_name: Mapped[str | None] = mapped_column(sa.String(50))
    gift_stock: Mapped[int | None]
    gift_remaining: Mapped[int | None]
    # 专项活动方案: a file in app/core/files' store (kind "plan").
    plan_file_key: Mapped[str | None] = mapped_column(sa.String(200))
    plan_file_type: Mapped[str | None] = mapped_column(sa.String(100))
    plan_file_size: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(12), default=STATUS_ACTIVE)
    cancelled_reason: Mapped[str | None] = mapped_column(sa.String(200))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))

    district: Mapped[District] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    stations: Mapped[list[Station]] = relationship(secondary="activity_stations", order_by="Station.code")
    creator: Mapped[StaffAccount | None] = relationship()

    @property
    def total_amount(self) -> Decimal:
        return self.union_amount + self.government_amount + self.other_amount

    @property
    def is_cancelled(self) -> bool:
        return self.status == STATUS_CANCELLED


class ActivityStation(Base):
    __tablename__ = "activity_stations"

    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), primary_key=True, index=True)


class GiftClaim(Base):
    """A worker's claim of an activity's gift; its voucher is shown as a QR and handed out once."""

    __tablename__ = "gift_claims"
    __table_args__ = (
        sa.CheckConstraint("status IN ('claimed', 'collected', 'cancelled')", name="status"),
        sa.CheckConstraint("(status = 'collected') = (collected_at IS NOT NULL)", name="collected"),
        # One live claim per worker and activity: the race's second answer is this index's.
        sa.Index(
            "uq_gift_claims_activity_worker_live",
            "activity_id",
            "worker_id",
            unique=True,
            postgresql_where=sa.text("status <> 'cancelled'"),
        ),
        sa.Index("ix_gift_claims_worker", "worker_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"))
    # NULL once the worker's personal data is erased: the claim still counts in the reports.
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    voucher: Mapped[str] = mapped_column(sa.String(16), unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=CLAIM_CLAIMED)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    collected_at: Mapped[datetime | None]
    collected_station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    handed_out_by: Mapped[int | None] = mapped_column(sa.ForeignKey("station_keepers.id"))
    cancelled_at: Mapped[datetime | None]
    reminder_id: Mapped[int | None]  # the subscribe message scheduled for it (app/accounts/subscribe_messages)

    activity: Mapped[Activity] = relationship()
    collected_station: Mapped[Station | None] = relationship()


class RecordedCount(Base):
    """People without a phone who received a gift, recorded by a keeper as a count. A correction
    is a new row with the difference (`corrects_id`), never an overwrite — as walk-ins are."""

    __tablename__ = "activity_recorded_counts"
    __table_args__ = (sa.Index("ix_activity_recorded_counts_activity", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id"))
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    headcount: Mapped[int]
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("station_keepers.id"))
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("activity_recorded_counts.id"))
    note: Mapped[str | None] = mapped_column(sa.String(100))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    station: Mapped[Station] = relationship()


class PlanTarget(Base):
    """The yearly plan: how many activities of a kind a district means to hold in a quarter."""

    __tablename__ = "activity_plan_targets"
    __table_args__ = (
        sa.UniqueConstraint("district_code", "year", "quarter", "kind", name="uq_activity_plan_targets_cell"),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
        sa.CheckConstraint("target >= 0", name="target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("districts.code"))
    year: Mapped[int]
    quarter: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.ForeignKey("care_activity_kinds.code"))
    target: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
