"""Bulk import of 投入资金 from CSV or XLSX, like the station import: every row is checked first,
and nothing is written unless every row is good. A row for a station and quarter already on
record replaces that quarter's amounts; re-importing a file changes nothing."""

from __future__ import annotations

import re
from typing import IO

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.accounts.actor import Actor
from app.core import error_codes
from app.core.errors import Conflict
from app.core.spreadsheets.imports import check_header, import_failure, read_table, spreadsheet_template
from app.extensions import db
from app.registry.models import Station
from app.reports import investments, quarters

# (header, field, note)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("站点编码", "station", "必填；如 FC0001"),
    ("年度", "year", f"必填；如 2025（{quarters.FIRST_YEAR}–{quarters.LAST_YEAR}）"),
    ("季度", "quarter", "必填；1–4，或 一季度…四季度"),
    ("工会投入（万元）", "union", "可空，默认 0；单位万元，最多两位小数"),
    ("政府投入（万元）", "government", "可空，默认 0；单位万元，最多两位小数"),
    ("其他资金（万元）", "other", "可空，默认 0；单位万元，最多两位小数"),
)
HEADER_TO_FIELD = {h: f for h, f, _ in COLUMNS} | {f: f for _, f, _ in COLUMNS}
# Without the unit, as people also type them.
HEADER_TO_FIELD |= {"工会投入": "union", "政府投入": "government", "其他资金": "other", "站点": "station"}
FIELD_TO_HEADER = {f: h for h, f, _ in COLUMNS}
REQUIRED = ("station", "year", "quarter")
_QUARTER_TEXT = {
    **{name: q for q, name in quarters.QUARTER_NAMES.items()},
    **{f"第{name}": q for q, name in quarters.QUARTER_NAMES.items()},
    **{f"q{q}": q for q in quarters.QUARTER_NAMES},
    **{f"第{q}季度": q for q in quarters.QUARTER_NAMES},
}


def _int(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = str(raw).strip().removesuffix("年")
    return int(text) if re.fullmatch(r"\d{1,4}", text) else None


def _quarter(raw) -> int | None:
    number = _int(raw)
    if number is not None:
        return number
    return _QUARTER_TEXT.get(str(raw).strip().lower())


def _empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _parse(number: int, fields: list[str | None], cells: list) -> tuple[dict, list[dict]]:
    data: dict = {}
    errors: list[dict] = []

    def error(field: str, message: str) -> None:
        errors.append({"row": number, "column": FIELD_TO_HEADER[field], "message": message})

    raw = {f: c for f, c in zip(fields, list(cells) + [None] * (len(fields) - len(cells)), strict=False) if f}
    for field in REQUIRED:
        if _empty(raw.get(field)):
            error(field, "此项必填")
    if not _empty(raw.get("station")):
        data["station"] = str(raw["station"]).strip().upper()
    if not _empty(raw.get("year")):
        year = _int(raw["year"])
        if year is None or not quarters.FIRST_YEAR <= year <= quarters.LAST_YEAR:
            error("year", f"年度应为 {quarters.FIRST_YEAR}–{quarters.LAST_YEAR} 之间的整数")
        else:
            data["year"] = year
    if not _empty(raw.get("quarter")):
        quarter = _quarter(raw["quarter"])
        if quarter not in quarters.QUARTER_NAMES:
            error("quarter", "季度应为 1–4（或 一季度…四季度）")
        else:
            data["quarter"] = quarter
    if "year" in data and "quarter" in data and not quarters.has_started(data["year"], data["quarter"]):
        error("quarter", "该季度尚未开始，不能登记投入资金")
    for source in investments.SOURCES:
        cell = raw.get(source)
        if _empty(cell):
            data[source] = investments.ZERO
            continue
        problem = investments.amount_problem(cell)
        if problem:
            error(source, problem)
        else:
            data[source] = investments.to_amount(cell)
    return data, errors


def import_investments(actor: Actor, filename: str, stream: IO[bytes], *, dry_run: bool = False) -> dict:
    header, table = read_table(filename, stream, max_rows=current_app.config["IMPORT_MAX_ROWS"])
    fields = check_header(header, HEADER_TO_FIELD, FIELD_TO_HEADER, REQUIRED)
    parsed = [(n, *_parse(n, fields, cells)) for n, cells in table]
    codes = {data["station"] for _, data, _ in parsed if "station" in data}
    stations = {s.code: s for s in db.session.scalars(sa.select(Station).where(Station.code.in_(codes)))} if codes else {}
    errors: list[dict] = []
    seen: dict[tuple, int] = {}
    for number, data, row_errors in parsed:
        errors.extend(row_errors)
        code = data.get("station")
        if code is None:
            continue
        station = stations.get(code)
        if station is None or not actor.can_see_district(station.district_code):
            # Another district's station reads exactly like a missing one.
            errors.append({"row": number, "column": FIELD_TO_HEADER["station"], "message": f"未找到站点 {code}（或不属于本区县）"})
            continue
        key = (code, data.get("year"), data.get("quarter"))
        if None not in key:
            if key in seen:
                errors.append({"row": number, "column": FIELD_TO_HEADER["quarter"], "message": f"与第 {seen[key]} 行是同一站点同一季度"})
            seen.setdefault(key, number)
    if errors:
        errors.sort(key=lambda e: e["row"])
        raise import_failure(f"文件中有 {len({e['row'] for e in errors})} 行有误，未导入任何数据", errors=errors)
    result = {"dry_run": dry_run, "rows": len(parsed), "created": 0, "updated": 0, "unchanged": 0}
    stored = investments.existing_for({s.id for s in stations.values()})
    try:
        for _, data, _ in parsed:
            station = stations[data["station"]]
            current = stored.get((station.id, data["year"], data["quarter"]))
            _, changed = investments.set_amounts(
                actor, station, data["year"], data["quarter"], data, action="investment.import", current=current
            )
            result["unchanged" if not changed else "updated" if current else "created"] += 1
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("导入期间有其他人登记了相同站点相同季度的投入资金，请重新导入", code=error_codes.IMPORT_CONFLICT) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return result


def template(fmt: str) -> tuple[bytes, str, str]:
    return spreadsheet_template(COLUMNS, fmt, sheet="投入资金", stem="investments-template", header_width=2.5, note_width=60)
