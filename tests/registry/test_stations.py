"""The station registry over HTTP: create, list, read, update, retire, 六有 inspections,
plaquing, demonstration and provincial-best flags, and the audit entry each change leaves.

Every refused request must answer with the one error shape and change nothing: the helpers
below count stations, inspections and audit entries before and after."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.core import clock
from app.core.geo import wgs84_to_gcj02
from app.reference import data as ref
from tests.assertions import assert_error
from tests.factories import StationFactory

STATIONS = "/api/staff/v1/stations"
AUDIT = "/api/staff/v1/audit-log"
SIX_HAS = ref.codes(ref.SIX_HAS_ITEMS)
SIX_HAS_NAMES = ref.names(ref.SIX_HAS_ITEMS)
CJK = re.compile(r"[\u4e00-\u9fff]")


def today() -> str:
    """China's day as the API writes it, read when the test runs (not at import)."""
    return clock.today().isoformat()


def payload(**overrides) -> dict:
    """A valid create request for a 涪城区 station; keys set to ... are left out."""
    body = {
        "name": "临园路环卫驿站",
        "district": "FC",
        "address": "绵阳市涪城区临园路东段 12 号",
        "lat": 31.4567,
        "lng": 104.7462,
        "host_unit": "涪城区环卫所",
        "host_type": "sanitation_depot",
        "build_mode": "co_built",
        "amenities": ["drinking_water", "toilet", "rest_seats"],
        "opening_hours": {"always_open": True},
        "worker_groups": ["sanitation", "courier"],
        "keeper_name": "王师傅",
        "keeper_phone": "0816-2345678",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def weekly(*ranges) -> dict:
    return {"always_open": False, "weekly": [{"weekday": d, "open": o, "close": c} for d, o, c in ranges]}


def six_items(failed=()) -> list[dict]:
    return [{"item": item, "passed": item not in failed, "note": "未达标" if item in failed else None} for item in SIX_HAS]


def details_text(error: dict) -> str:
    return str(error.get("details"))


def create(api, **overrides) -> dict:
    r = api.post(STATIONS, json=payload(**overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def get(api, code: str) -> dict:
    r = api.get(f"{STATIONS}/{code}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def station_total(api) -> int:
    """Every station city staff can see, retired ones included."""
    return api.get(STATIONS).get_json()["total"]


def audit_entries(api, code: str | None = None, **filters) -> list[dict]:
    params = {"per_page": 100, **filters}
    if code:
        params.update(entity_type="station", entity_id=code)
    r = api.get(AUDIT, query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def inspect(api, code: str, failed=(), **extra) -> dict:
    r = api.post(f"{STATIONS}/{code}/inspections", json={"items": six_items(failed), **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def plaqued_station(api, **kwargs) -> str:
    """A built 涪城区 station with a passed inspection, plaqued through the API."""
    code = StationFactory(**kwargs).code
    inspect(api, code)
    r = api.post(f"{STATIONS}/{code}/plaque", json={})
    assert r.status_code == 200, r.get_json()
    return code


@pytest.fixture
def unchanged(city_api):
    """Call with a station code (or None) before a refused request; call the result after:
    asserts the station, its inspections, the station count and the audit log are as before."""

    def state(code):
        station = city_api.get(f"{STATIONS}/{code}").get_json() if code else None
        inspections = city_api.get(f"{STATIONS}/{code}/inspections").get_json() if code else None
        # Changes only: reading a station with its keeper's phone is itself audited (README "Privacy").
        views = city_api.get(AUDIT, query_string={"action": "station.keeper_contact.view"}).get_json()["total"]
        return station, inspections, station_total(city_api), city_api.get(AUDIT).get_json()["total"] - views

    def before(code=None):
        snapshot = state(code)

        def check():
            assert state(code) == snapshot

        return check

    return before


# --- create ------------------------------------------------------------------------------------


def test_create_answers_the_station(fc_api):
    body = create(fc_api)
    assert body["code"] == "FC0001"
    assert body["district"] == {"code": "FC", "name": "涪城区"}
    assert body["status"] == "planned"
    assert body["datum"] == "gcj02"
    assert (body["lat"], body["lng"]) == (31.4567, 104.7462)
    assert body["host_type"] == "sanitation_depot"
    assert body["amenities"] == ["drinking_water", "toilet", "rest_seats"]
    assert body["opening_hours"] == {"always_open": True, "weekly": []}
    assert body["worker_groups"] == ["sanitation", "courier"]
    assert body["demonstration"] is False and body["provincial_best"] is False
    assert body["built_date"] is None and body["plaqued_date"] is None and body["latest_inspection"] is None
    assert get(fc_api, "FC0001") == body


def test_codes_are_generated_in_sequence(fc_api):
    assert create(fc_api)["code"] == "FC0001"
    assert create(fc_api)["code"] == "FC0002"


def test_generated_code_follows_the_highest_in_use(fc_api):
    create(fc_api, code="FC0007")
    assert create(fc_api)["code"] == "FC0008"


def test_codes_are_numbered_per_district(city_api):
    create(city_api)
    create(city_api)
    yx = create(city_api, district="YX", address="绵阳市游仙区", lat=31.4765, lng=104.7790)
    assert yx["code"] == "YX0001"
    assert yx["district"]["code"] == "YX"


def test_a_retired_stations_code_is_not_reused(fc_api):
    code = create(fc_api)["code"]
    assert fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "拆迁"}).status_code == 200
    assert create(fc_api)["code"] == "FC0002"


def test_a_given_code_is_kept(fc_api):
    assert create(fc_api, code="FC0100")["code"] == "FC0100"


@pytest.mark.parametrize("code", ["YX0001", "JY0001"])
def test_a_given_code_must_start_with_the_district_prefix(fc_api, unchanged, code):
    check = unchanged()
    error = assert_error(fc_api.post(STATIONS, json=payload(code=code)), 422, "validation_error")
    assert "FC" in error["details"]["code"][0]
    check()


@pytest.mark.parametrize("code", ["FC01", "FC-0001", "0001", "FC00000001", "FCFC0001"])
def test_a_malformed_code_is_refused(fc_api, unchanged, code):
    check = unchanged()
    error = assert_error(fc_api.post(STATIONS, json=payload(code=code)), 422, "validation_error")
    assert "code" in error["details"]
    check()


def test_a_taken_code_is_a_conflict(fc_api, unchanged):
    first = create(fc_api, code="FC0003")
    check = unchanged("FC0003")
    error = assert_error(fc_api.post(STATIONS, json=payload(code="FC0003", name="另一个站点")), 409, "code_taken")
    assert "FC0003" in error["message"]
    check()
    assert get(fc_api, "FC0003")["name"] == first["name"]


@pytest.mark.parametrize("district", ["FC", "涪城区"])
def test_district_by_code_or_name(fc_api, district):
    assert create(fc_api, district=district)["district"] == {"code": "FC", "name": "涪城区"}


@pytest.mark.parametrize("district", ["XX", "fc", "成都市", ""])
def test_an_unknown_district_is_refused(city_api, unchanged, district):
    check = unchanged()
    error = assert_error(city_api.post(STATIONS, json=payload(district=district)), 422, "validation_error")
    assert "district" in error["details"]
    check()


def test_wgs84_input_is_stored_as_gcj02(fc_api):
    body = create(fc_api, lat=31.4567, lng=104.7462, datum="wgs84")
    expected = wgs84_to_gcj02(31.4567, 104.7462)
    assert body["lat"] == pytest.approx(expected[0], abs=1e-9)
    assert body["lng"] == pytest.approx(expected[1], abs=1e-9)
    assert body["datum"] == "gcj02"
    # The GCJ-02 offset around Mianyang is a few hundred metres, so a stored copy of the input
    # would be caught here.
    assert abs(body["lat"] - 31.4567) > 1e-4 and abs(body["lng"] - 104.7462) > 1e-3
    assert get(fc_api, body["code"])["lat"] == body["lat"]


def test_an_unknown_datum_is_refused(fc_api, unchanged):
    check = unchanged()
    assert_error(fc_api.post(STATIONS, json=payload(datum="bd09")), 422, "validation_error")
    check()


@pytest.mark.parametrize(
    ("lat", "lng", "datum"),
    [
        (39.9042, 116.4074, "gcj02"),  # Beijing
        (29.5630, 106.5516, "gcj02"),  # Chongqing, just south-east of the box
        (31.4567, 31.4567, "gcj02"),  # longitude typed as the latitude
        (0.0, 0.0, "gcj02"),
        (39.9042, 116.4074, "wgs84"),
    ],
)
def test_coordinates_outside_mianyang_are_refused_in_chinese(fc_api, unchanged, lat, lng, datum):
    check = unchanged()
    error = assert_error(fc_api.post(STATIONS, json=payload(lat=lat, lng=lng, datum=datum)), 422, "validation_error")
    assert any("坐标不在服务区域内" in m for m in error["details"]["lat"])
    check()


@pytest.mark.parametrize(("lat", "lng"), [(104.7462, 31.4567), (91, 104.7), (31.4, 181), ("北纬31度", 104.7)])
def test_impossible_coordinates_are_refused_by_the_schema(fc_api, unchanged, lat, lng):
    check = unchanged()
    error = assert_error(fc_api.post(STATIONS, json=payload(lat=lat, lng=lng)), 422, "validation_error")
    assert set(error["details"]) & {"lat", "lng"}
    check()


def test_partner_programme_requires_co_built(fc_api, unchanged):
    check = unchanged()
    body = payload(build_mode="self_built", partner_programme="china_post")
    error = assert_error(fc_api.post(STATIONS, json=body), 422, "validation_error")
    assert "partner_programme" in error["details"]
    check()


def test_partner_programme_on_a_co_built_station(fc_api):
    body = create(fc_api, partner_programme="china_mobile", host_unit="中国移动涪城营业厅", host_type="telecom_hall")
    assert (body["build_mode"], body["partner_programme"]) == ("co_built", "china_mobile")


@pytest.mark.parametrize("host_unit", [..., None, ""])
def test_co_built_requires_a_host_unit(fc_api, unchanged, host_unit):
    check = unchanged()
    error = assert_error(fc_api.post(STATIONS, json=payload(host_unit=host_unit)), 422, "validation_error")
    assert "共建单位" in str(error["details"]["host_unit"])
    check()


def test_self_built_needs_no_host_unit(fc_api):
    body = create(fc_api, build_mode="self_built", host_unit=..., host_type=...)
    assert body["host_unit"] is None and body["host_type"] is None


@pytest.mark.parametrize(
    "hours",
    [
        weekly((1, "08:00", "12:00"), (1, "13:00", "18:00"), (2, "00:00", "24:00")),
        weekly((1, "08:00", "12:00"), (1, "12:00", "18:00")),  # back to back is not an overlap
        weekly(*[(d, "07:00", "19:00") for d in range(1, 8)]),
    ],
)
def test_weekly_opening_hours(fc_api, hours):
    assert create(fc_api, opening_hours=hours)["opening_hours"] == hours


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ({"always_open": True, "weekly": [{"weekday": 1, "open": "08:00", "close": "18:00"}]}, "weekly"),
        ({"always_open": False}, "weekly"),
        ({"always_open": False, "weekly": []}, "weekly"),
        (weekly((1, "08:00", "12:00"), (1, "11:00", "18:00")), "weekly"),
        (weekly((3, "08:00", "18:00"), (3, "08:00", "18:00")), "weekly"),
        (weekly((2, "09:00", "17:00"), (2, "10:00", "11:00")), "weekly"),
        (weekly((1, "18:00", "08:00")), "weekly"),
        (weekly((1, "08:00", "08:00")), "weekly"),
        (weekly((1, "24:00", "24:00")), "weekly"),
        (weekly((1, "8:00", "18:00")), "weekly"),
        (weekly((1, "08:00", "25:00")), "weekly"),
        (weekly((0, "08:00", "18:00")), "weekly"),
        (weekly((8, "08:00", "18:00")), "weekly"),
        ({"weekly": []}, "always_open"),
        ({"always_open": True, "holidays": "closed"}, "holidays"),
        ("24h", None),
    ],
)
def test_bad_opening_hours_are_refused(fc_api, unchanged, hours, field):
    check = unchanged()
    error = assert_error(fc_api.post(STATIONS, json=payload(opening_hours=hours)), 422, "validation_error")
    opening_hours = error["details"]["opening_hours"]
    if field:
        assert field in str(opening_hours)
    check()


def test_overlap_message_names_the_weekday(fc_api):
    r = fc_api.post(STATIONS, json=payload(opening_hours=weekly((5, "08:00", "12:00"), (5, "11:00", "18:00"))))
    error = assert_error(r, 422)
    assert "星期5" in str(error["details"]) and "重叠" in str(error["details"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payload(secret_flag=True), "secret_flag"),
        (payload(status="plaqued"), "status"),
        (payload(status="retired"), "status"),
        (payload(demonstration=True), "demonstration"),
        (payload(provincial_best=True), "provincial_best"),
        (payload(plaqued_date="2022-05-01"), "plaqued_date"),
        (payload(amenities=["drinking_water", "sauna"]), "amenities"),
        (payload(worker_groups=["astronaut"]), "worker_groups"),
        (payload(host_type="casino"), "host_type"),
        (payload(build_mode="rented"), "build_mode"),
        (payload(keeper_phone="call me"), "keeper_phone"),
        (payload(name=...), "name"),
        (payload(name=""), "name"),
        (payload(address=...), "address"),
        (payload(opening_hours=...), "opening_hours"),
        (payload(build_mode=...), "build_mode"),
    ],
)
def test_bad_fields_are_refused(fc_api, unchanged, body, field):
    check = unchanged()
    error = assert_error(fc_api.post(STATIONS, json=body), 422, "validation_error")
    assert field in error["details"]
    assert CJK.search(str(error["details"][field]))
    check()


def test_unknown_fields_are_named_in_chinese(fc_api):
    error = assert_error(fc_api.post(STATIONS, json=payload(colour="red")), 422)
    assert error["details"]["colour"] == ["不支持的字段"]


@pytest.mark.parametrize("data", ["[]", '"station"', "{not json", ""])
def test_a_body_that_is_not_a_json_object_is_refused(fc_api, unchanged, data):
    check = unchanged()
    r = fc_api.post(STATIONS, data=data, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 415, 422)
    assert_error(r, r.status_code)
    check()


def test_created_as_built_gets_a_built_date(fc_api):
    body = create(fc_api, status="built")
    assert (body["status"], body["built_date"]) == ("built", today())
    assert create(fc_api, status="built", built_date="2021-09-30")["built_date"] == "2021-09-30"


def test_create_is_audited(fc_api):
    body = create(fc_api)
    [entry] = audit_entries(fc_api, body["code"])
    assert entry["action"] == "station.create"
    assert entry["actor"] == "fc.staff"
    assert entry["district_code"] == "FC"
    assert entry["before"] is None
    assert entry["after"]["code"] == body["code"]
    assert entry["after"]["name"] == body["name"]
    assert entry["after"]["status"] == "planned"


# --- list --------------------------------------------------------------------------------------


@pytest.fixture
def registry(app_ctx):
    """A handful of 涪城区 stations that differ in what the filters look at."""
    return {
        "a": StationFactory(code="FC0001", name="临园路环卫驿站", status="built", host_type_code="sanitation_depot"),
        "b": StationFactory(
            code="FC0002",
            name="邮储银行驿站",
            status="planned",
            host_type_code="financial_branch",
            host_unit="邮储银行涪城支行",
            address="绵阳市涪城区长虹大道中段",
        ),
        "c": StationFactory(code="FC0003", name="加油站爱心点", status="plaqued", host_type_code="petrol_station"),
        "d": StationFactory(code="FC0004", name="旧驿站", status="retired", host_type_code="sanitation_depot"),
    }


def codes_of(r) -> list[str]:
    assert r.status_code == 200, r.get_json()
    return [s["code"] for s in r.get_json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["FC0001", "FC0002", "FC0003", "FC0004"]),
        ({"district": "FC"}, ["FC0001", "FC0002", "FC0003", "FC0004"]),
        ({"district": "涪城区"}, ["FC0001", "FC0002", "FC0003", "FC0004"]),
        ({"status": "built"}, ["FC0001"]),
        ({"status": "retired"}, ["FC0004"]),
        ({"host_type": "sanitation_depot"}, ["FC0001", "FC0004"]),
        ({"host_type": "sanitation_depot", "status": "built"}, ["FC0001"]),
        ({"q": "驿站"}, ["FC0001", "FC0002", "FC0004"]),
        ({"q": "  邮储  "}, ["FC0002"]),
        ({"q": "长虹大道"}, ["FC0002"]),
        ({"q": "涪城支行"}, ["FC0002"]),
        ({"q": "fc0003"}, ["FC0003"]),
        ({"q": "没有这个"}, []),
        ({"status": "plaqued", "q": "邮储"}, []),
    ],
)
def test_list_filters(fc_api, registry, params, expected):
    r = fc_api.get(STATIONS, query_string=params)
    assert codes_of(r) == expected
    assert r.get_json()["total"] == len(expected)


@pytest.mark.parametrize(("q", "expected"), [("%", ["FC0005"]), ("_", ["FC0006"]), ("100%", ["FC0005"]), ("\\", [])])
def test_search_text_is_matched_literally(fc_api, registry, q, expected):
    StationFactory(code="FC0005", name="100%满意驿站")
    StationFactory(code="FC0006", name="站点_临时")
    assert codes_of(fc_api.get(STATIONS, query_string={"q": q})) == expected


def test_list_filter_by_another_district_for_city_staff(city_api, registry):
    StationFactory(code="YX0001", district_code="YX")
    assert codes_of(city_api.get(STATIONS, query_string={"district": "YX"})) == ["YX0001"]
    assert city_api.get(STATIONS).get_json()["total"] == 5


@pytest.mark.parametrize(
    "params",
    [
        {"district": "XX"},
        {"status": "demolished"},
        {"host_type": "casino"},
        {"per_page": 101},
        {"per_page": 0},
        {"page": 0},
        {"page": "two"},
        {"q": "长" * 65},
    ],
)
def test_bad_list_queries_are_refused(fc_api, registry, params):
    error = assert_error(fc_api.get(STATIONS, query_string=params), 422, "validation_error")
    assert set(params) & set(error["details"])


def test_pagination(fc_api, app_ctx):
    for n in range(1, 26):
        StationFactory(code=f"FC{n:04d}")
    first = fc_api.get(STATIONS).get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 20, 25, 2)
    assert len(first["items"]) == 20
    pages = [fc_api.get(STATIONS, query_string={"per_page": 10, "page": p}).get_json() for p in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [10, 10, 5]
    assert all(p["pages"] == 3 and p["total"] == 25 for p in pages)
    seen = [s["code"] for p in pages for s in p["items"]]
    assert seen == [f"FC{n:04d}" for n in range(1, 26)]  # ordered by code, none twice
    beyond = fc_api.get(STATIONS, query_string={"per_page": 10, "page": 4}).get_json()
    assert (beyond["items"], beyond["total"]) == ([], 25)
    everything = fc_api.get(STATIONS, query_string={"per_page": 100}).get_json()
    assert (len(everything["items"]), everything["per_page"], everything["pages"]) == (25, 100, 1)


def test_an_empty_list(fc_api):
    assert fc_api.get(STATIONS).get_json() == {"items": [], "page": 1, "per_page": 20, "total": 0, "pages": 0}


# --- read --------------------------------------------------------------------------------------


def test_read(fc_api, app_ctx):
    station = StationFactory(code="FC0042", keeper_name="李师傅", keeper_phone="13800000000")
    body = get(fc_api, "FC0042")
    assert body["name"] == station.name
    assert body["keeper_name"] == "李师傅" and body["keeper_phone"] == "13800000000"
    assert body["opening_hours"]["always_open"] is False
    assert get(fc_api, "fc0042") == body  # codes are not case-sensitive


@pytest.mark.parametrize("code", ["FC9999", "NOPE", "FC0001%25"])
def test_read_a_missing_station(fc_api, code):
    assert_error(fc_api.get(f"{STATIONS}/{code}"), 404, "station_not_found")


# --- update ------------------------------------------------------------------------------------


def patch(api, code, **changes):
    return api.patch(f"{STATIONS}/{code}", json=changes)


def test_update_changes_only_what_is_sent(fc_api):
    before = create(fc_api)
    r = patch(fc_api, before["code"], name="临园路驿站（新）", amenities=["hot_water"])
    assert r.status_code == 200, r.get_json()
    after = r.get_json()
    assert after["name"] == "临园路驿站（新）" and after["amenities"] == ["hot_water"]
    for key in ("address", "lat", "lng", "host_unit", "opening_hours", "worker_groups", "status", "keeper_phone"):
        assert after[key] == before[key], key
    assert get(fc_api, before["code"]) == after


def test_update_is_audited_with_before_and_after(fc_api):
    code = create(fc_api)["code"]
    patch(fc_api, code, name="新名字", keeper_phone="13900000000")
    entry = audit_entries(fc_api, code, action="station.update")[0]
    assert entry["actor"] == "fc.staff"
    assert (entry["before"]["name"], entry["after"]["name"]) == ("临园路环卫驿站", "新名字")
    assert (entry["before"]["keeper_phone"], entry["after"]["keeper_phone"]) == ("0816-2345678", "13900000000")
    assert entry["before"]["address"] == entry["after"]["address"]


def test_an_update_that_changes_nothing_is_not_audited(fc_api):
    body = create(fc_api)
    assert patch(fc_api, body["code"], name=body["name"]).status_code == 200
    assert fc_api.patch(f"{STATIONS}/{body['code']}", json={}).status_code == 200
    assert [e["action"] for e in audit_entries(fc_api, body["code"])] == ["station.create"]


@pytest.mark.parametrize("changes", [{"lat": 31.5}, {"lng": 104.8}, {"lat": 31.5, "datum": "wgs84"}])
def test_latitude_and_longitude_change_together(fc_api, unchanged, changes):
    code = create(fc_api)["code"]
    check = unchanged(code)
    error = assert_error(fc_api.patch(f"{STATIONS}/{code}", json=changes), 422, "validation_error")
    assert "经纬度须同时修改" in str(error["details"])
    check()


def test_update_coordinates_from_wgs84(fc_api):
    code = create(fc_api)["code"]
    body = patch(fc_api, code, lat=31.47, lng=104.77, datum="wgs84").get_json()
    assert (body["lat"], body["lng"]) == pytest.approx(wgs84_to_gcj02(31.47, 104.77), abs=1e-9)


def test_update_coordinates_outside_mianyang(fc_api, unchanged):
    code = create(fc_api)["code"]
    check = unchanged(code)
    error = assert_error(patch(fc_api, code, lat=39.9, lng=116.4), 422, "validation_error")
    assert "坐标不在服务区域内" in str(error["details"]["lat"])
    check()


def test_planned_to_built_sets_the_built_date(fc_api):
    code = create(fc_api)["code"]
    body = patch(fc_api, code, status="built").get_json()
    assert (body["status"], body["built_date"]) == ("built", today())
    entry = audit_entries(fc_api, code, action="station.update")[0]
    assert (entry["before"]["status"], entry["after"]["status"]) == ("planned", "built")
    assert (entry["before"]["built_date"], entry["after"]["built_date"]) == (None, today())


def test_a_given_built_date_is_kept(fc_api):
    code = create(fc_api)["code"]
    assert patch(fc_api, code, status="built", built_date="2022-03-01").get_json()["built_date"] == "2022-03-01"
    # Saying "built" again does not move the date.
    assert patch(fc_api, code, status="built").get_json()["built_date"] == "2022-03-01"


def test_status_of_a_plaqued_station_is_locked(fc_api, unchanged, app_ctx):
    code = plaqued_station(fc_api)
    check = unchanged(code)
    assert_error(patch(fc_api, code, status="built"), 409, "status_locked")
    check()
    assert patch(fc_api, code, name="改名不影响挂牌").get_json()["status"] == "plaqued"


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "plaqued"},
        {"status": "retired"},
        {"code": "FC0099"},
        {"demonstration": True},
        {"retired_reason": "x"},
        {"colour": "red"},
        {"name": ""},
        {"name": None},
        {"lat": None, "lng": None},
        {"build_mode": "rented"},
        {"opening_hours": {"always_open": True, "weekly": [{"weekday": 1, "open": "08:00", "close": "18:00"}]}},
        {"opening_hours": weekly((1, "08:00", "12:00"), (1, "10:00", "18:00"))},
        {"opening_hours": weekly((1, "18:00", "08:00"))},
        {"opening_hours": {"weekly": [{"weekday": 1, "open": "08:00", "close": "18:00"}]}},
        {"opening_hours": {"always_open": False, "weekly": [{"weekday": 1, "open": "08:00"}]}},
        {"opening_hours": {}},
    ],
)
def test_bad_updates_are_refused(fc_api, unchanged, changes):
    code = create(fc_api)["code"]
    check = unchanged(code)
    assert_error(fc_api.patch(f"{STATIONS}/{code}", json=changes), 422, "validation_error")
    check()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"build_mode": "self_built", "partner_programme": "china_post"}, "partner_programme"),
        ({"host_unit": None}, "host_unit"),
        ({"host_unit": ""}, "host_unit"),
    ],
)
def test_cross_field_rules_apply_to_the_station_after_the_change(fc_api, unchanged, changes, field):
    code = create(fc_api)["code"]
    check = unchanged(code)
    error = assert_error(fc_api.patch(f"{STATIONS}/{code}", json=changes), 422, "validation_error")
    assert field in error["details"]
    check()


def test_partner_programme_added_to_a_self_built_station_is_refused(fc_api, unchanged):
    code = create(fc_api, build_mode="self_built", host_unit=...)["code"]
    check = unchanged(code)
    assert_error(patch(fc_api, code, partner_programme="china_post"), 422, "validation_error")
    assert_error(patch(fc_api, code, build_mode="co_built"), 422, "validation_error")  # no host unit
    check()
    body = patch(fc_api, code, build_mode="co_built", host_unit="邮政涪城分公司", partner_programme="china_post").get_json()
    assert (body["build_mode"], body["partner_programme"]) == ("co_built", "china_post")


def test_a_retired_station_cannot_be_updated(fc_api, unchanged):
    code = create(fc_api)["code"]
    fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "道路改造"})
    check = unchanged(code)
    assert_error(patch(fc_api, code, name="复活"), 409, "station_retired")
    assert_error(patch(fc_api, code, status="built"), 409, "station_retired")
    check()


def test_update_a_missing_station(fc_api):
    assert_error(patch(fc_api, "FC9999", name="x"), 404, "station_not_found")


# --- retire ------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": None}, {"reason": "长" * 201}, {"reason": "x", "force": True}])
def test_retiring_needs_a_reason(fc_api, unchanged, body):
    code = create(fc_api)["code"]
    check = unchanged(code)
    error = assert_error(fc_api.post(f"{STATIONS}/{code}/retire", json=body), 422, "validation_error")
    assert set(error["details"]) & {"reason", "force"}
    check()


def test_retire_keeps_the_station(fc_api, city_api):
    code = create(fc_api, status="built")["code"]
    total = station_total(city_api)
    r = fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "道路改造，站点拆除"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "retired"
    assert body["retired_reason"] == "道路改造，站点拆除"
    assert body["retired_at"]
    assert body["built_date"] == today()  # history is kept
    assert get(fc_api, code) == body
    assert station_total(city_api) == total  # never deleted
    assert codes_of(fc_api.get(STATIONS)) == [code]
    assert codes_of(fc_api.get(STATIONS, query_string={"status": "retired"})) == [code]
    assert fc_api.get(f"{STATIONS}/{code}/inspections").status_code == 200
    entry = audit_entries(fc_api, code, action="station.retire")[0]
    assert (entry["before"]["status"], entry["after"]["status"]) == ("built", "retired")
    assert (entry["before"]["retired_reason"], entry["after"]["retired_reason"]) == (None, "道路改造，站点拆除")


def test_retiring_twice_is_a_conflict(fc_api, unchanged):
    code = create(fc_api)["code"]
    fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "撤并"})
    check = unchanged(code)
    assert_error(fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "再撤一次"}), 409, "station_retired")
    check()
    assert get(fc_api, code)["retired_reason"] == "撤并"


def test_a_retired_station_takes_no_further_actions(fc_api, unchanged, app_ctx):
    code = plaqued_station(fc_api)
    fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "撤并"})
    check = unchanged(code)
    assert_error(fc_api.post(f"{STATIONS}/{code}/inspections", json={"items": six_items()}), 409, "station_retired")
    assert_error(fc_api.post(f"{STATIONS}/{code}/plaque", json={}), 409, "station_retired")
    assert_error(fc_api.post(f"{STATIONS}/{code}/demonstration", json={"year": 2023}), 409, "station_retired")
    assert_error(fc_api.delete(f"{STATIONS}/{code}/demonstration"), 409, "station_retired")
    check()


def test_there_is_no_hard_delete(fc_api, unchanged):
    code = create(fc_api)["code"]
    check = unchanged(code)
    assert_error(fc_api.delete(f"{STATIONS}/{code}"), 405, "method_not_allowed")
    check()


# --- 六有 inspections ---------------------------------------------------------------------------


def test_record_an_inspection(fc_api, fc_staff, app_ctx):
    code = StationFactory().code
    items = list(reversed(six_items(failed=("on_map",))))  # any order in, checklist order out
    r = fc_api.post(f"{STATIONS}/{code}/inspections", json={"items": items, "inspected_on": "2022-06-15"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["inspected_on"] == "2022-06-15"
    assert body["inspector_name"] == fc_staff.display_name
    assert [i["item"] for i in body["results"]] == list(SIX_HAS)
    assert body["passed"] is False and body["failed_items"] == ["on_map"]
    assert body["results"][-1] == {"item": "on_map", "passed": False, "note": "未达标"}
    assert get(fc_api, code)["latest_inspection"] == body
    entry = audit_entries(fc_api, code, action="station.inspect")[0]
    assert entry["after"]["inspection_id"] == body["id"]
    assert entry["after"]["results"] == body["results"]


def test_inspection_date_defaults_to_today(fc_api, app_ctx):
    assert inspect(fc_api, StationFactory().code)["inspected_on"] == today()


@pytest.mark.parametrize(
    "items",
    [
        six_items()[:5],  # one missing
        six_items()[:5] + six_items()[:1],  # six entries, one item twice
        six_items() + six_items()[:1],  # all six and one again
        [*six_items()[:5], {"item": "free_wifi", "passed": True}],
        [{**i, "passed": None} if i["item"] == "on_map" else i for i in six_items()],
        [{k: v for k, v in i.items() if k != "passed"} for i in six_items()],
        [{**i, "score": 5} for i in six_items()],
        [],
        None,
    ],
)
def test_an_inspection_must_answer_all_six_items_once(fc_api, unchanged, app_ctx, items):
    code = StationFactory().code
    check = unchanged(code)
    body = {"items": items} if items is not None else {}
    error = assert_error(fc_api.post(f"{STATIONS}/{code}/inspections", json=body), 422, "validation_error")
    assert "items" in error["details"]
    check()


def test_inspections_are_listed_newest_first(fc_api, app_ctx):
    code = StationFactory().code
    ids = [inspect(fc_api, code, failed=failed)["id"] for failed in (("on_map",), ("facilities",), ())]
    r = fc_api.get(f"{STATIONS}/{code}/inspections")
    assert r.status_code == 200
    listed = r.get_json()
    assert [i["id"] for i in listed] == list(reversed(ids))
    assert [i["failed_items"] for i in listed] == [[], ["facilities"], ["on_map"]]


def test_no_inspections_yet(fc_api, app_ctx):
    code = StationFactory().code
    assert fc_api.get(f"{STATIONS}/{code}/inspections").get_json() == []


# --- plaque ------------------------------------------------------------------------------------


def plaque(api, code, **body):
    return api.post(f"{STATIONS}/{code}/plaque", json=body)


def test_a_planned_station_cannot_be_plaqued(fc_api, unchanged, app_ctx):
    code = StationFactory(status="planned").code
    inspect(fc_api, code)
    check = unchanged(code)
    assert_error(plaque(fc_api, code), 409, "station_not_built")
    check()


def test_plaquing_needs_an_inspection(fc_api, unchanged, app_ctx):
    code = StationFactory().code
    check = unchanged(code)
    error = assert_error(plaque(fc_api, code), 409, "inspection_missing")
    assert "六有" in error["message"]
    check()


def test_a_failed_inspection_blocks_plaquing_and_names_the_items(fc_api, unchanged, app_ctx):
    code = StationFactory().code
    inspection = inspect(fc_api, code, failed=("management_rules", "on_map"))
    check = unchanged(code)
    error = assert_error(plaque(fc_api, code), 409, "inspection_failed")
    assert "有规范的管理制度" in error["message"] and "有地图可查" in error["message"]
    for passed in ("unified_sign", "reasonable_layout", "facilities", "functions"):
        assert SIX_HAS_NAMES[passed] not in error["message"]
    assert error["details"]["failed_items"] == ["management_rules", "on_map"]
    assert error["details"]["inspection_id"] == inspection["id"]
    check()


def test_only_the_latest_inspection_counts(fc_api, unchanged, app_ctx):
    passed_then_failed = StationFactory().code
    inspect(fc_api, passed_then_failed)
    inspect(fc_api, passed_then_failed, failed=("facilities",))
    assert_error(plaque(fc_api, passed_then_failed), 409, "inspection_failed")

    failed_then_passed = StationFactory().code
    inspect(fc_api, failed_then_passed, failed=("facilities",))
    inspect(fc_api, failed_then_passed)
    assert plaque(fc_api, failed_then_passed).status_code == 200


def test_plaque(fc_api, app_ctx):
    code = StationFactory(built_date=date(2022, 3, 1)).code
    inspect(fc_api, code)
    r = plaque(fc_api, code)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["status"], body["plaqued_date"], body["built_date"]) == ("plaqued", today(), "2022-03-01")
    entry = audit_entries(fc_api, code, action="station.plaque")[0]
    assert (entry["before"]["status"], entry["after"]["status"]) == ("built", "plaqued")
    assert (entry["before"]["plaqued_date"], entry["after"]["plaqued_date"]) == (None, today())


def test_plaque_on_a_given_date(fc_api, app_ctx):
    code = StationFactory(built_date=date(2022, 5, 1)).code
    inspect(fc_api, code, inspected_on="2022-06-15")
    assert plaque(fc_api, code, plaqued_date="2022-07-01").get_json()["plaqued_date"] == "2022-07-01"


@pytest.mark.parametrize(
    ("plaqued_date", "message"),
    [
        ("2099-01-01", "挂牌日期不能晚于今天"),
        ("2022-04-30", "挂牌日期不能早于建成日期"),
        ("2022-06-14", "挂牌日期不能早于通过“六有”检查的日期"),
    ],
)
def test_plaque_date_must_be_plausible(fc_api, unchanged, app_ctx, plaqued_date, message):
    code = StationFactory(built_date=date(2022, 5, 1)).code
    inspect(fc_api, code, inspected_on="2022-06-15")
    check = unchanged(code)
    error = assert_error(plaque(fc_api, code, plaqued_date=plaqued_date), 422, "validation_error")
    assert error["details"]["plaqued_date"] == [message]
    check()


def test_inspection_cannot_be_dated_in_the_future(fc_api, app_ctx):
    code = StationFactory().code
    r = fc_api.post(f"{STATIONS}/{code}/inspections", json={"items": six_items(()), "inspected_on": "2099-01-01"})
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["inspected_on"] == ["检查日期不能晚于今天"]


def test_plaquing_twice_is_a_conflict(fc_api, unchanged, app_ctx):
    code = plaqued_station(fc_api)
    check = unchanged(code)
    assert_error(plaque(fc_api, code), 409, "already_plaqued")
    check()


@pytest.mark.parametrize("body", [{"plaqued_date": "yesterday"}, {"plaqued_date": "2022-02-30"}, {"force": True}])
def test_bad_plaque_requests(fc_api, unchanged, app_ctx, body):
    code = StationFactory().code
    inspect(fc_api, code)
    check = unchanged(code)
    assert_error(plaque(fc_api, code, **body), 422, "validation_error")
    check()


# --- demonstration -----------------------------------------------------------------------------


def demonstration(api, code, year=2023):
    return api.post(f"{STATIONS}/{code}/demonstration", json={"year": year})


def test_set_and_clear_demonstration(fc_api, app_ctx):
    code = plaqued_station(fc_api)
    body = demonstration(fc_api, code, 2023).get_json()
    assert (body["demonstration"], body["demonstration_year"]) == (True, 2023)
    entry = audit_entries(fc_api, code, action="station.demonstration.set")[0]
    assert (entry["before"]["demonstration"], entry["after"]["demonstration"]) == (False, True)
    assert entry["after"]["demonstration_year"] == 2023

    r = fc_api.delete(f"{STATIONS}/{code}/demonstration")
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["demonstration"], r.get_json()["demonstration_year"]) == (False, None)
    entry = audit_entries(fc_api, code, action="station.demonstration.clear")[0]
    assert (entry["before"]["demonstration_year"], entry["after"]["demonstration_year"]) == (2023, None)


@pytest.mark.parametrize("status", ["planned", "built"])
def test_demonstration_needs_a_plaqued_station(fc_api, unchanged, app_ctx, status):
    code = StationFactory(status=status).code
    check = unchanged(code)
    assert_error(demonstration(fc_api, code), 409, "station_not_plaqued")
    check()


def test_demonstration_is_counted_once(fc_api, unchanged, app_ctx):
    code = plaqued_station(fc_api)
    demonstration(fc_api, code, 2022)
    check = unchanged(code)
    error = assert_error(demonstration(fc_api, code, 2023), 409, "already_demonstration")
    assert "2022" in error["message"]
    check()


def test_a_provincial_best_station_is_outside_the_demonstration_count(fc_api, unchanged, app_ctx):
    code = plaqued_station(fc_api, provincial_best=True)
    check = unchanged(code)
    assert_error(demonstration(fc_api, code), 409, "already_provincial_best")
    check()


def test_clearing_a_station_that_is_not_a_demonstration(fc_api, unchanged, app_ctx):
    code = plaqued_station(fc_api)
    check = unchanged(code)
    assert_error(fc_api.delete(f"{STATIONS}/{code}/demonstration"), 409, "not_demonstration")
    check()


@pytest.mark.parametrize("body", [{}, {"year": 2021}, {"year": "明年"}, {"year": 2023, "note": "x"}])
def test_bad_demonstration_requests(fc_api, unchanged, app_ctx, body):
    code = plaqued_station(fc_api)
    check = unchanged(code)
    assert_error(fc_api.post(f"{STATIONS}/{code}/demonstration", json=body), 422, "validation_error")
    check()


# --- provincial best ---------------------------------------------------------------------------


def test_provincial_best_is_recorded_by_city_staff(city_api, fc_api, app_ctx):
    code = plaqued_station(fc_api)
    r = city_api.post(f"{STATIONS}/{code}/provincial-best")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["provincial_best"] is True
    entry = audit_entries(city_api, code, action="station.provincial_best.set")[0]
    assert (entry["actor"], entry["before"]["provincial_best"], entry["after"]["provincial_best"]) == (
        "city.staff",
        False,
        True,
    )
    r = city_api.delete(f"{STATIONS}/{code}/provincial-best")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["provincial_best"] is False
    assert audit_entries(city_api, code, action="station.provincial_best.clear")


@pytest.mark.parametrize("method", ["post", "delete"])
def test_district_staff_cannot_record_provincial_best(fc_api, unchanged, app_ctx, method):
    code = plaqued_station(fc_api, provincial_best=method == "delete")
    check = unchanged(code)
    error = assert_error(getattr(fc_api, method)(f"{STATIONS}/{code}/provincial-best"), 403, "city_only")
    assert "市总工会" in error["message"]
    check()


@pytest.mark.parametrize("status", ["planned", "built"])
def test_provincial_best_needs_a_plaqued_station(city_api, unchanged, app_ctx, status):
    code = StationFactory(status=status).code
    check = unchanged(code)
    assert_error(city_api.post(f"{STATIONS}/{code}/provincial-best"), 409, "station_not_plaqued")
    check()


def test_provincial_best_on_a_missing_station(city_api):
    assert_error(city_api.post(f"{STATIONS}/FC9999/provincial-best"), 404, "station_not_found")


# --- audit log ---------------------------------------------------------------------------------


def test_every_change_leaves_an_audit_entry(fc_api, city_api):
    code = create(fc_api)["code"]
    patch(fc_api, code, status="built")
    inspect(fc_api, code)
    plaque(fc_api, code)
    demonstration(fc_api, code)
    fc_api.delete(f"{STATIONS}/{code}/demonstration")
    city_api.post(f"{STATIONS}/{code}/provincial-best")
    city_api.delete(f"{STATIONS}/{code}/provincial-best")
    fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "撤并"})
    entries = audit_entries(city_api, code)
    assert [e["action"] for e in reversed(entries)] == [
        "station.create",
        "station.update",
        "station.inspect",
        "station.plaque",
        "station.demonstration.set",
        "station.demonstration.clear",
        "station.provincial_best.set",
        "station.provincial_best.clear",
        "station.retire",
    ]
    assert all(e["entity_id"] == code and e["district_code"] == "FC" and e["occurred_at"] for e in entries)
    assert all(e["after"] for e in entries)
    assert all(e["before"] for e in entries if e["action"] not in ("station.create", "station.inspect"))


def test_district_staff_see_only_their_districts_audit_entries(fc_api, yx_api, city_api):
    fc_code = create(fc_api)["code"]
    yx_code = create(yx_api, district="YX", address="绵阳市游仙区", lat=31.4765, lng=104.7790)["code"]
    create(city_api, district="JY", address="江油市", lat=31.78, lng=104.75)
    assert {e["district_code"] for e in audit_entries(fc_api)} == {"FC"}
    assert {e["district_code"] for e in audit_entries(yx_api)} == {"YX"}
    assert audit_entries(yx_api, fc_code) == []
    assert audit_entries(fc_api, yx_code) == []
    assert {"FC", "YX", "JY"} <= {e["district_code"] for e in audit_entries(city_api)}


def test_the_audit_log_needs_sign_in(anon_api):
    assert_error(anon_api.get(AUDIT), 401, "unauthorized")


def test_a_generated_code_taken_meanwhile_is_replaced(fc_api, app_ctx, monkeypatch):
    """Two registrations at once compute the same next code; the unique constraint decides and
    the loser takes the next one instead of failing."""
    from app.registry import stations as station_service

    StationFactory(code="FC0001")
    real = station_service.next_codes
    calls = []

    def stale_then_real(district, count):
        calls.append(district)
        return ["FC0001"] if len(calls) == 1 else real(district, count)

    monkeypatch.setattr(station_service, "next_codes", stale_then_real)
    r = fc_api.post(STATIONS, json=payload())
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["code"] == "FC0002"
    assert len(calls) == 2


def test_blank_text_is_not_a_name(fc_api, app_ctx):
    r = fc_api.post(STATIONS, json=payload(name="   "))
    assert r.status_code == 422
    assert "name" in r.get_json()["error"]["details"]


def test_blank_optional_text_is_stored_as_empty(fc_api, app_ctx):
    r = fc_api.post(STATIONS, json=payload(keeper_name="  ", name="  站点甲  "))
    assert r.status_code == 201
    assert r.get_json()["keeper_name"] is None
    assert r.get_json()["name"] == "站点甲"


def test_choice_errors_name_the_choices_in_chinese(fc_api, app_ctx):
    r = fc_api.post(STATIONS, json=payload(district="XX", host_type="casino"))
    details = r.get_json()["error"]["details"]
    assert "FC（涪城区）" in details["district"][0]
    assert "加油站" in details["host_type"][0]


def test_city_staff_cannot_move_a_station_between_districts(city_api, unchanged, app_ctx):
    code = StationFactory().code
    check = unchanged(code)
    assert_error(city_api.patch(f"{STATIONS}/{code}", json={"district": "YX"}), 409, "district_change_not_supported")
    check()


def test_back_to_planned_clears_the_built_date(fc_api, app_ctx):
    code = StationFactory(built_date=date(2023, 1, 1)).code
    body = fc_api.patch(f"{STATIONS}/{code}", json={"status": "planned"}).get_json()
    assert (body["status"], body["built_date"]) == ("planned", None)


def test_built_date_cannot_be_in_the_future(fc_api, app_ctx):
    r = fc_api.post(STATIONS, json=payload(status="built", built_date="2099-01-01"))
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["built_date"] == ["建成日期不能晚于今天"]
