"""Every spreadsheet the product makes prints as a person expects: the quarterly form (a district's
and the city's) on one landscape A4 page, centred; the reports and the import templates on A4,
one page wide, centred, their header rows repeated on every page. Read back from the files the
API hands out (openpyxl), as a spreadsheet program reads them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.core.spreadsheets import report_export
from tests.factories import StationFactory

STAFF = "/api/staff/v1"


def sheets(response) -> list[Worksheet]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return load_workbook(io.BytesIO(response.data)).worksheets


def assert_a4_fitted_and_centred(sheet: Worksheet, *, one_page: bool, landscape: bool | None = None) -> None:
    setup = sheet.page_setup
    assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True  # without it fitTo* are ignored
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 1 if one_page else 0)
    assert sheet.print_options.horizontalCentered is True
    if landscape is not None:
        assert setup.orientation == ("landscape" if landscape else "portrait")


def repeated_rows(sheet: Worksheet) -> str | None:
    return sheet.print_title_rows.replace("$", "") if sheet.print_title_rows else None


@pytest.mark.parametrize("district", ["FC", None])
def test_the_quarterly_form_is_one_landscape_a4_page(fc_api, city_api, district):
    api = fc_api if district else city_api
    query = {"year": 2025, "format": "xlsx", **({"district": district} if district else {})}
    (sheet,) = sheets(api.get(f"{STAFF}/reports/quarterly", query_string=query))
    assert_a4_fitted_and_centred(sheet, one_page=True, landscape=True)
    assert sheet["A1"].value.endswith("（2025年）") and "A1:J1" in {str(r) for r in sheet.merged_cells.ranges}


def test_the_visits_report_repeats_its_header_on_each_a4_page(city_api):
    query = {"from": "2025-01-01", "to": "2025-12-31", "group_by": "station", "period": "day", "format": "xlsx"}
    (sheet,) = sheets(city_api.get(f"{STAFF}/reports/visits", query_string=query))
    assert_a4_fitted_and_centred(sheet, one_page=False)
    assert repeated_rows(sheet) == "1:1" and sheet["A1"].value == "时段开始"


@pytest.mark.parametrize("path", ["reports/visits/pattern", "reports/satisfaction"])
def test_the_other_reports_print_alike(city_api, path):
    for sheet in sheets(city_api.get(f"{STAFF}/{path}", query_string={"from": "2025-01-01", "to": "2025-12-31", "format": "xlsx"})):
        assert_a4_fitted_and_centred(sheet, one_page=False)
        assert repeated_rows(sheet) == "1:1"


def test_the_quality_ranking_is_landscape_with_its_header_repeated(fc_api, app_ctx):
    StationFactory()
    (sheet,) = sheets(fc_api.get(f"{STAFF}/reports/quality", query_string={"format": "xlsx"}))
    assert_a4_fitted_and_centred(sheet, one_page=False, landscape=True)  # some twenty columns
    assert repeated_rows(sheet) == "2:2" and sheet["A2"].value == "排名"


@pytest.mark.parametrize("path", ["stations/import/template", "investments/import/template"])
def test_the_import_templates_print_alike(fc_api, path):
    for sheet in sheets(fc_api.get(f"{STAFF}/{path}", query_string={"format": "xlsx"})):
        assert_a4_fitted_and_centred(sheet, one_page=False)
        assert repeated_rows(sheet) == "1:1"


def test_a_narrow_table_stays_portrait_and_a_wide_one_turns():
    narrow = report_export.Table("窄表", ["区县", "人次"], [["涪城区", 3]], "narrow")
    wide = report_export.Table("宽表", [f"第{n}列很长的表头" for n in range(12)], [list(range(12))], "wide")
    for table, landscape in ((narrow, False), (wide, True)):
        (sheet,) = load_workbook(io.BytesIO(report_export.to_xlsx(table))).worksheets
        assert_a4_fitted_and_centred(sheet, one_page=False, landscape=landscape)
