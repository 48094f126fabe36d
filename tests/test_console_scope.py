"""District scope in the staff console, for every console page and action that takes a station
code (read from app.url_map, so a new one cannot escape): another district's staff get the 404
page, exactly as for a missing station, and nothing changes; the station's own district and the
city reach it. Lists, the map, the audit log and comment review never show another district."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import reference_data as ref
from app.extensions import db
from app.models import AuditEntry, Inspection, KeeperCode, Rating, Station, StationKeeper
from app.models.base import utcnow
from tests.console_helpers import console_as, flashes
from tests.factories import CheckInFactory, StationFactory, WorkerFactory

MISSING = "FC9999"
ALL_PASSED = [{"item": item, "passed": True, "note": None} for item in ref.codes(ref.SIX_HAS_ITEMS)]
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


def ready_station(page: Page, **overrides) -> str:
    station = StationFactory(**{**page.station, **overrides})
    if page.inspected:
        db.session.add(Inspection(station=station, inspector_name="测试", inspected_on=date.today(), results=ALL_PASSED))
    if page.keeper:
        db.session.add(StationKeeper(station_id=station.id, worker_id=WorkerFactory().id))
    if page.keeper_code:
        db.session.add(KeeperCode(code_hash=f"test-{station.code}", station_id=station.id, expires_at=utcnow() + timedelta(hours=1)))
    db.session.commit()
    return station.code


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
