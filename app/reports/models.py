"""投入资金 per station and quarter, and the districts' quarterly form (附件3) submissions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.staff_models import StaffAccount
from app.core.model_base import Base, TimestampMixin, utcnow
from app.reference.models import District
from app.registry.models import Station

# 万元 with two decimals: exact, never float.
Money = sa.Numeric(12, 2)


class Investment(TimestampMixin, Base):
    """What went into one station in one quarter, by source, in 万元 (10,000 yuan)."""

    __tablename__ = "investments"
    __table_args__ = (
        sa.UniqueConstraint("station_id", "year", "quarter", name="uq_investments_station_year_quarter"),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
        sa.CheckConstraint("union_amount >= 0 AND government_amount >= 0 AND other_amount >= 0", name="amounts"),
        sa.Index("ix_investments_year_district", "year", "district_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    # The station's district, kept here so a district's sums need no join (a station never
    # changes district: its code carries the district's prefix).
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("districts.code"))
    year: Mapped[int]
    quarter: Mapped[int]
    union_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))  # 工会投入
    government_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))  # 政府投入
    other_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))  # 其他资金
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))

    station: Mapped[Station] = relationship()

    @property
    def total(self) -> Decimal:
        return self.union_amount + self.government_amount + self.other_amount


class QuarterlySubmission(Base):
    """A district's word that it has filed its quarterly form (附件3) for a quarter."""

    __tablename__ = "quarterly_submissions"
    __table_args__ = (
        sa.UniqueConstraint("district_code", "year", "quarter", name="uq_quarterly_submissions_district_year_quarter"),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.ForeignKey("districts.code"))
    year: Mapped[int]
    quarter: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))
    submitted_by_name: Mapped[str] = mapped_column(sa.String(64))

    district: Mapped[District] = relationship()
    submitter: Mapped[StaffAccount | None] = relationship()
