from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.model_base import Base, TimestampMixin
from app.reference.models import District

ROLE_CITY = "city"
ROLE_DISTRICT = "district"
ROLES = (ROLE_CITY, ROLE_DISTRICT)


class StaffAccount(TimestampMixin, Base):
    """A union staff member: city staff see every district, district staff one."""

    __tablename__ = "staff_accounts"
    __table_args__ = (
        sa.CheckConstraint("role IN ('city', 'district')", name="role"),
        sa.CheckConstraint(
            "(role = 'city' AND district_code IS NULL) OR (role = 'district' AND district_code IS NOT NULL)",
            name="district_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    display_name: Mapped[str] = mapped_column(sa.String(64))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    role: Mapped[str] = mapped_column(sa.String(16))
    district_code: Mapped[str | None] = mapped_column(sa.ForeignKey("districts.code"))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on sign-out and password change; tokens carry it, so old ones stop working.
    token_version: Mapped[int] = mapped_column(default=1)

    district: Mapped[District | None] = relationship()

    @property
    def is_city(self) -> bool:
        return self.role == ROLE_CITY

    def can_see_district(self, district_code: str) -> bool:
        return self.is_city or self.district_code == district_code
