from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.worker_models import Worker
from app.core.model_base import Base, JSONType, utcnow
from app.registry.models import Station

SOURCE_SCAN = "scan"
SOURCE_MANUAL = "manual"


class CheckIn(Base):
    """One visit (1 人次): a worker's check-in at a station. Scans by the same worker at the same
    station within the dedupe window are this same visit, never a second one."""

    __tablename__ = "checkins"
    __table_args__ = (
        sa.CheckConstraint("source IN ('scan', 'manual')", name="source"),
        sa.CheckConstraint("(source = 'scan') = (worker_id IS NOT NULL)", name="scan_has_worker"),
        # The database's word on "one visit per worker, station and window", across processes
        # and with Redis down. The service also looks back a whole window before inserting.
        sa.UniqueConstraint("worker_id", "station_id", "dedupe_bucket", name="uq_checkins_worker_station_bucket"),
        sa.Index("ix_checkins_station_time", "station_id", "checked_in_at"),
        sa.Index("ix_checkins_worker_time", "worker_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    source: Mapped[str] = mapped_column(sa.String(8), default=SOURCE_SCAN)
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    dedupe_bucket: Mapped[int | None]  # checked_in_at // window, for the unique constraint
    services: Mapped[list] = mapped_column(JSONType, default=list)
    # Only the distance from the station, when the worker shared their location (which must have
    # been within the geofence): never their coordinates (README "Privacy", collect less).
    distance_m: Mapped[float | None] = mapped_column(sa.Double)
    worker_group: Mapped[str | None] = mapped_column(sa.String(32))  # as the worker said at the time
    # How many visits this row stands for: 1 for a scan; a keeper's walk-in entry records
    # several at once, and a correction is a new entry with the difference (never an overwrite).
    headcount: Mapped[int] = mapped_column(default=1, server_default="1")
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("station_keepers.id"))  # walk-ins
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("checkins.id"))
    note: Mapped[str | None] = mapped_column(sa.String(100))

    station: Mapped[Station] = relationship()
    worker: Mapped[Worker | None] = relationship()

    @property
    def located(self) -> bool:
        return self.distance_m is not None


class IdempotencyRecord(Base):
    """A check-in request's Idempotency-Key: its replay gets the same answer."""

    __tablename__ = "idempotency_records"
    __table_args__ = (sa.UniqueConstraint("worker_id", "key", name="uq_idempotency_records_worker_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id"))
    key: Mapped[str] = mapped_column(sa.String(128))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    checkin_id: Mapped[int] = mapped_column(sa.ForeignKey("checkins.id"))
    status_code: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
