from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.model_base import Base, JSONType, utcnow
from app.registry.models import Station

PASS, FAIL = "pass", "fail"


class SpotCheck(Base):
    """One unannounced inspection (暗访) as staff recorded it on the spot."""

    __tablename__ = "spot_checks"
    __table_args__ = (
        sa.CheckConstraint("verdict IN ('pass', 'fail')", name="verdict"),
        sa.Index("ix_spot_checks_station_time", "station_id", "checked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    district_code: Mapped[str] = mapped_column(sa.String(8), index=True)
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_accounts.id"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    open_as_posted: Mapped[bool]  # open as its hours say
    six_has: Mapped[list] = mapped_column(JSONType)  # [{"item", "passed"}] for the 六有 items
    supplies_in_date: Mapped[bool]
    clean: Mapped[bool]
    verdict: Mapped[str] = mapped_column(sa.String(8))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    photo_keys: Mapped[list] = mapped_column(JSONType, default=list)

    station: Mapped[Station] = relationship()

    @property
    def photo_count(self) -> int:
        return len(self.photo_keys or [])
