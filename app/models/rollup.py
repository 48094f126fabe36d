"""Pre-aggregated visit counts (rollups), kept current in the same transaction as each visit row
and rebuildable from the raw check-ins (app/services/rollups.py). A day is a local
(Asia/Shanghai) calendar day. `worker_group` is '' where the visit carried none, so it can be
part of a primary key."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# Each rollup row is split over this many shards (the visit's id modulo SHARDS, chosen by the
# database function yizhan_record_visit): concurrent check-ins of one day then seldom wait on
# one another's row lock until commit. Readers always sum rows, so they sum the shards too.
SHARDS = 8


class VisitDayStation(Base):
    """Visits (sum of headcount) per day, station, source and worker group."""

    __tablename__ = "visit_day_station"
    __table_args__ = (sa.Index("ix_visit_day_station_district_day", "district_code", "day"),)

    day: Mapped[date] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(primary_key=True)  # no FK: rebuilt wholesale, kept lean
    source: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    worker_group: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    shard: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, default=0, server_default="0")  # see SHARDS
    district_code: Mapped[str] = mapped_column(sa.String(8))  # a station never changes district
    visits: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class VisitDayDistrict(Base):
    """Visits per day, district, source and worker group: small (days × 13 × 2 × 9 at most)."""

    __tablename__ = "visit_day_district"

    day: Mapped[date] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    worker_group: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    shard: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, default=0, server_default="0")  # see SHARDS
    visits: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class VisitDayService(Base):
    """Visits per day, district, service used, source and worker group. A visit using several
    services counts once under each of them (only scans carry services)."""

    __tablename__ = "visit_day_service"
    __table_args__ = (sa.Index("ix_visit_day_service_service_day", "service", "day"),)

    day: Mapped[date] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    service: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    worker_group: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    shard: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, default=0, server_default="0")  # see SHARDS
    visits: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class VisitDayWorkers(Base):
    """Distinct workers, made additive: on `day`, how many workers had their first scanned visit
    of that day / ISO week / month / quarter / year within the scope. The distinct workers of a
    whole period are the sum of `new_<period>` over the period's days.

    scope: 'city' (scope_key ''), 'district' (scope_key the district code) or 'station'
    (scope_key the station id as text)."""

    __tablename__ = "visit_day_workers"
    __table_args__ = (sa.Index("ix_visit_day_workers_scope_district_day", "scope", "district_code", "day"),)

    day: Mapped[date] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    scope_key: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    shard: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, default=0, server_default="0")  # see SHARDS
    district_code: Mapped[str] = mapped_column(sa.String(8))  # the district's or station's; '' for the city
    new_day: Mapped[int] = mapped_column(default=0)
    new_week: Mapped[int] = mapped_column(default=0)
    new_month: Mapped[int] = mapped_column(default=0)
    new_quarter: Mapped[int] = mapped_column(default=0)
    new_year: Mapped[int] = mapped_column(default=0)


class VisitMonthDistrict(Base):
    """visit_day_district summed by calendar month (`month` is its first day): what a report by
    month, quarter or year over whole months reads, 30 times fewer rows."""

    __tablename__ = "visit_month_district"

    month: Mapped[date] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    worker_group: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    shard: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, default=0, server_default="0")  # see SHARDS
    visits: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class VisitMonthWorkers(Base):
    """visit_day_workers' city and district rows summed by calendar month: new_month, new_quarter
    and new_year stay additive (a month lies within one quarter and one year)."""

    __tablename__ = "visit_month_workers"

    month: Mapped[date] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    scope_key: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    shard: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, default=0, server_default="0")  # see SHARDS
    district_code: Mapped[str] = mapped_column(sa.String(8))
    new_month: Mapped[int] = mapped_column(default=0)
    new_quarter: Mapped[int] = mapped_column(default=0)
    new_year: Mapped[int] = mapped_column(default=0)
