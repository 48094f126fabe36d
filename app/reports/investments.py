"""投入资金: what the union, the government and others put into each station per quarter, in
万元 (10,000 yuan) with two decimals. Stored exactly (Decimal), audited, scoped by district."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from app.accounts import audit
from app.accounts.actor import Actor
from app.core import error_codes
from app.core.errors import InvalidInput
from app.core.pagination import Page, paginate
from app.extensions import db
from app.registry import stations as station_service
from app.registry.models import Station
from app.reports import quarters
from app.reports.models import Investment

SOURCES = ("union", "government", "other")  # request field -> model attribute f"{source}_amount"
MAX_AMOUNT = Decimal("99999.99")  # 万元 per station and quarter: 10 亿元 is surely a typo
ZERO = Decimal("0.00")


def amount_problem(value) -> str | None:
    """Why this is not an amount in 万元 (None when it is): a number ≥ 0, at most two decimals."""
    if isinstance(value, bool):
        return "应为数字"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return "应为数字"
    if not number.is_finite():
        return "应为有限的数字"
    if number < 0:
        return "金额不能为负数"
    if number > MAX_AMOUNT:
        return f"金额不能超过 {MAX_AMOUNT} 万元"
    if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
        return "金额单位为万元，最多保留两位小数"
    return None


def to_amount(value) -> Decimal:
    problem = amount_problem(value)
    if problem:
        raise InvalidInput(problem, code=error_codes.AMOUNT_INVALID)
    number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    return number.quantize(Decimal("0.01"))


def check_period(year: int, quarter: int) -> None:
    quarters.check_year_quarter(year, quarter)
    if not quarters.has_started(year, quarter):
        raise InvalidInput("该季度尚未开始，不能登记投入资金", code=error_codes.QUARTER_IN_FUTURE, details={"quarter": ["该季度尚未开始"]})


def snapshot(investment: Investment) -> dict:
    return {
        "year": investment.year,
        "quarter": investment.quarter,
        **{source: str(getattr(investment, f"{source}_amount")) for source in SOURCES},
    }


def existing_for(station_ids: set[int]) -> dict[tuple[int, int, int], Investment]:
    """The stations' stored quarters, keyed (station id, year, quarter): one query."""
    if not station_ids:
        return {}
    rows = db.session.scalars(sa.select(Investment).where(Investment.station_id.in_(station_ids)))
    return {(i.station_id, i.year, i.quarter): i for i in rows}


def _find(station_id: int, year: int, quarter: int) -> Investment | None:
    return db.session.scalar(
        sa.select(Investment).where(Investment.station_id == station_id, Investment.year == year, Investment.quarter == quarter)
    )


def get_investment(actor: Actor, code: str, year: int, quarter: int) -> Investment:
    station = station_service.get_station(actor, code)
    quarters.check_year_quarter(year, quarter)
    investment = _find(station.id, year, quarter)
    if investment is None:
        # Nothing recorded is nothing invested: zeros, never stored by reading.
        investment = Investment(year=year, quarter=quarter, union_amount=ZERO, government_amount=ZERO, other_amount=ZERO)
        investment.station = station
    return investment


def list_station_investments(actor: Actor, code: str, year: int | None = None) -> list[Investment]:
    station = station_service.get_station(actor, code)
    query = sa.select(Investment).where(Investment.station_id == station.id)
    if year is not None:
        query = query.where(Investment.year == year)
    return list(db.session.scalars(query.order_by(Investment.year, Investment.quarter)))


_LOOK_UP = object()


def set_amounts(
    actor: Actor, station: Station, year: int, quarter: int, amounts: dict, *, action: str, current=_LOOK_UP
) -> tuple[Investment, bool]:
    """Write one quarter's amounts into the caller's transaction, with its audit entry. Missing
    sources are 0: a quarter's record is replaced whole. `current` is the stored record when
    the caller has looked it up already (None: there is none). Returns (investment, changed)."""
    values = {f"{source}_amount": to_amount(amounts.get(source) or 0) for source in SOURCES}
    investment = _find(station.id, year, quarter) if current is _LOOK_UP else current
    before = snapshot(investment) if investment else None
    if investment is None:
        investment = Investment(station_id=station.id, district_code=station.district_code, year=year, quarter=quarter, **values)
        investment.station = station
        db.session.add(investment)
    else:
        for attr, value in values.items():
            setattr(investment, attr, value)
    investment.updated_by = actor.staff.id if actor.staff else None
    after = snapshot(investment)
    if after == before:
        return investment, False
    audit.record(
        actor, action, "investment", f"{station.code}/{year}Q{quarter}",
        district_code=station.district_code, before=before, after=after,
    )  # fmt: skip
    return investment, True


def put_investment(actor: Actor, code: str, year: int, quarter: int, amounts: dict) -> Investment:
    station = station_service.get_station(actor, code)
    check_period(year, quarter)
    problems = {source: [p] for source in SOURCES if (p := amount_problem(amounts.get(source) or 0))}
    if problems:
        raise InvalidInput(code=error_codes.AMOUNT_INVALID, details=problems)
    investment, _ = set_amounts(actor, station, year, quarter, amounts, action="investment.set")
    db.session.commit()
    return investment


def list_investments(
    actor: Actor,
    *,
    year: int | None = None,
    quarter: int | None = None,
    district: str | None = None,
    station: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    query = (
        sa.select(Investment)
        .join(Station, Station.id == Investment.station_id)
        .order_by(Investment.year.desc(), Investment.quarter.desc(), Station.code)
    )
    if not actor.is_city:
        query = query.where(Station.district_code == actor.district_code)
    if district:
        query = query.where(Station.district_code == district)
    if station:
        query = query.where(Station.code == station.upper())
    if year is not None:
        query = query.where(Investment.year == year)
    if quarter is not None:
        query = query.where(Investment.quarter == quarter)
    return paginate(query, page, per_page)


def totals_by_quarter(year: int, district_codes: list[str] | None) -> dict[int, dict[str, Decimal]]:
    """{quarter: {"union", "government", "other", "total"}} summed over the districts' stations
    (retired ones too: the money was spent). One grouped query."""
    amounts = (Investment.union_amount, Investment.government_amount, Investment.other_amount)
    query = (
        sa.select(Investment.quarter, *(sa.func.coalesce(sa.func.sum(c), 0) for c in amounts))
        .where(Investment.year == year)
        .group_by(Investment.quarter)
    )
    if district_codes is not None:
        query = query.where(Investment.district_code.in_(district_codes))
    out = {q: {"union": ZERO, "government": ZERO, "other": ZERO} for q in quarters.QUARTER_NAMES}
    for quarter, union, government, other in db.session.execute(query):
        out[quarter] = {"union": _money(union), "government": _money(government), "other": _money(other)}
    for sums in out.values():
        sums["total"] = sums["union"] + sums["government"] + sums["other"]
    return out


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))  # NUMERIC sums exactly
