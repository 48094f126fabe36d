"""Tabular reports as files: CSV (UTF-8 with a BOM, so Excel opens the Chinese right) and XLSX
(Chinese headers, numbers as numbers, a bold frozen header row). A table is a title, a header
row and rows of plain values (str, int, float, date, None)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.spreadsheets import XLSX_MIME
from app.core.spreadsheets.xlsx_print import set_up_printing

FORMATS = ("json", "csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_MIME,
}
CJK_FONT = "SimSun"  # what Excel and WPS on a Chinese Windows have; others substitute


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    filename: str  # without extension, ASCII


def _cell(value):
    return value.isoformat() if isinstance(value, date) else value


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return "\ufeff".encode() + out.getvalue().encode()


def to_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append(table.headers)
    bold = Font(name=CJK_FONT, bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    for i, header in enumerate(table.headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(header) + 2)
    set_up_printing(sheet, header_rows="1:1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> tuple[bytes, str, str]:
    """(content, mimetype, filename) for fmt csv or xlsx."""
    content = to_csv(table) if fmt == "csv" else to_xlsx(table)
    return content, MIMETYPES[fmt], f"{table.filename}.{fmt}"
