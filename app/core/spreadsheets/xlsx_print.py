"""How every spreadsheet the product makes prints: on A4 (China's paper), fitted to the page width,
centred, with its header rows repeated on each page — or, for a form, whole on one page.

openpyxl writes `fitToWidth` / `fitToHeight`, but Excel, WPS and LibreOffice honour them only when
the sheet's `pageSetUpPr.fitToPage` is set; without a paper size they use the printer's default
(often US Letter). Every XLSX writer calls `set_up_printing` once its columns are sized.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Wider than this (in Excel's character units, about 1/7 inch) a table turns to landscape: A4
# portrait holds about 90 characters between the default margins.
PORTRAIT_MAX_WIDTH = 95
DEFAULT_COLUMN_WIDTH = 8.43  # Excel's, for columns nobody sized


def table_width(sheet: Worksheet) -> float:
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items() if dim.width}
    return sum(widths.get(get_column_letter(col), DEFAULT_COLUMN_WIDTH) for col in range(1, sheet.max_column + 1))


def set_up_printing(sheet: Worksheet, *, header_rows: str | None = None, one_page: bool = False, landscape: bool | None = None) -> None:
    """A4, fitted to one page wide, centred across the page.

    header_rows: rows repeated at the top of every printed page ("1:1", "1:2").
    one_page: the whole sheet on a single page (a form), else as many pages tall as needed.
    landscape: None chooses by the table's width."""
    if landscape is None:
        landscape = table_width(sheet) > PORTRAIT_MAX_WIDTH
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = sheet.ORIENTATION_LANDSCAPE if landscape else sheet.ORIENTATION_PORTRAIT
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    setup.fitToWidth = 1
    setup.fitToHeight = 1 if one_page else 0  # 0: as many pages as the rows need
    sheet.print_options.horizontalCentered = True
    if header_rows:
        sheet.print_title_rows = header_rows
