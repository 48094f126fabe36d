"""Loading and reading the plan's reference data (`app.reference.data`)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.reference import data as ref
from app.reference.models import BuildMode, CareActivityKind, CityPlan, DemonstrationTarget, District, HostType, SixHasItem, WorkerGroup


class ReferenceDataError(RuntimeError):
    """The transcription of the plan does not add up to the plan's own totals rows."""


def plan_row_sums() -> dict[str, int]:
    return {key: sum(getattr(d, key) for d in ref.DISTRICTS) for key in ref.PLAN_TOTALS}


def plan_discrepancies() -> list[dict]:
    """Where 附件1's district rows do not add up to its printed 合计 row."""
    sums = plan_row_sums()
    return [{"column": key, "districts_sum": sums[key], "total_row": total} for key, total in ref.PLAN_TOTALS.items() if sums[key] != total]


def check_transcription() -> None:
    """Guard against typos in `reference_data`: the rows must add up as the plan's rows do."""
    if plan_row_sums() != ref.PLAN_ROW_SUMS_AS_PRINTED:
        raise ReferenceDataError(f"附件1 rows add up to {plan_row_sums()}, the printed rows to {ref.PLAN_ROW_SUMS_AS_PRINTED}")
    for d in ref.DISTRICTS:
        if sum(d.demonstration.values()) != d.demonstration_total:
            raise ReferenceDataError(f"附件2 {d.name}: years do not add up to its total")
    for year in ref.DEMONSTRATION_YEARS:
        got = sum(d.demonstration.get(year, 0) for d in ref.DISTRICTS)
        if got != ref.DEMONSTRATION_TOTALS[year]:
            raise ReferenceDataError(f"附件2 {year}: rows add up to {got}, the plan says {ref.DEMONSTRATION_TOTALS[year]}")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0


def _upsert(model, key: dict, values: dict, result: LoadResult):
    row = db.session.get(model, tuple(key.values()) if len(key) > 1 else next(iter(key.values())))
    if row is None:
        db.session.add(model(**key, **values))
        result.created += 1
        return
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    result.updated += changed


def load_reference_data() -> LoadResult:
    """Insert or correct every reference row; running it twice changes nothing the second time.
    District union phones are left as staff set them."""
    check_transcription()
    result = LoadResult()
    for order, d in enumerate(ref.DISTRICTS, start=1):
        _upsert(
            District,
            {"code": d.code},
            {
                "name": d.name,
                "sort_order": order,
                "built_by_oct_2021": d.built_by_oct_2021,
                "new_2022": d.new_2022,
                "progress_2023_percent": ref.PROGRESS_2023_PERCENT,
                "progress_2024_percent": ref.PROGRESS_2024_PERCENT,
                "total_2025": d.total_2025,
                "union_name": f"{d.name}总工会",
            },
            result,
        )
        for year in ref.DEMONSTRATION_YEARS:
            _upsert(
                DemonstrationTarget,
                {"district_code": d.code, "year": year},
                {"count": d.demonstration.get(year, 0)},
                result,
            )
    _upsert(
        CityPlan,
        {"document": ref.PLAN_DOCUMENT},
        {
            **ref.PLAN_TOTALS,
            "progress_2023_percent": ref.PROGRESS_2023_PERCENT,
            "progress_2024_percent": ref.PROGRESS_2024_PERCENT,
            **{f"demonstration_{y}": ref.DEMONSTRATION_TOTALS[y] for y in ref.DEMONSTRATION_YEARS},
            "demonstration_total": ref.DEMONSTRATION_TOTALS["total"],
        },
        result,
    )
    for model, rows in (
        (WorkerGroup, ref.WORKER_GROUPS),
        (HostType, ref.HOST_TYPES),
        (SixHasItem, ref.SIX_HAS_ITEMS),
    ):
        for order, (code, name) in enumerate(rows, start=1):
            _upsert(model, {"code": code}, {"name": name, "sort_order": order}, result)
    for order, (code, name, kind) in enumerate(ref.BUILD_MODES, start=1):
        _upsert(BuildMode, {"code": code}, {"name": name, "sort_order": order, "kind": kind}, result)
    for order, (code, name, description) in enumerate(ref.CARE_ACTIVITY_KINDS, start=1):
        _upsert(
            CareActivityKind,
            {"code": code},
            {"name": name, "sort_order": order, "description": description},
            result,
        )
    db.session.commit()
    return result


def _ordered(model) -> list:
    return list(db.session.scalars(sa.select(model).order_by(model.sort_order)))


def districts() -> list[District]:
    return _ordered(District)


def get_reference() -> dict:
    return {
        "districts": districts(),
        "worker_groups": _ordered(WorkerGroup),
        "host_types": _ordered(HostType),
        "build_modes": _ordered(BuildMode),
        "six_has_items": _ordered(SixHasItem),
        "care_activity_kinds": _ordered(CareActivityKind),
        "amenities": [{"code": c, "name": n} for c, n in ref.AMENITIES],
        "station_statuses": [{"code": c, "name": n} for c, n in ref.STATION_STATUSES],
        "rating_tags": [{"code": c, "name": n} for c, n in ref.RATING_TAGS],
        "rating_comment_statuses": [{"code": c, "name": n} for c, n in ref.RATING_COMMENT_STATUSES],
        "city_plan": db.session.get(CityPlan, ref.PLAN_DOCUMENT),
        "plan_discrepancies": plan_discrepancies(),
    }
