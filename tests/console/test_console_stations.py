"""The console's station pages do what the staff API does, through the same services: list with
filters, search and pages; the map; create and edit with messages next to the fields; the 六有
form; plaque, demonstration, provincial best and retire; keepers and binding codes; comment
review; sign files and re-issue."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.accounts.audit_models import AuditEntry
from app.extensions import db
from app.keepers import codes as keeper_codes
from app.keepers.models import KeeperCode
from app.ratings.models import Rating
from app.reference import data as ref
from app.registry.models import Station
from tests.console_helpers import console_as, field_errors, flashes
from tests.factories import CheckInFactory, StationFactory, WorkerFactory, make_keeper

NEW = {
    "name": "临园路环卫驿站", "district": "FC", "address": "绵阳市涪城区临园路1号", "lat": "31.4567", "lng": "104.7462",
    "datum": "gcj02", "build_mode": "self_built", "opening_hours": "周一至周五 08:00-18:00；周六、周日 09:00-12:00,14:00-17:00",
    "status": "built", "amenities": ["drinking_water", "toilet"], "worker_groups": ["sanitation", "courier"],
}  # fmt: skip
ALL_PASS = {f"{item}-result": "pass" for item in ref.codes(ref.SIX_HAS_ITEMS)}


@pytest.fixture
def fc(app, fc_staff):
    return console_as(app, fc_staff)


@pytest.fixture
def city(app, city_staff):
    return console_as(app, city_staff)


def station(code: str) -> Station:
    db.session.expire_all()
    return db.session.scalar(sa.select(Station).where(Station.code == code))


def errors_of(r) -> list[str]:
    return [m for kind, m in flashes(r.text) if kind == "error"]


# --- list and map ------------------------------------------------------------------------------


def test_the_list_filters_searches_and_pages(fc, app_ctx):
    for n in range(1, 26):
        StationFactory(code=f"FC{n:04d}", name=f"驿站{n}", status="planned" if n % 5 == 0 else "built")
    first = fc.get("/console/stations?per_page=10")
    assert first.status_code == 200
    assert "第 1 / 3 页，共 25 条" in first.text
    assert "page=2" in first.text
    assert "驿站10<" in fc.get("/console/stations?per_page=10&page=1").text
    planned = fc.get("/console/stations?status=planned").text
    assert re.findall(r'stations/(FC\d+)">FC', planned) == ["FC0005", "FC0010", "FC0015", "FC0020", "FC0025"]
    found = fc.get("/console/stations?q=驿站2").text
    assert set(re.findall(r'stations/(FC\d+)">FC', found)) == {"FC0002", *(f"FC00{n}" for n in range(20, 26))}


def test_a_bad_filter_is_said_and_ignored(fc, app_ctx):
    StationFactory(code="FC0001")
    r = fc.get("/console/stations?status=broken")
    assert r.status_code == 200
    assert "FC0001" in r.text
    assert any(kind == "warning" for kind, _ in flashes(r.text))


def test_the_map_carries_the_stations_as_points(fc, app_ctx):
    StationFactory(code="FC0001", name="地图上的驿站", lat=31.45, lng=104.74)
    r = fc.get("/console/stations/map")
    assert r.status_code == 200
    assert '"code": "FC0001"' in r.text and '"lat": 31.45' in r.text
    assert "/console/vendor/leaflet.js" in r.text
    assert "未配置底图" in r.text  # no tiles configured: markers on a plain background


def test_a_configured_tile_provider_reaches_the_map(fc, app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "CONSOLE_TILE_URL", "https://tiles.example/{z}/{x}/{y}.png")
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in fc.get("/console/stations/map").text


@pytest.mark.parametrize("name", ["echarts.min.js", "leaflet.js", "leaflet.css"])
def test_the_vendor_libraries_come_from_node_modules(client, app_ctx, name):
    r = client.get(f"/console/vendor/{name}")  # public: no sign-in for static libraries
    assert r.status_code == 200, "run `make install` (npm ci)"
    assert len(r.data) > 1000


def test_only_the_listed_vendor_files_are_served(client, app_ctx):
    assert client.get("/console/vendor/package.json").status_code == 404
    assert client.get("/console/vendor/..%2Fpackage.json").status_code == 404


# --- create and edit -----------------------------------------------------------------------------


def test_create_a_station(fc, app_ctx):
    r = fc.post("/console/stations/new", NEW)
    assert (r.status_code, r.location) == (302, "/console/stations/FC0001")
    s = station("FC0001")
    assert (s.name, s.status, s.amenities, s.worker_groups) == (
        "临园路环卫驿站",
        "built",
        ["drinking_water", "toilet"],
        ["sanitation", "courier"],
    )
    assert len(s.opening_hours["weekly"]) == 5 + 2 * 2
    page = fc.follow(r)
    assert "已登记站点 FC0001" in page.text
    assert "周一至周五 08:00–18:00；周六、周日 09:00–12:00、14:00–17:00" in page.text
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.entity_id == "FC0001")) == "station.create"


def test_gps_coordinates_are_converted(fc, app_ctx):
    fc.post("/console/stations/new", {**NEW, "datum": "wgs84"})
    s = station("FC0001")
    assert s.lat != 31.4567 and abs(s.lat - 31.4567) < 0.01


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"lng": ""}, "lng", "此项必填"),
        ({"lat": "北纬三十一度"}, "lat", "应为数字"),
        ({"lat": "20.0"}, "lat", "坐标不在服务区域内"),
        ({"name": "   "}, "name", "此项必填"),
        ({"opening_hours": "早上八点到晚上六点"}, "opening_hours", "开放时间格式有误"),
        ({"opening_hours": ""}, "opening_hours", "此项必填"),
        ({"build_mode": "co_built", "host_unit": ""}, "host_unit", "共建站点须填写共建单位"),
        ({"keeper_phone": "不知道"}, "keeper_phone", "电话号码格式有误"),
        ({"code": "YX0001"}, "code", "站点编码应以区县前缀 FC 开头"),
        ({"amenities": ["drinking_water", "sauna"]}, "amenities", "取值无效"),
    ],
)
def test_validation_messages_are_next_to_the_field(fc, app_ctx, change, field, message):
    r = fc.post("/console/stations/new", {**NEW, **change})
    assert r.status_code == 422
    errors = field_errors(r.text)
    assert field in errors, errors
    assert any(message in m for m in errors[field]), errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Station)) == 0
    # what was typed stays in the form
    assert 'value="绵阳市涪城区临园路1号"' in r.text


def test_a_taken_code_is_said_next_to_the_code(fc, app_ctx):
    StationFactory(code="FC0007")
    r = fc.post("/console/stations/new", {**NEW, "code": "FC0007"})
    assert r.status_code == 422
    assert "站点编码 FC0007 已被使用" in " ".join(field_errors(r.text)["code"])


def test_edit_shows_the_station_and_saves_a_change(fc, app_ctx):
    fc.post("/console/stations/new", NEW)
    form = fc.get("/console/stations/FC0001/edit")
    assert 'value="周一至周五 08:00-18:00；周六、周日 09:00-12:00、14:00-17:00"' in form.text
    values = dict(re.findall(r'<input name="(\w+)" type="(?:text|date)" value="([^"]*)"', form.text))
    body = {**values, "district": "FC", "datum": "gcj02", "build_mode": "self_built", "status": "built",
            "amenities": ["drinking_water", "toilet"], "worker_groups": ["sanitation", "courier"]}  # fmt: skip
    before = station("FC0001")
    hours, lat = before.opening_hours, before.lat
    assert fc.post("/console/stations/FC0001/edit", body).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "station.update")) == 0
    s = station("FC0001")
    assert (s.opening_hours, s.lat) == (hours, lat)  # unchanged round trip
    r = fc.post("/console/stations/FC0001/edit", {**body, "name": "临园路驿站（改）"})
    assert r.status_code == 302
    assert station("FC0001").name == "临园路驿站（改）"
    r = fc.post("/console/stations/FC0001/edit", {**body, "address": ""})
    assert r.status_code == 422 and "address" in field_errors(r.text)


def test_a_retired_station_cannot_be_edited(fc, app_ctx):
    StationFactory(code="FC0001", status="retired")
    r = fc.get("/console/stations/FC0001/edit")
    assert r.status_code == 302
    assert "已撤销" in fc.follow(r).text


# --- 六有, plaque, demonstration, provincial best, retire ------------------------------------------


def test_inspection_plaque_and_demonstration(fc, app_ctx):
    StationFactory(code="FC0001")
    r = fc.post("/console/stations/FC0001/plaque")
    assert "挂牌前须完成“六有”检查" in errors_of(fc.follow(r))
    r = fc.post("/console/stations/FC0001/inspection", {k: v for k, v in ALL_PASS.items() if "on_map" not in k})
    assert r.status_code == 422 and "请选择通过或未通过" in field_errors(r.text)["on_map"]
    r = fc.post("/console/stations/FC0001/inspection", {**ALL_PASS, "on_map-result": "fail", "on_map-note": "地图未标注"})
    assert "未通过 有地图可查" in fc.follow(r).text
    r = fc.post("/console/stations/FC0001/plaque")
    assert "最近一次“六有”检查未通过：有地图可查" in errors_of(fc.follow(r))
    fc.post("/console/stations/FC0001/inspection", ALL_PASS)
    r = fc.post("/console/stations/FC0001/plaque", {"plaqued_date": "2999-01-01"})
    assert errors_of(fc.follow(r)) and station("FC0001").status == "built"
    r = fc.post("/console/stations/FC0001/plaque")
    assert not errors_of(fc.follow(r))
    assert station("FC0001").status == "plaqued"
    fc.post("/console/stations/FC0001/demonstration", {"year": "2023"})
    assert (station("FC0001").demonstration, station("FC0001").demonstration_year) == (True, 2023)
    r = fc.post("/console/stations/FC0001/demonstration", {"year": "2024"})
    assert "该站点已是 2023 年示范站点，不能重复计入" in errors_of(fc.follow(r))
    fc.post("/console/stations/FC0001/demonstration/clear")
    assert station("FC0001").demonstration is False


def test_provincial_best_is_the_citys(fc, city, app_ctx):
    StationFactory(code="FC0001", status="plaqued")
    r = fc.post("/console/stations/FC0001/provincial-best")
    assert errors_of(fc.follow(r)) == ["省级“最美站点”由市总工会登记"]
    assert "登记为省级“最美站点”" not in fc.get("/console/stations/FC0001").text  # not offered
    city.post("/console/stations/FC0001/provincial-best")
    assert station("FC0001").provincial_best is True
    r = city.post("/console/stations/FC0001/demonstration", {"year": "2023"})
    assert "不纳入示范站点" in errors_of(city.follow(r))[0]


def test_retire_needs_a_reason(fc, app_ctx):
    StationFactory(code="FC0001")
    r = fc.post("/console/stations/FC0001/retire", {"reason": ""})
    assert "请填写撤销原因" in errors_of(fc.follow(r))[0]
    fc.post("/console/stations/FC0001/retire", {"reason": "共建单位搬迁"})
    s = station("FC0001")
    assert (s.status, s.retired_reason) == ("retired", "共建单位搬迁")
    page = fc.get("/console/stations/FC0001").text
    assert "站点已撤销" in page and "共建单位搬迁" in page


# --- keepers, codes, ratings, signs ---------------------------------------------------------------


def test_binding_codes_issue_show_once_and_revoke(fc, app_ctx):
    StationFactory(code="FC0001")
    r = fc.post("/console/stations/FC0001/keeper-codes")
    assert r.status_code == 200
    code = re.search(r'id="keeper-code">(\w{8})<', r.text).group(1)
    page = fc.get("/console/stations/FC0001").text
    assert code not in page and "可用" in page
    row = db.session.scalar(sa.select(KeeperCode))
    assert row.code_hash == keeper_codes.code_hash(code)
    fc.post(f"/console/stations/FC0001/keeper-codes/{row.id}/revoke")
    db.session.expire_all()
    assert row.revoked_at is not None
    assert "已作废" in fc.get("/console/stations/FC0001").text


def test_a_keeper_is_listed_and_revoked(fc, app_ctx):
    s = StationFactory(code="FC0001")
    keeper = make_keeper(s, WorkerFactory(worker_group="courier"))
    page = fc.get("/console/stations/FC0001").text
    assert "在任" in page and "快递员" in page
    fc.post(f"/console/stations/FC0001/keepers/{keeper.id}/revoke")
    db.session.expire_all()
    assert keeper.revoked_at is not None
    r = fc.post(f"/console/stations/FC0001/keepers/{keeper.id}/revoke")
    assert "该管理员已被解除绑定" in errors_of(fc.follow(r))


def test_comments_waiting_for_review_are_approved_or_hidden(fc, app_ctx):
    s = StationFactory(code="FC0001")
    ratings = []
    for text in ("水很干净，谢谢", "这条要隐藏"):
        visit = CheckInFactory(station=s, worker=WorkerFactory())
        rating = Rating(checkin_id=visit.id, station_id=s.id, worker_id=visit.worker_id, score=5, comment=text, comment_status="review")
        db.session.add(rating)
        ratings.append(rating)
    db.session.commit()
    page = fc.get("/console/stations/FC0001").text
    assert "待审核的留言（2）" in page and "水很干净，谢谢" in page
    fc.post(f"/console/ratings/{ratings[0].id}/approve")
    fc.post(f"/console/ratings/{ratings[1].id}/hide")
    db.session.expire_all()
    assert [r.comment_status for r in ratings] == ["published", "hidden"]
    assert "待审核的留言（0）" in fc.get("/console/stations/FC0001").text
    r = fc.post(f"/console/ratings/{ratings[0].id}/approve")
    assert r.status_code == 409  # already published: said on the error page


def test_sign_files_and_reissue(fc, app_ctx):
    StationFactory(code="FC0001")
    pdf = fc.get("/console/stations/FC0001/sign.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == "attachment; filename=sign-FC0001-v1.pdf"
    png = fc.get("/console/stations/FC0001/sign.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    fc.post("/console/stations/FC0001/sign/reissue")
    assert station("FC0001").sign_version == 2
    assert "标牌版本 v2" in fc.get("/console/stations/FC0001").text
    assert fc.get("/console/stations/FC0001/sign.pdf").headers["Content-Disposition"].endswith("v2.pdf")


def test_the_mini_program_code_comes_through_the_console(fc, app_ctx, wx):
    StationFactory(code="FC0001")
    r = fc.get("/console/stations/FC0001/wxacode.png")
    assert r.status_code == 200 and r.data.startswith(b"\x89PNG")


def test_a_retired_stations_sign_is_refused_in_chinese(fc, app_ctx):
    StationFactory(code="FC0001", status="retired")
    r = fc.get("/console/stations/FC0001/sign.pdf")
    assert r.status_code == 409 and "不再印制标牌" in r.text
