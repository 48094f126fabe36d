"""The quarterly form (附件3) as an XLSX laid out like the printed one: the title, 填报单位 /
填报人 / 联系电话, a two-row header with merged cells, the rows 一季度…四季度 and 合计, and the
note on when it is due. Chinese fonts (宋体), numbers as numbers, money with two decimals."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from app.core.spreadsheets import XLSX_MIME
from app.core.spreadsheets.xlsx_print import set_up_printing

FONT_NAME = "宋体"  # SimSun, what the union's forms are printed in
MONEY_FORMAT = "0.00"
COUNT_FORMAT = "0"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

# Second header row, columns B–J.
SUB_HEADERS = (
    "截止上季度建成数量总计",
    "本季度新建总计",
    "本季度工会自建",
    "本季度与有关单位共建",
    "总计",
    "工会投入",
    "政府投入",
    "其他资金",
    "服务户外劳动者",
)
HEADER_ROW = 5  # rows 5 and 6 are the header
FIRST_DATA_ROW = 7


def _font(size: int = 11, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold)


def _values(row: dict) -> list:
    if row.get("built_before") is None:
        return [None] * 9
    money = row["investment"]
    return [
        row["built_before"],
        row["built_new"],
        row["built_self"],
        row["built_co"],
        money["total"],
        money["union"],
        money["government"],
        money["other"],
        row["visits"]["total"],
    ]


def render(form: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{form['year']}年"
    last_col = "J"

    sheet.merge_cells(f"A1:{last_col}1")
    sheet["A1"] = f"{form['title']}（{form['year']}年）"
    sheet["A1"].font = _font(16, bold=True)
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 32
    for row, (label, value) in enumerate((("填报单位", form["unit"]), ("填报人", form["filled_by"]), ("联系电话", form["phone"])), start=2):
        sheet.merge_cells(f"A{row}:{last_col}{row}")
        cell = sheet.cell(row, 1, f"{label}：{value or ''}")
        cell.font = _font()
        cell.alignment = Alignment(horizontal="left", vertical="center")

    top, sub = HEADER_ROW, HEADER_ROW + 1
    sheet.merge_cells(f"A{top}:A{sub}")
    corner = sheet.cell(top, 1, "市州\n时间")  # the printed form's split corner cell
    corner.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    corner.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN, diagonal=THIN, diagonalDown=True)
    sheet.merge_cells(f"B{top}:E{top}")
    sheet.cell(top, 2, "工会户外劳动者服务站点数量（个）")
    sheet.merge_cells(f"F{top}:I{top}")
    sheet.cell(top, 6, "投入资金（万元）")
    sheet.cell(top, 10, "服务人数（人次）")
    for col, text in enumerate(SUB_HEADERS, start=2):
        sheet.cell(sub, col, text)
    for row in (top, sub):
        sheet.row_dimensions[row].height = 36 if row == sub else 24
        for col in range(1, 11):
            cell = sheet.cell(row, col)
            cell.font = _font(bold=True)
            if col > 1:
                cell.alignment = CENTER
                cell.border = BOX
    sheet.cell(sub, 1).border = BOX

    for offset, row in enumerate([*form["rows"], form["total"]]):
        r = FIRST_DATA_ROW + offset
        label = sheet.cell(r, 1, row["label"])
        label.font = _font(bold=row["label"] == "合计")
        label.alignment = CENTER
        label.border = BOX
        for col, value in enumerate(_values(row), start=2):
            cell = sheet.cell(r, col, value)
            cell.font = _font()
            cell.border = BOX
            cell.alignment = Alignment(horizontal="right", vertical="center")
            cell.number_format = MONEY_FORMAT if 6 <= col <= 9 else COUNT_FORMAT
        sheet.row_dimensions[r].height = 22

    note_row = FIRST_DATA_ROW + len(form["rows"]) + 2
    due = "；".join(f"{r['label']} {r['due_date'].isoformat()}" for r in form["rows"])
    for offset, text in enumerate((form["note"], f"本年各季度报送截止日期（该日及以前报送）：{due}。")):
        sheet.merge_cells(f"A{note_row + offset}:{last_col}{note_row + offset}")
        cell = sheet.cell(note_row + offset, 1, text)
        cell.font = _font(10)
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)

    sheet.column_dimensions["A"].width = 10
    for col in "BCDEFGHIJ":
        sheet.column_dimensions[col].width = 13
    # The form districts print, stamp and file: one landscape A4 page, its title whole.
    set_up_printing(sheet, one_page=True, landscape=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(form: dict) -> str:
    who = form["district"]["code"] if form["district"] else "city"
    return f"quarterly-{who}-{form['year']}-Q{form['through_quarter']}.xlsx"


MIMETYPE = XLSX_MIME
