"""District scope in the staff console, for every console page and action that takes a station
code (read from app.url_map, so a new one cannot escape): another district's staff get the 404
page, exactly as for a missing station, and nothing changes; the station's own district and the
city reach it. Lists, the map, the audit log and comment review never show another district."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest
import sqlalchemy as sa

from app.accounts.audit_models import AuditEntry
from app.core import clock
from app.extensions import db
from app.keepers.models import KeeperCode, StationKeeper
from app.ratings.models import Rating
from app.reference import data as ref
from app.registry.models import Inspection, Station
from app.visits.models import CheckIn
from tests.console_helpers import console_as, flashes
from tests.factories import CheckInFactory, StationFactory, WorkerFactory, ready_station

MISSING = "FC9999"
PLAQUED = {"status": "plaqued", "plaqued_date": date(2022, 6, 1)}
EDIT_FORM = {
    "name": "改过的名字", "district": "FC", "address": "绵阳市涪城区临园路1号", "lat": "31.4567", "lng": "104.7462",
    "datum": "gcj02", "build_mode": "co_built", "host_unit": "涪城区环卫所", "opening_hours": "24小时", "status": "built",
}  # fmt: skip
INSPECTION_FORM = {f"{item}-result": "pass" for item in ref.codes(ref.SIX_HAS_ITEMS)}


@dataclass(frozen=True)
class Page:
    method: str
    rule: str  # as in app.url_map
    form: dict | None = None
    station: dict = field(default_factory=dict)  # StationFactory overrides
    inspected: bool = False
    keeper: bool = False
    keeper_code: bool = False
    district_may: bool = True  # False: city staff only (the district gets a refusal, not a 404)

    def url(self, code: str) -> str:
        url = self.rule.replace("<code>", code)
        station_id = sa.select(Station.id).where(Station.code == code.upper()).scalar_subquery()
        if "<int:keeper_id>" in url:
            found = db.session.scalar(sa.select(StationKeeper.id).where(StationKeeper.station_id == station_id))
            url = url.replace("<int:keeper_id>", str(found or 0))
        if "<int:code_id>" in url:
            found = db.session.scalar(sa.select(KeeperCode.id).where(KeeperCode.station_id == station_id))
            url = url.replace("<int:code_id>", str(found or 0))
        return url

    def call(self, console, code: str):
        if self.method == "GET":
            return console.get(self.url(code))
        return console.post(self.url(code), self.form or {})

    def __str__(self) -> str:
        return f"{self.method} {self.rule.removeprefix('/console/stations')}"


S = "/console/stations/<code>"
PAGES = [
    Page("GET", S),
    Page("GET", f"{S}/edit"),
    Page("POST", f"{S}/edit", EDIT_FORM),
    Page("GET", f"{S}/inspection"),
    Page("POST", f"{S}/inspection", INSPECTION_FORM),
    Page("POST", f"{S}/plaque", {}, inspected=True),
    Page("POST", f"{S}/demonstration", {"year": "2023"}, PLAQUED),
    Page("POST", f"{S}/demonstration/clear", {}, {**PLAQUED, "demonstration": True, "demonstration_year": 2022}),
    Page("POST", f"{S}/provincial-best", {}, PLAQUED, district_may=False),
    Page("POST", f"{S}/provincial-best/clear", {}, {**PLAQUED, "provincial_best": True}, district_may=False),
    Page("POST", f"{S}/retire", {"reason": "越权撤销"}),
    Page("POST", f"{S}/keeper-codes", {}),
    Page("POST", f"{S}/keeper-codes/<int:code_id>/revoke", {}, keeper_code=True),
    Page("POST", f"{S}/keepers/<int:keeper_id>/revoke", {}, keeper=True),
    Page("GET", f"{S}/sign.pdf"),
    Page("GET", f"{S}/sign.png"),
    Page("GET", f"{S}/wxacode.png"),
    Page("POST", f"{S}/sign/reissue", {}),
]
per_page = pytest.mark.parametrize("page", PAGES, ids=str)


def observable(code: str) -> tuple:
    """Everything a change to the station could show up in."""
    db.session.expire_all()
    station = db.session.scalar(sa.select(Station).where(Station.code == code))
    columns = {c.key: getattr(station, c.key) for c in Station.__table__.columns if c.key != "updated_at"}
    inspections = db.session.scalar(sa.select(sa.func.count()).select_from(Inspection).where(Inspection.station_id == station.id))
    audit = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    keepers = db.session.execute(sa.select(StationKeeper.id, StationKeeper.revoked_at).where(StationKeeper.station_id == station.id)).all()
    codes = db.session.execute(sa.select(KeeperCode.id, KeeperCode.revoked_at).where(KeeperCode.station_id == station.id)).all()
    return columns, inspections, audit, keepers, codes


def test_every_console_route_with_a_station_code_is_covered(app):
    routed = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/console/") and "<code>" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(p.method, p.rule) for p in PAGES}
    assert routed - covered == set(), "console routes with a station code but no scope test"
    assert covered - routed == set(), "PAGES lists routes that no longer exist"


@per_page
def test_another_districts_station_is_the_404_page(app, yx_staff, page):
    code = ready_station(page)
    before = observable(code)
    console = console_as(app, yx_staff)
    r = page.call(console, code)
    assert r.status_code == 404, (r.status_code, r.location)
    assert "未找到该站点" in r.text
    assert observable(code) == before
    assert page.call(console, code.lower()).status_code == 404
    assert observable(code) == before


@per_page
def test_another_districts_station_answers_like_a_missing_one(app, yx_staff, page):
    code = ready_station(page)
    console = console_as(app, yx_staff)
    other, missing = page.call(console, code), page.call(console, MISSING)
    assert (other.status_code, _page(other)) == (missing.status_code, _page(missing))


def _page(r) -> str:
    return re.sub(r'(content|value)="[\w.-]{40,}"', "TOKEN", r.text)  # CSRF tokens are signed with the time


def _succeeded(console, r, page: Page, expect_refusal: bool = False):
    assert r.status_code in (200, 302), (r.status_code, r.text[:300])
    if r.status_code == 302:
        assert "/console/login" not in r.location
        shown = flashes(console.follow(r).text)
        errors = [m for kind, m in shown if kind == "error"]
        if expect_refusal:
            assert errors == ["省级“最美站点”由市总工会登记"], shown
        else:
            assert not errors, shown


@per_page
def test_city_staff_reach_every_district(app, city_staff, page):
    code = ready_station(page)
    console = console_as(app, city_staff)
    _succeeded(console, page.call(console, code), page)


@per_page
def test_district_staff_reach_their_own_district(app, fc_staff, page):
    code = ready_station(page)
    console = console_as(app, fc_staff)
    _succeeded(console, page.call(console, code), page, expect_refusal=not page.district_may)


# --- lists, map, audit, review ----------------------------------------------------------------


@pytest.fixture
def two_districts(app_ctx):
    StationFactory(code="FC0001", name="涪城临园路驿站", host_unit="共同的单位")
    StationFactory(
        code="YX0001",
        name="游仙东津路驿站",
        district_code="YX",
        host_unit="共同的单位",
        address="绵阳市游仙区东津路",
        lat=31.4765,
        lng=104.779,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/console/stations", "/console/stations?district=FC", "/console/stations?district=涪城区", "/console/stations?q=FC0001",
        "/console/stations?q=共同的单位", "/console/stations?status=built&per_page=100", "/console/stations/map",
        "/console/stations/map?district=FC",
    ],
)  # fmt: skip
def test_lists_and_the_map_never_show_another_district(app, yx_staff, two_districts, url):
    r = console_as(app, yx_staff).get(url)
    assert r.status_code == 200
    assert "涪城临园路驿站" not in r.text
    assert 'stations/FC0001"' not in r.text and '"code": "FC0001"' not in r.text  # no link, no map point


def test_city_staff_see_every_district(app, city_staff, two_districts):
    console = console_as(app, city_staff)
    for url in ("/console/stations", "/console/stations/map"):
        text = console.get(url).text
        assert "FC0001" in text and "YX0001" in text
    text = console.get("/console/stations?district=YX").text
    assert "YX0001" in text and "FC0001" not in text


def test_the_district_filter_is_only_offered_to_city_staff(app, yx_staff, city_staff, two_districts):
    assert 'name="district"' not in console_as(app, yx_staff).get("/console/stations").text
    assert 'name="district"' in console_as(app, city_staff).get("/console/stations").text


def test_the_audit_log_shows_only_the_district(app, fc_staff, yx_staff, two_districts):
    fc = console_as(app, fc_staff)
    form = {**EDIT_FORM, "name": "涪城改名"}
    assert fc.post("/console/stations/FC0001/edit", form).status_code == 302
    assert "<td>station.update</td>" in fc.get("/console/audit").text
    yx = console_as(app, yx_staff)
    for url in ("/console/audit", "/console/audit?entity_id=FC0001"):
        text = yx.get(url).text
        assert 'stations/FC0001"' not in text and "<td>station.update</td>" not in text and "涪城改名" not in text


def test_creating_in_another_district_is_refused_next_to_the_field(app, yx_staff):
    r = console_as(app, yx_staff).post("/console/stations/new", {**EDIT_FORM, "district": "FC"})
    assert r.status_code == 422
    assert "只能在本区县登记站点" in r.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Station)) == 0


@pytest.mark.parametrize("decision", ["approve", "hide", "reply-approve", "reply-hide"])
def test_another_districts_rating_is_not_found(app, yx_staff, fc_staff, decision):
    station = StationFactory(code="FC0001")
    visit = CheckInFactory(station=station, worker=WorkerFactory())
    rating = Rating(
        checkin_id=visit.id, station_id=station.id, worker_id=visit.worker_id, score=4, comment="待审核的留言",
        comment_status="review", reply="站点回复", reply_status="review",
    )  # fmt: skip
    db.session.add(rating)
    db.session.commit()
    r = console_as(app, yx_staff).post(f"/console/ratings/{rating.id}/{decision}")
    assert r.status_code == 404
    db.session.expire_all()
    assert (rating.comment_status, rating.reply_status) == ("review", "review")
    r = console_as(app, fc_staff).post(f"/console/ratings/{rating.id}/{decision}")
    assert (r.status_code, r.location) == (302, "/console/stations/FC0001#ratings")


# --- every other console page and download ------------------------------------------------------
#
# Each console route without a station code is listed here with the requests that check it, or
# with why it shows no district's data. A request by 游仙区's staff must be answered without a
# trace of 涪城区's station (code, name, host unit, comment) or district: a page or a download in
# their own scope, or a refusal.

OTHER = {"code": "FC0042", "name": "涪城临园路驿站", "host_unit": "涪城环卫所东区", "comment": "涪城站的留言"}
MARKERS = (OTHER["code"], OTHER["name"], OTHER["host_unit"], OTHER["comment"], "涪城")
OWN = {"code": "YX0007", "name": "游仙东津路驿站"}
OTHER_VISITS, OWN_VISITS = 3, 2
IMPORT_HEADER = "站点编码,站点名称,区县,地址,纬度,经度,建设方式,共建单位,开放时间,状态"


def _import_file(row: str) -> tuple:
    import io

    return io.BytesIO("\n".join([IMPORT_HEADER, row]).encode("utf-8-sig")), "stations.csv"


@dataclass(frozen=True)
class Check:
    url: str
    method: str = "GET"
    form: dict | None = None
    upload: str | None = None  # a CSV row sent as the file of a multipart form
    allowed: tuple[str, ...] = ()  # markers that are not data here (an example in instructions)

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


def _this_quarter() -> tuple[int, int]:
    from app.reports import quarters

    return quarters.quarter_of(clock.today())


RATING_RULE = "/console/ratings/<int:rating_id>/<any(approve, hide, 'reply-approve', 'reply-hide'):decision>"
# (method, rule) -> the requests that check it, or the reason it holds no district's data.
ROUTES: dict[tuple[str, str], list[Check] | str] = {
    ("GET", "/console/"): [Check("/console/")],
    ("GET", "/console/stations"): [
        Check("/console/stations"), Check("/console/stations?district=FC"), Check("/console/stations?q=涪城"),
        Check(f"/console/stations?q={OTHER['code']}"), Check("/console/stations?per_page=100&page=1"),
    ],
    ("GET", "/console/stations/map"): [Check("/console/stations/map"), Check("/console/stations/map?district=FC")],
    ("GET", "/console/stations/new"): [Check("/console/stations/new")],
    ("POST", "/console/stations/new"): [
        Check("/console/stations/new", "POST", {**EDIT_FORM, "code": OTHER["code"], "name": "抢注的驿站"}),
        Check("/console/stations/new", "POST", {**EDIT_FORM, "name": "抢注的驿站"}),
    ],
    ("GET", "/console/import"): [Check("/console/import")],
    ("POST", "/console/import"): [
        Check("/console/import", "POST", upload=f"{OTHER['code']},改名,游仙区,绵阳市游仙区东津路1号,31.47,104.77,自建,,24小时,已建成"),
        Check("/console/import", "POST", upload=",新驿站,涪城区,绵阳市涪城区临园路9号,31.45,104.74,自建,,24小时,已建成"),
    ],
    ("POST", "/console/import/confirm"): "test_another_staff_members_staged_import_cannot_be_confirmed",
    ("GET", "/console/import/template.<fmt>"): [
        Check("/console/import/template.csv"), Check("/console/import/template.xlsx", allowed=("涪城",)),
    ],
    ("GET", "/console/reports"): [Check("/console/reports")],
    ("GET", "/console/reports/visits"): [
        Check("/console/reports/visits"), Check("/console/reports/visits?group_by=station&period=month"),
        Check("/console/reports/visits?group_by=station&format=csv"), Check("/console/reports/visits?group_by=station&format=xlsx"),
        Check("/console/reports/visits?district=FC"), Check("/console/reports/visits?district=FC&format=csv"),
        Check(f"/console/reports/visits?station={OTHER['code']}"), Check(f"/console/reports/visits?station={OTHER['code']}&format=xlsx"),
    ],
    ("GET", "/console/reports/quarterly"): [
        Check("/console/reports/quarterly"), Check("/console/reports/quarterly?format=xlsx"),
        Check("/console/reports/quarterly?quarter=1&format=xlsx"), Check("/console/reports/quarterly?district=FC"),
        Check("/console/reports/quarterly?district=涪城区&format=xlsx"),
    ],
    ("POST", "/console/reports/quarterly/<int:year>/<int:quarter>/submit"): "test_filing_the_quarterly_form_files_the_own_district_only",
    ("GET", "/console/reports/quality"): [
        Check("/console/reports/quality"), Check("/console/reports/quality?district=FC"),
        Check("/console/reports/quality?format=csv"), Check("/console/reports/quality?district=FC&format=xlsx"),
    ],
    ("GET", "/console/audit"): [
        Check("/console/audit"), Check(f"/console/audit?entity_id={OTHER['code']}"), Check("/console/audit?action=station.update"),
    ],
    ("POST", RATING_RULE): "test_another_districts_rating_is_not_found",
    ("GET", "/console/login"): "the sign-in form: no data (signed in, it redirects to the dashboard)",
    ("POST", "/console/login"): "signing in: no data",
    ("POST", "/console/logout"): "signing out: no data",
    ("GET", "/console/static/<path:filename>"): "the console's own CSS and JavaScript",
    ("GET", "/console/vendor/<name>"): "ECharts and Leaflet from node_modules",
}  # fmt: skip
CHECKS = [check for checks in ROUTES.values() if isinstance(checks, list) for check in checks]


def test_every_console_route_has_a_scope_check(app):
    """Read from app.url_map: a new console page or download cannot escape the scope check."""
    routed = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule == "/console" or rule.rule.startswith("/console/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(p.method, p.rule) for p in PAGES} | set(ROUTES)
    assert routed - covered == set(), "console routes without a scope check: add them to PAGES or ROUTES"
    assert covered - routed == set(), "scope checks for routes that no longer exist"
    named = {reason for reason in ROUTES.values() if isinstance(reason, str) and reason.startswith("test_")}
    assert all(name in globals() for name in named), "ROUTES names a test that does not exist"


@pytest.fixture
def other_district(app_ctx, fc_staff):
    """涪城区's station with visits, ratings (one comment waiting for review, one public), an
    audited change, an investment and a filed quarterly form; 游仙区's own station with visits."""
    from decimal import Decimal

    from app.accounts import audit
    from app.accounts.actor import Actor
    from app.reports import quarterly
    from app.reports.models import Investment
    from app.visits import rollups

    other = StationFactory(code=OTHER["code"], name=OTHER["name"], host_unit=OTHER["host_unit"], status="built")
    own = StationFactory(code=OWN["code"], name=OWN["name"], district_code="YX", address="绵阳市游仙区东津路", lat=31.4765, lng=104.779)
    for station, n in ((other, OTHER_VISITS), (own, OWN_VISITS)):
        for _ in range(n):
            rollups.record_visit(CheckInFactory(station=station, worker=WorkerFactory()))
    checkins = db.session.scalars(sa.select(CheckIn).where(CheckIn.station_id == other.id).order_by(CheckIn.id)).all()
    for visit, status in zip(checkins, ("review", "published"), strict=False):
        rating = Rating(checkin_id=visit.id, station_id=other.id, worker_id=visit.worker_id, score=2, comment=OTHER["comment"])
        rating.comment_status = status
        db.session.add(rating)
    year, quarter = _this_quarter()
    db.session.add(Investment(station_id=other.id, district_code="FC", year=year, quarter=quarter, union_amount=Decimal("12.5")))
    fc = Actor(staff=fc_staff)
    after = {"name": OTHER["name"], "host_unit": OTHER["host_unit"]}
    audit.record(fc, "station.update", "station", OTHER["code"], district_code="FC", after=after)
    db.session.commit()
    quarterly.submit(fc, year, quarter)
    db.session.commit()
    return other, own


ECHOES = re.compile(r'(value|href)="[^"]*"')


def _text(r) -> str:
    """What a response shows: the page (without its attributes, which echo what was typed: the
    search box, the form's values, the filters in links), or the download's cells."""
    kind = r.headers.get("Content-Type", "")
    if "spreadsheetml" in kind:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(r.data))
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    return ECHOES.sub("", r.data.decode("utf-8-sig"))


@pytest.mark.parametrize("check", CHECKS, ids=str)
def test_other_pages_show_nothing_of_another_district(app, yx_staff, other_district, check):
    before = observable(OTHER["code"])
    console = console_as(app, yx_staff)
    if check.upload is not None:
        r = console.post(check.url, {"file": _import_file(check.upload)}, content_type="multipart/form-data")
    elif check.method == "POST":
        r = console.post(check.url, check.form)
    else:
        r = console.get(check.url)
    if r.status_code == 302:
        assert "/console/login" not in r.location
        r = console.follow(r)
    assert r.status_code in (200, 403, 404, 422), (r.status_code, r.text[:300])
    text = _text(r)
    leaked = [m for m in MARKERS if m in text and m not in check.allowed]
    assert leaked == [], f"{check}: shows {leaked}"
    assert observable(OTHER["code"]) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Station)) == 2  # nothing registered or imported


def _chart(html: str, name: str):
    import json

    return json.loads(re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', html, re.S).group(1))


def test_the_dashboard_counts_only_the_own_district(app, yx_staff, city_staff, other_district):
    yx = console_as(app, yx_staff).get("/console/").text
    assert f'<div class="n">{OWN_VISITS}</div><div class="t">今日服务人次' in yx
    assert f'<div class="n">{OWN_VISITS}</div><div class="t">今日服务人数' in yx
    assert "近 30 天平均满意度（0 次评价）" in yx  # the other district's ratings are not averaged in
    assert sum(day["scanned"] for day in _chart(yx, "trend-data")) == OWN_VISITS  # the trend chart too
    due = yx.split('id="forms-due"')[1].split("</table>")[0]
    assert "0 / 1" in due and "1 / 1" not in due  # its own form only: 涪城区's filing is not counted
    city = console_as(app, city_staff).get("/console/").text
    assert f'<div class="n">{OWN_VISITS + OTHER_VISITS}</div><div class="t">今日服务人次' in city
    assert "近 30 天平均满意度（2 次评价）" in city


def test_the_reports_count_only_the_own_district(app, yx_staff, other_district):
    console = console_as(app, yx_staff)
    visits = console.get("/console/reports/visits").text
    assert f"共 {OWN_VISITS} 人次" in visits
    assert sum(_chart(visits, "visits-data")["scanned"]) == OWN_VISITS  # the chart too
    form = console.get("/console/reports/quarterly").text
    assert "12.50" not in form  # 涪城区's investment
    status = form.split('id="quarterly-status"')[1]
    assert "游仙区" in status and "已报送 0" in status  # 涪城区's filed form is neither shown nor counted
    quality = console.get("/console/reports/quality").text
    assert OWN["code"] in quality


def test_filing_the_quarterly_form_files_the_own_district_only(app, yx_staff, other_district):
    from app.reports.models import QuarterlySubmission

    year, quarter = _this_quarter()
    console = console_as(app, yx_staff)
    r = console.post(f"/console/reports/quarterly/{year}/{quarter}/submit")
    assert r.status_code == 302
    assert not any(m for m in MARKERS if m in console.follow(r).text)
    filed = db.session.execute(sa.select(QuarterlySubmission.district_code).where(QuarterlySubmission.year == year)).scalars().all()
    assert sorted(filed) == ["FC", "YX"]  # 游仙区's own, and 涪城区's from before, untouched


def test_another_staff_members_staged_import_cannot_be_confirmed(app, fc_staff, yx_staff, other_district):
    fc = console_as(app, fc_staff)
    r = fc.post(
        "/console/import",
        {"file": _import_file(",新驿站,涪城区,绵阳市涪城区临园路9号,31.45,104.74,自建,,24小时,已建成")},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = console_as(app, yx_staff).post("/console/import/confirm", {"token": token})
    assert r.status_code == 410 and not any(m for m in MARKERS if m in r.text)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Station)) == 2


def test_another_districts_station_in_a_report_filter_answers_like_a_missing_one(app, yx_staff, other_district):
    console = console_as(app, yx_staff)
    other = console.get(f"/console/reports/visits?station={OTHER['code']}")
    missing = console.get("/console/reports/visits?station=FC9999")
    assert other.status_code == missing.status_code
    assert _page(other).replace(OTHER["code"], "FC9999") == _page(missing)
    assert console.get("/console/reports/visits?district=FC&format=csv").headers.get("Content-Disposition") is None  # no file
    for url in ("/console/reports/quarterly?district=FC", "/console/reports/quarterly?district=涪城区&format=xlsx"):
        r = console.get(url)
        assert r.status_code == 403 and "只能查看本区县的报表" in r.text
