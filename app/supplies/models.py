from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.model_base import Base, utcnow
from app.registry.models import Station


class Supply(Base):
    """An item a station keeps (first-aid kit, medicine, sun-cream), with its expiry date.
    Removed items are kept (removed_at) so the history of what expired stays countable."""

    __tablename__ = "station_supplies"
    __table_args__ = (sa.Index("ix_station_supplies_expiry", "station_id", "expires_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    name: Mapped[str] = mapped_column(sa.String(50))
    quantity: Mapped[int] = mapped_column(default=1)
    expires_on: Mapped[date | None]
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    reminder_id: Mapped[int | None]  # the scheduled subscribe message, cancelled on change

    station: Mapped[Station] = relationship()
