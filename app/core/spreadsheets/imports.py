"""Reading a CSV or XLSX upload and writing an import template: what every bulk import shares
(stations, investments). An import checks every row before it writes anything; these helpers
refuse a file that cannot be read, is empty, too long or has the wrong header, with the row
errors in the one shape the API and the console show."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import IO

from openpyxl import Workbook, load_workbook

from app.core import error_codes
from app.core.errors import InvalidInput
from app.core.spreadsheets import XLSX_MIME
from app.core.spreadsheets.xlsx_print import set_up_printing

XLSX_MAGIC = b"PK\x03\x04"


def import_failure(message: str, code: str = error_codes.IMPORT_INVALID, errors: list | None = None) -> InvalidInput:
    return InvalidInput(message, code=code, details={"errors": errors or [], "error_count": len(errors or [])})


def read_rows(filename: str, stream: IO[bytes]) -> tuple[list[str], list[tuple[int, list]]]:
    """The header and the non-empty data rows (with their row numbers) of a CSV or XLSX file."""
    content = stream.read()
    if content[:4] == XLSX_MAGIC or filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            table = [list(r) for r in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise import_failure("无法读取该 XLSX 文件，请确认文件未损坏", error_codes.IMPORT_UNREADABLE) from exc
    else:
        try:
            table = list(csv.reader(io.StringIO(_decode(content))))
        except csv.Error as exc:  # e.g. a cell beyond csv's field size limit: not a station list
            raise import_failure("无法读取该 CSV 文件，请确认文件未损坏", error_codes.IMPORT_UNREADABLE) from exc
    if not table:
        raise import_failure("文件是空的", error_codes.IMPORT_EMPTY)
    header = [str(h).strip() if h is not None else "" for h in table[0]]
    rows = [(n, row) for n, row in enumerate(table[1:], start=2) if any(c not in (None, "") for c in row)]
    return header, rows


def _decode(content: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030-family text; everything else sends UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise import_failure("无法识别文件编码，请另存为 UTF-8 编码的 CSV 或 XLSX", error_codes.IMPORT_UNREADABLE)


def read_table(filename: str, stream: IO[bytes], *, max_rows: int) -> tuple[list[str], list[tuple[int, list]]]:
    """read_rows, refusing a file without data rows or with more than max_rows of them."""
    header, rows = read_rows(filename, stream)
    if len(rows) > max_rows:
        raise import_failure(f"一次最多导入 {max_rows} 行，请分批导入", error_codes.IMPORT_TOO_LARGE)
    if not rows:
        raise import_failure("文件中没有数据行", error_codes.IMPORT_EMPTY)
    return header, rows


def check_header(
    header: list[str], header_to_field: Mapping[str, str], field_to_header: Mapping[str, str], required: Iterable[str]
) -> list[str | None]:
    """Each column's field (None for an empty header cell), or the header's errors: unknown
    names, required columns missing, and one field named twice."""
    fields = [header_to_field.get(h) for h in header]
    unknown = [h for h, f in zip(header, fields, strict=True) if h and f is None]
    missing = [field_to_header[f] for f in required if f not in fields]
    # Two columns for one field would make a row's value depend on which cell is empty.
    repeated = [h for i, (h, f) in enumerate(zip(header, fields, strict=True)) if f is not None and f in fields[:i]]
    if unknown or missing or repeated:
        errors = [{"row": 1, "column": h, "message": "不认识的列名"} for h in unknown]
        errors += [{"row": 1, "column": h, "message": "缺少必填列"} for h in missing]
        errors += [{"row": 1, "column": h, "message": "列名重复"} for h in repeated]
        raise import_failure("表头与模板不一致，请使用下载的导入模板", error_codes.IMPORT_BAD_HEADER, errors)
    return fields


def spreadsheet_template(columns, fmt: str, *, sheet: str, stem: str, header_width: float, note_width: int) -> tuple[bytes, str, str]:
    """(content, mimetype, filename) of an import template for `columns` ((header, field, note)
    triples): the header row as CSV, or as XLSX with a second sheet explaining each column."""
    headers = [h for h, _, _ in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow(headers)
        return buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", f"{stem}.csv"
    book = Workbook()
    first = book.active
    first.title = sheet
    first.append(headers)
    for i, header in enumerate(headers, start=1):
        first.column_dimensions[first.cell(1, i).column_letter].width = max(12, len(header) * header_width)
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "说明"])
    for header, _, note in columns:
        notes.append([header, note])
    notes.column_dimensions["A"].width = max(14, *(len(h) * 2 for h in headers))
    notes.column_dimensions["B"].width = note_width
    set_up_printing(first, header_rows="1:1")
    set_up_printing(notes, header_rows="1:1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), XLSX_MIME, f"{stem}.xlsx"
