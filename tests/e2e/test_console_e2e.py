"""The staff console in a real browser (Debian's Chromium, headless, through Playwright) against
the app served by gunicorn on loopback: a district staff member signs in, reads the dashboard,
registers a station (seeing a validation error first), downloads its sign, imports a file with a
bad row and then a good one, looks at the map and the reports, files the quarterly form, reads
the dashboard again and signs out; another district's staff member cannot reach that station by
its URL. Each main page is photographed to artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import re

import pytest

from app.core import clock
from app.services import quarters
from tests.e2e.conftest import PASSWORD

IMPORT_HEADER = "站点名称,区县,地址,纬度,经度,建设方式,共建单位,开放时间,状态"
IMPORT_GOOD = "剑南路驿站,涪城区,绵阳市涪城区剑南路2号,31.4601,104.7402,共建,涪城区环卫所,周一至周五 08:00-18:00,已建成"
IMPORT_BAD = "跑偏的驿站,涪城区,绵阳市涪城区某路,31.46,104.74,共建,,二十四小时,已建成"


def csv_payload(*rows: str) -> dict:
    return {"name": "stations.csv", "mimeType": "text/csv", "buffer": "\n".join([IMPORT_HEADER, *rows]).encode("utf-8-sig")}


def sign_in(browser, server, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.base_url}/console/")
    assert "/console/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.base_url}/console/")
    return context, page, errors


def shot(page, screenshots, name: str) -> None:
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def journey(console_server, chromium):
    """What the district staff member's session left behind: the registered station's code."""
    return {}


def test_district_staff_work_through_the_console(console_server, chromium, screenshots, journey):
    server = console_server
    context, page, js_errors = sign_in(chromium, server, "fc.e2e")
    base = server.base_url

    # The dashboard, with its ECharts trend.
    assert "今日服务人次" in page.content()
    page.wait_for_selector("#trend-chart[data-ready='1']")
    shot(page, screenshots, "01-dashboard")

    # Register a station: a validation error first, shown next to its field.
    page.goto(f"{base}/console/stations/new")
    page.fill("input[name=name]", "临园路环卫驿站")
    page.fill("input[name=address]", "绵阳市涪城区临园路1号")
    page.fill("input[name=lat]", "31.4567")
    page.fill("input[name=opening_hours]", "24小时")
    page.check("input[name=amenities][value=drinking_water]")
    page.check("input[name=amenities][value=toilet]")
    page.select_option("select[name=status]", "built")
    page.click("#station-form button[type=submit]")
    error = page.locator(".field-error[data-field=lng]")
    assert error.inner_text() == "此项必填"
    shot(page, screenshots, "02-station-form-error")
    page.fill("input[name=lng]", "104.7462")
    page.click("#station-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/stations/FC\d{4}$"))
    code = page.url.rsplit("/", 1)[1]
    journey["code"] = code
    assert "已登记站点" in page.content()
    shot(page, screenshots, "03-station")

    # Download its print sign.
    with page.expect_download() as download_info:
        page.click("#sign-pdf")
    download = download_info.value
    assert download.suggested_filename == f"sign-{code}-v1.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Import: a file with a bad row shows the row's errors; a good file is previewed, then confirmed.
    page.goto(f"{base}/console/import")
    page.set_input_files("input[name=file]", csv_payload(IMPORT_GOOD, IMPORT_BAD))
    page.click("form[enctype] button[type=submit]")
    table = page.locator("#import-errors")
    table.wait_for()
    assert re.search(r"3\s+开放时间", table.inner_text())
    shot(page, screenshots, "04-import-errors")
    page.set_input_files("input[name=file]", csv_payload(IMPORT_GOOD))
    page.click("form[enctype] button[type=submit]")
    assert "将新增 1 个站点" in page.locator("#import-preview").inner_text()
    shot(page, screenshots, "05-import-preview")
    page.click("#import-preview button[type=submit]")
    page.wait_for_url(f"{base}/console/stations")
    assert "剑南路驿站" in page.locator("#station-table").inner_text()
    shot(page, screenshots, "06-stations")

    # The map: markers on a plain background (no tile provider configured).
    page.goto(f"{base}/console/stations/map")
    page.wait_for_selector("#map[data-ready='2']")
    assert page.locator("#map path.leaflet-interactive, #map canvas").count() >= 1
    shot(page, screenshots, "07-map")

    # Reports: visits with its chart, the quarterly form filed, the quality ranking, the audit log.
    page.goto(f"{base}/console/reports/visits")
    page.wait_for_selector("#visits-chart[data-ready='1']")
    shot(page, screenshots, "08-report-visits")
    page.goto(f"{base}/console/reports/quarterly")
    year, quarter = quarters.quarter_of(clock.today())
    page.click(f"form[action='/console/reports/quarterly/{year}/{quarter}/submit'] button")
    assert "已标记" in page.locator(".flash.success").inner_text()
    assert "已报送" in page.locator("#quarterly-status").inner_text()
    shot(page, screenshots, "09-report-quarterly")
    page.goto(f"{base}/console/reports/quality")
    assert code in page.locator("#quality").inner_text()
    shot(page, screenshots, "10-report-quality")
    page.goto(f"{base}/console/audit")
    assert "station.create" in page.locator("#audit-table").inner_text()
    shot(page, screenshots, "11-audit")

    # Back at the dashboard: the two new stations (both built) and this quarter's form, filed.
    page.goto(f"{base}/console/")
    page.wait_for_selector("#trend-chart[data-ready='1']")
    statuses = page.locator("#by-status").inner_text()
    assert re.search(r"已建成\s+2", statuses), statuses
    label = quarters.QUARTER_NAMES[quarter]
    assert re.search(rf"{label}\s+\S+\s+1 / 1", page.locator("#forms-due").inner_text())
    assert "涪城区" in page.locator("#plan").inner_text()
    shot(page, screenshots, "12-dashboard-after")

    # A tablet's width still works: the station page on an iPad-sized screen.
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{base}/console/stations/{code}")
    shot(page, screenshots, "13-station-tablet")

    # Signing out ends the session: the console asks to sign in again.
    page.click(".who button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/login$"))
    page.goto(f"{base}/console/")
    assert "/console/login" in page.url

    assert js_errors == []
    context.close()


def test_another_districts_staff_cannot_reach_the_station(console_server, chromium, screenshots, journey):
    code = journey.get("code")
    if code is None:
        pytest.fail("the district journey did not register a station")
    context, page, _ = sign_in(chromium, console_server, "yx.e2e")
    for url in (f"/console/stations/{code}", f"/console/stations/{code}/edit", f"/console/stations/{code}/sign.pdf"):
        response = page.goto(f"{console_server.base_url}{url}")
        assert response.status == 404, url
        assert "未找到该站点" in page.content()
    shot(page, screenshots, "14-other-district-404")
    page.goto(f"{console_server.base_url}/console/stations")
    assert code not in page.locator("#station-table").inner_text()
    context.close()
