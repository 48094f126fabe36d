"""Station keepers (站点管理员): who keeps which station, how they were bound, and what they
post about the station now (live amenity status, with its history)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONType, utcnow
from app.models.station import Station
from app.models.worker import Worker


class KeeperCode(Base):
    """A one-time binding code staff hand to a keeper. Only its hash is stored."""

    __tablename__ = "keeper_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), index=True)
    issued_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    revoked_at: Mapped[datetime | None]

    station: Mapped[Station] = relationship()


class StationKeeper(Base):
    """A worker (WeChat user) who keeps a station. Revoked bindings are kept, not deleted."""

    __tablename__ = "station_keepers"
    __table_args__ = (
        # One live binding per person and station; a revoked one may be followed by a new one.
        sa.Index(
            "uq_station_keepers_active",
            "station_id",
            "worker_id",
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"), index=True)
    keeper_code_id: Mapped[int | None] = mapped_column(sa.ForeignKey("keeper_codes.id"))
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))

    station: Mapped[Station] = relationship()
    worker: Mapped[Worker] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class StationStatus(Base):
    """What a station's keepers last said about each part, each with its own time; one row per
    station. Readers apply the freshness limit (an old value reads unknown)."""

    __tablename__ = "station_statuses"

    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), primary_key=True)
    water: Mapped[str | None] = mapped_column(sa.String(16))  # available / low / out
    water_at: Mapped[datetime | None]
    toilet: Mapped[str | None] = mapped_column(sa.String(16))  # open / cleaning / closed
    toilet_at: Mapped[datetime | None]
    rest_seats: Mapped[str | None] = mapped_column(sa.String(16))  # available / full
    seats_free: Mapped[int | None]
    rest_seats_at: Mapped[datetime | None]
    station_state: Mapped[str | None] = mapped_column(sa.String(24))  # open / closed_temporarily
    closure_reason: Mapped[str | None] = mapped_column(sa.String(100))
    closed_until: Mapped[datetime | None]
    station_state_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(sa.String(100))
    note_at: Mapped[datetime | None]


class StatusUpdate(Base):
    """The history: every post, who made it and what it changed."""

    __tablename__ = "status_updates"
    __table_args__ = (sa.Index("ix_status_updates_station_time", "station_id", "posted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    keeper_id: Mapped[int] = mapped_column(sa.ForeignKey("station_keepers.id"))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict] = mapped_column(JSONType)

    keeper: Mapped[StationKeeper] = relationship()
