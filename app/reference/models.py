"""Reference data from the work plan: districts with their targets, and the code lists."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.model_base import Base


class District(Base):
    """A row of 附件1 (with its 附件2 demonstration targets)."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(32), unique=True)
    sort_order: Mapped[int]
    built_by_oct_2021: Mapped[int]
    new_2022: Mapped[int]
    progress_2023_percent: Mapped[int]
    progress_2024_percent: Mapped[int]
    total_2025: Mapped[int]
    union_name: Mapped[str] = mapped_column(sa.String(64))
    union_phone: Mapped[str | None] = mapped_column(sa.String(32))

    demonstration_targets: Mapped[list[DemonstrationTarget]] = relationship(
        back_populates="district", order_by="DemonstrationTarget.year", cascade="all, delete-orphan"
    )

    @property
    def target_2023(self) -> int:
        return _share(self.total_2025, self.progress_2023_percent)

    @property
    def target_2024(self) -> int:
        return _share(self.total_2025, self.progress_2024_percent)


def _share(total: int, percent: int) -> int:
    # A share of a station count is a whole station: round up, so 60 % of 39 is 24, not 23.4.
    return -(-total * percent // 100)


class DemonstrationTarget(Base):
    """附件2: demonstration stations a district builds in one year."""

    __tablename__ = "demonstration_targets"

    district_code: Mapped[str] = mapped_column(sa.ForeignKey("districts.code"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int]

    district: Mapped[District] = relationship(back_populates="demonstration_targets")


class CodeListMixin:
    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    sort_order: Mapped[int]


class WorkerGroup(CodeListMixin, Base):
    __tablename__ = "worker_groups"


class HostType(CodeListMixin, Base):
    __tablename__ = "host_types"


class BuildMode(CodeListMixin, Base):
    """自建 / 共建, and the partner programmes (kind `partner`) a co-built station may belong to."""

    __tablename__ = "build_modes"

    kind: Mapped[str] = mapped_column(sa.String(16))


class SixHasItem(CodeListMixin, Base):
    __tablename__ = "six_has_items"


class CareActivityKind(CodeListMixin, Base):
    __tablename__ = "care_activity_kinds"

    description: Mapped[str] = mapped_column(sa.Text)


class CityPlan(Base):
    """The 合计 rows of 附件1 and 附件2 as printed: the city's own targets. 附件1's district rows
    do not add up to its 合计 row in the source; both are kept (see reference_data)."""

    __tablename__ = "city_plan"

    document: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    built_by_oct_2021: Mapped[int]
    new_2022: Mapped[int]
    progress_2023_percent: Mapped[int]
    progress_2024_percent: Mapped[int]
    total_2025: Mapped[int]
    demonstration_2022: Mapped[int]
    demonstration_2023: Mapped[int]
    demonstration_2024: Mapped[int]
    demonstration_2025: Mapped[int]
    demonstration_total: Mapped[int]
