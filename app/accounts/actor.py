from __future__ import annotations

from dataclasses import dataclass

from app.accounts.staff_models import StaffAccount


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in staff member, or the command line (staff None, full scope)."""

    staff: StaffAccount | None
    remote_addr: str | None = None

    @property
    def label(self) -> str:
        return self.staff.username if self.staff else "cli"

    @property
    def is_city(self) -> bool:
        return self.staff is None or self.staff.is_city

    @property
    def district_code(self) -> str | None:
        return None if self.is_city else self.staff.district_code

    def can_see_district(self, district_code: str) -> bool:
        return self.is_city or self.staff.district_code == district_code


CLI_ACTOR = Actor(staff=None)
