"""Bulk import of stations from CSV or XLSX: every row is validated first and nothing is
written unless every row is good; rows with a known code update that station."""

from __future__ import annotations

from collections import defaultdict
from itertools import zip_longest
from typing import IO

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.accounts import audit
from app.accounts.actor import Actor
from app.core import error_codes
from app.core.errors import Conflict
from app.core.spreadsheets.imports import check_header, import_failure, read_table, spreadsheet_template
from app.extensions import db, geo_index
from app.registry import stations as station_service
from app.registry.import_format import COLUMNS, FIELD_TO_HEADER, HEADER_TO_FIELD, CellError, cell_value
from app.registry.models import STATUS_PLAQUED, Station
from app.registry.schemas import StationIn


def _flatten(messages, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested error dict -> (top-level field, message) pairs."""
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            out += _flatten(value, prefix or str(key))
        return out
    if isinstance(messages, list):
        return [pair for m in messages for pair in _flatten(m, prefix)]
    return [(prefix, str(messages))]


class _Row:
    def __init__(self, number: int, data: dict | None, errors: list[dict]):
        self.number, self.data, self.errors = number, data, errors


# A row is the station's whole record: an empty cell in these columns clears the stored value.
# Code, status, built date and datum left empty mean "as generated / as before / GCJ-02".
CLEARABLE = {"host_unit", "host_type", "partner_programme", "amenities_other", "keeper_name", "keeper_phone"}


def _parse_row(number: int, fields: list[str | None], cells: list, schema: StationIn) -> _Row:
    errors, raw = [], {}
    for field, cell in zip_longest(fields, cells[: len(fields)]):  # short rows: missing cells are empty
        if field is None:
            continue
        try:
            value = cell_value(field, cell)
        except CellError as exc:
            errors.append({"row": number, "column": FIELD_TO_HEADER[field], "message": str(exc)})
            continue
        if value is not None or field in CLEARABLE:
            raw[field] = value
    try:
        data = schema.load(raw)
    except ValidationError as exc:
        unreadable = {e["column"] for e in errors}
        for field, message in _flatten(exc.messages):
            column = FIELD_TO_HEADER.get(field, field)
            if column not in unreadable:  # a cell already reported as unreadable is not also "missing"
                errors.append({"row": number, "column": column, "message": message})
        return _Row(number, None, errors)
    return _Row(number, data, errors)


def import_stations(actor: Actor, filename: str, stream: IO[bytes], *, dry_run: bool = False) -> dict:
    header, table = read_table(filename, stream, max_rows=current_app.config["IMPORT_MAX_ROWS"])
    schema = StationIn()
    required = [name for name, field in schema.fields.items() if field.required]
    fields = check_header(header, HEADER_TO_FIELD, FIELD_TO_HEADER, required)
    rows = [_parse_row(n, fields, cells, schema) for n, cells in table]
    existing = _existing_stations({r.data["code"] for r in rows if r.data and r.data.get("code")})
    errors = _rule_errors(actor, rows, existing)
    if errors:
        raise import_failure(f"文件中有 {len({e['row'] for e in errors})} 行有误，未导入任何数据", errors=errors)
    try:
        result = _apply(actor, [r.data for r in rows], existing)
    except IntegrityError:
        # Someone registered a station with one of these codes while we checked the file.
        db.session.rollback()
        raise Conflict("导入期间有其他人登记了相同编码的站点，请重新导入", code=error_codes.IMPORT_CONFLICT) from None
    result["dry_run"] = dry_run
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        geo_index.stations_changed(result["codes"])  # new and moved stations, for nearby searches
    return result


def _existing_stations(codes: set[str]) -> dict[str, Station]:
    if not codes:
        return {}
    return {s.code: s for s in db.session.scalars(sa.select(Station).where(Station.code.in_(codes)))}


def _row_error(row: _Row, field: str, message: str) -> dict:
    return {"row": row.number, "column": FIELD_TO_HEADER.get(field, field), "message": message}


def _rule_errors(actor: Actor, rows: list[_Row], existing: dict[str, Station]) -> list[dict]:
    errors: list[dict] = []
    seen: dict[str, int] = {}
    for row in rows:
        errors.extend(row.errors)
        if row.data is None:
            continue
        for field, messages in station_service.rule_errors(actor, station_service.gcj_fields(row.data)).items():
            errors.extend(_row_error(row, field, message) for message in messages)
        code = row.data.get("code")
        if not code:
            continue
        if code in seen:
            errors.append(_row_error(row, "code", f"与第 {seen[code]} 行的站点编码重复"))
        seen.setdefault(code, row.number)
        station = existing.get(code)
        if station is not None and not actor.can_see_district(station.district_code):
            errors.append(_row_error(row, "code", "该编码已被其他区县的站点使用"))
        elif station is not None and station.is_retired:
            errors.append(_row_error(row, "code", "该站点已撤销，不能通过导入修改"))
        elif station is not None and station.district_code != row.data["district"]:
            errors.append(_row_error(row, "district", "导入不能更改已有站点所属的区县"))
        elif station is not None and station.status == STATUS_PLAQUED and row.data.get("status"):
            # Importable statuses are planned/built: either would silently undo the plaque.
            errors.append(_row_error(row, "status", "已挂牌站点的状态不能改回"))
    return sorted(errors, key=lambda e: e["row"])


def _apply(actor: Actor, rows: list[dict], existing: dict[str, Station]) -> dict:
    result = {"rows": len(rows), "created": 0, "updated": 0, "unchanged": 0, "codes": []}
    _assign_codes(rows)
    new_stations = []
    for data in rows:
        values = station_service.values_from_input(data)
        station = existing.get(data["code"])
        if station is not None and station.built_date and "built_date" not in data:
            # values_from_input dates a 已建成 row without a date today; that is right only for
            # a station not built before, as in stations.update_station.
            values.pop("built_date", None)
        if station is None:
            station = station_service.build_station(values)
            new_stations.append(station)
            result["created"] += 1
        else:
            before = station_service.snapshot(station)
            for attr, value in values.items():
                setattr(station, attr, value)
            after = station_service.snapshot(station)
            if after == before:
                result["unchanged"] += 1
            else:
                audit.record(
                    actor, "station.import.update", "station", station.code,
                    district_code=station.district_code, before=before, after=after,
                )  # fmt: skip
                result["updated"] += 1
        result["codes"].append(data["code"])
    db.session.add_all(new_stations)
    db.session.flush()
    for station in new_stations:
        audit.record(
            actor, "station.import.create", "station", station.code,
            district_code=station.district_code, after=station_service.snapshot(station),
        )  # fmt: skip
    return result


def _assign_codes(rows: list[dict]) -> None:
    """Give rows without a code the next free codes of their district, skipping the new codes
    other rows of the file bring (they are not in the database yet)."""
    needing_codes = defaultdict(list)
    for data in rows:
        if not data.get("code"):
            needing_codes[data["district"]].append(data)
    in_file = {data["code"] for data in rows if data.get("code")}
    for district, group in needing_codes.items():
        candidates = station_service.next_codes(district, len(group) + len(in_file))
        free = [code for code in candidates if code not in in_file]
        for data, code in zip(group, free, strict=False):
            data["code"] = code


def template(fmt: str) -> tuple[bytes, str, str]:
    """The import template: the header row, and (in XLSX) a sheet explaining each column."""
    return spreadsheet_template(COLUMNS, fmt, sheet="站点", stem="stations-template", header_width=3, note_width=100)
