"""District scope, seen from the outside. District staff reach only their own district's
stations: another district's station answers exactly like a missing one (so codes cannot be
probed) and is left as it was; city staff reach every district. Without a valid token nothing
answers but 401."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from app.extensions import db
from app.keepers.models import KeeperCode, StationKeeper
from app.registry.models import Station
from tests.factories import ALL_PASSED, YX_STATION, StationFactory, ready_station

STATIONS = "/api/staff/v1/stations"
AUDIT = "/api/staff/v1/audit-log"
MISSING = "FC9999"


@dataclass(frozen=True)
class Endpoint:
    """A per-station endpoint, with a body that would succeed and the station state in which
    it succeeds, so a refusal can only be the scope's doing."""

    method: str
    rule: str  # as in app.url_map
    ok: int
    body: dict | None = None
    station: dict = field(default_factory=dict)  # StationFactory overrides
    inspected: bool = False  # with a passed 六有 inspection
    keeper: bool = False  # with a bound keeper, whose id fills <int:keeper_id>
    keeper_code: bool = False  # with an unused binding code, whose id fills <int:code_id>

    def url(self, code: str) -> str:
        url = self.rule.replace("<code>", code)
        if "<int:keeper_id>" in url:  # the station's keeper; 0 where it has none (or is missing)
            query = sa.select(StationKeeper.id).join(Station).where(Station.code == code.upper())
            url = url.replace("<int:keeper_id>", str(db.session.scalar(query) or 0))
        if "<int:code_id>" in url:  # the station's binding code; 0 where it has none
            query = sa.select(KeeperCode.id).join(Station).where(Station.code == code.upper())
            url = url.replace("<int:code_id>", str(db.session.scalar(query) or 0))
        return url.replace("<int:year>", "2025").replace("<int:quarter>", "2")  # investments

    def call(self, api, code: str):
        kwargs = {"json": self.body} if self.body is not None else {}
        return getattr(api, self.method.lower())(self.url(code), **kwargs)

    def __str__(self) -> str:
        return f"{self.method} {self.rule.removeprefix(STATIONS)}"


PLAQUED = {"status": "plaqued", "plaqued_date": date(2022, 6, 1)}
PER_STATION = [
    Endpoint("GET", f"{STATIONS}/<code>", 200),
    Endpoint("PATCH", f"{STATIONS}/<code>", 200, {"name": "越权改名"}),
    Endpoint("POST", f"{STATIONS}/<code>/retire", 200, {"reason": "越权撤销"}),
    Endpoint("GET", f"{STATIONS}/<code>/inspections", 200, inspected=True),
    Endpoint("POST", f"{STATIONS}/<code>/inspections", 201, {"items": ALL_PASSED}),
    Endpoint("POST", f"{STATIONS}/<code>/plaque", 200, {}, inspected=True),
    Endpoint("POST", f"{STATIONS}/<code>/demonstration", 200, {"year": 2023}, PLAQUED),
    Endpoint("DELETE", f"{STATIONS}/<code>/demonstration", 200, None, {**PLAQUED, "demonstration": True, "demonstration_year": 2022}),
    Endpoint("POST", f"{STATIONS}/<code>/provincial-best", 200, None, PLAQUED),
    Endpoint("DELETE", f"{STATIONS}/<code>/provincial-best", 200, None, {**PLAQUED, "provincial_best": True}),
    Endpoint("GET", f"{STATIONS}/<code>/sign", 200),
    Endpoint("GET", f"{STATIONS}/<code>/sign.pdf", 200),
    Endpoint("GET", f"{STATIONS}/<code>/sign.png", 200),
    Endpoint("POST", f"{STATIONS}/<code>/sign/reissue", 200),
    Endpoint("GET", f"{STATIONS}/<code>/wxacode.png", 200),
    Endpoint("GET", f"{STATIONS}/<code>/ratings", 200),
    Endpoint("GET", f"{STATIONS}/<code>/ratings/summary", 200),
    Endpoint("POST", f"{STATIONS}/<code>/keeper-codes", 201),
    Endpoint("GET", f"{STATIONS}/<code>/keeper-codes", 200, keeper_code=True),
    Endpoint("POST", f"{STATIONS}/<code>/keeper-codes/<int:code_id>/revoke", 200, keeper_code=True),
    Endpoint("GET", f"{STATIONS}/<code>/keepers", 200, keeper=True),
    Endpoint("POST", f"{STATIONS}/<code>/keepers/<int:keeper_id>/revoke", 200, keeper=True),
    Endpoint("GET", f"{STATIONS}/<code>/status-history", 200),
    Endpoint("GET", f"{STATIONS}/<code>/investments", 200),
    Endpoint("GET", f"{STATIONS}/<code>/investments/<int:year>/<int:quarter>", 200),
    Endpoint("PUT", f"{STATIONS}/<code>/investments/<int:year>/<int:quarter>", 200, {"union": "1.25"}),
]
per_station = pytest.mark.parametrize("endpoint", PER_STATION, ids=str)


def observable(city_api, code: str) -> tuple:
    """Everything a change to the station could show up in."""
    station = city_api.get(f"{STATIONS}/{code}").get_json()
    inspections = city_api.get(f"{STATIONS}/{code}/inspections").get_json()
    audit = city_api.get(AUDIT, query_string={"entity_type": "station", "entity_id": code}).get_json()["total"]
    keepers = city_api.get(f"{STATIONS}/{code}/keepers").get_json()
    codes = city_api.get(f"{STATIONS}/{code}/keeper-codes").get_json()
    return station, inspections, audit, keepers, codes, city_api.get(STATIONS).get_json()["total"]


def test_every_per_station_endpoint_is_covered(app):
    """A new endpoint under /stations/<code> must be added to PER_STATION, and so be proved scoped."""
    routed = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{STATIONS}/") and "<code>" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(e.method, e.rule) for e in PER_STATION}
    assert routed - covered == set(), "per-station endpoints without a scope test"
    assert covered - routed == set(), "PER_STATION lists endpoints that no longer exist"


# --- another district's station is not there -------------------------------------------------


@per_station
def test_another_districts_station_is_not_found(yx_api, city_api, endpoint):
    code = ready_station(endpoint)
    before = observable(city_api, code)
    r = endpoint.call(yx_api, code)
    assert r.status_code == 404, r.get_json()
    assert r.get_json()["error"]["code"] == "station_not_found"
    assert observable(city_api, code) == before


@per_station
def test_another_districts_station_answers_like_a_missing_one(yx_api, endpoint, app_ctx):
    code = ready_station(endpoint)
    other = endpoint.call(yx_api, code)
    missing = endpoint.call(yx_api, MISSING)
    assert (other.status_code, other.get_json()) == (missing.status_code, missing.get_json())
    assert other.status_code == 404


@per_station
def test_scope_is_checked_whatever_the_code_case(yx_api, city_api, endpoint):
    code = ready_station(endpoint)
    before = observable(city_api, code)
    assert endpoint.call(yx_api, code.lower()).status_code == 404
    assert observable(city_api, code) == before


@per_station
def test_city_staff_reach_every_district(city_api, endpoint, app_ctx):
    code = ready_station(endpoint)
    r = endpoint.call(city_api, code)
    assert r.status_code == endpoint.ok, r.get_json()


@per_station
def test_district_staff_reach_their_own_district(yx_api, endpoint, app_ctx):
    code = ready_station(endpoint, **YX_STATION)
    r = endpoint.call(yx_api, code)
    if "provincial-best" in endpoint.rule:  # recorded by the city union only
        assert (r.status_code, r.get_json()["error"]["code"]) == (403, "city_only")
    else:
        assert r.status_code == endpoint.ok, r.get_json()


# --- lists -------------------------------------------------------------------------------------


@pytest.fixture
def two_districts(app_ctx):
    fc = StationFactory(code="FC0001", name="涪城临园路驿站", host_unit="共同的单位")
    yx = StationFactory(
        code="YX0001",
        name="游仙东津路驿站",
        district_code="YX",
        host_unit="共同的单位",
        address="绵阳市游仙区东津路",
        lat=31.4765,
        lng=104.779,
    )
    return fc.code, yx.code


def listed(api, **params) -> list[str]:
    r = api.get(STATIONS, query_string=params)
    assert r.status_code == 200, r.get_json()
    return [s["code"] for s in r.get_json()["items"]]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"district": "FC"},
        {"district": "涪城区"},
        {"q": "FC0001"},
        {"q": "涪城"},
        {"q": "临园路"},
        {"q": "共同的单位"},
        {"status": "built"},
        {"host_type": "sanitation_depot"},
        {"per_page": 100},
        {"page": 2, "per_page": 1},
    ],
)
def test_lists_never_show_another_district(yx_api, two_districts, params):
    r = yx_api.get(STATIONS, query_string=params)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert "FC0001" not in [s["code"] for s in body["items"]]
    assert body["total"] <= 1  # not even counted: YX0001 is the only station 游仙区 has


def test_district_filter_for_another_district_is_empty(yx_api, fc_api, two_districts):
    assert listed(yx_api, district="FC") == []
    assert listed(fc_api, district="YX") == []
    assert listed(yx_api, q="共同的单位") == ["YX0001"]
    assert listed(fc_api, q="共同的单位") == ["FC0001"]


def test_city_staff_list_every_district(city_api, two_districts):
    assert listed(city_api) == ["FC0001", "YX0001"]
    assert listed(city_api, district="FC") == ["FC0001"]
    assert listed(city_api, q="共同的单位") == ["FC0001", "YX0001"]


def test_audit_log_of_another_districts_station_is_hidden(fc_api, yx_api, city_api, two_districts):
    fc_api.patch(f"{STATIONS}/FC0001", json={"name": "涪城改名"})
    params = {"entity_type": "station", "entity_id": "FC0001"}
    assert city_api.get(AUDIT, query_string=params).get_json()["total"] == 1
    assert yx_api.get(AUDIT, query_string=params).get_json()["total"] == 0
    assert all(e["district_code"] == "YX" for e in yx_api.get(AUDIT).get_json()["items"])


# --- creating and moving across districts ------------------------------------------------------


def new_station(**overrides) -> dict:
    body = {
        "name": "越界站点",
        "district": "FC",
        "address": "绵阳市涪城区",
        "lat": 31.4567,
        "lng": 104.7462,
        "build_mode": "self_built",
        "opening_hours": {"always_open": True},
    }
    return {**body, **overrides}


@pytest.mark.parametrize("body", [new_station(), new_station(district="涪城区"), new_station(code="FC0500")])
def test_creating_in_another_district_is_forbidden(yx_api, city_api, body):
    total = city_api.get(STATIONS).get_json()["total"]
    r = yx_api.post(STATIONS, json=body)
    assert r.status_code == 403, r.get_json()
    assert r.get_json()["error"]["code"] == "district_out_of_scope"
    assert city_api.get(STATIONS).get_json()["total"] == total
    assert city_api.get(AUDIT).get_json()["total"] == 0


def test_creating_in_another_district_does_not_reveal_taken_codes(yx_api, two_districts):
    r = yx_api.post(STATIONS, json=new_station(code="FC0001"))
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "district_out_of_scope")


def test_city_staff_create_in_any_district(city_api):
    r = city_api.post(STATIONS, json=new_station(district="YX", address="绵阳市游仙区", lat=31.4765, lng=104.779))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["code"] == "YX0001"


@pytest.mark.parametrize("district", ["YX", "游仙区", "JY"])
def test_moving_a_station_out_of_the_district_is_refused(fc_api, city_api, two_districts, district):
    before = observable(city_api, "FC0001")
    r = fc_api.patch(f"{STATIONS}/FC0001", json={"district": district})
    assert r.status_code == 403, r.get_json()
    assert r.get_json()["error"]["code"] == "district_out_of_scope"
    assert observable(city_api, "FC0001") == before
    assert "FC0001" in listed(fc_api)


def test_moving_a_station_into_the_district_is_not_found(yx_api, city_api, two_districts):
    before = observable(city_api, "FC0001")
    r = yx_api.patch(f"{STATIONS}/FC0001", json={"district": "YX"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "station_not_found")
    assert observable(city_api, "FC0001") == before


# --- who is asking -----------------------------------------------------------------------------


COLLECTION = [
    Endpoint("GET", STATIONS, 200),
    Endpoint("POST", STATIONS, 201, new_station()),
    Endpoint("GET", AUDIT, 200),
]


def _bad_token(kind: str, app, staff) -> str | None:
    if kind == "none":
        return None
    if kind == "garbage":
        return "Bearer not-a-token"
    if kind == "wrong scheme":
        return "Basic Zm9vOmJhcg=="
    if kind == "forged":
        token = URLSafeTimedSerializer("not-our-secret", salt="yizhan.staff-token").dumps({"sid": staff.id, "v": staff.token_version})
        return f"Bearer {token}"
    if kind == "tampered":
        from app.accounts.staff import issue_token

        token = issue_token(staff).token
        return f"Bearer {token[:-2]}{'AA' if not token.endswith('AA') else 'BB'}"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["none", "garbage", "wrong scheme", "forged", "tampered"])
@pytest.mark.parametrize("endpoint", PER_STATION + COLLECTION, ids=str)
def test_without_a_valid_token_nothing_answers(client, app, fc_staff, city_api, endpoint, kind):
    code = ready_station(endpoint)
    before = observable(city_api, code)
    header = _bad_token(kind, app, fc_staff)
    headers = {"Authorization": header} if header else {}
    kwargs = {"json": endpoint.body} if endpoint.body is not None else {}
    r = client.open(endpoint.url(code), method=endpoint.method, headers=headers, **kwargs)
    assert r.status_code == 401, r.get_json()
    assert r.get_json()["error"]["code"] == "unauthorized"
    assert observable(city_api, code) == before


@per_station
def test_an_expired_token_is_refused(app, fc_api, city_api, endpoint, monkeypatch):

    code = ready_station(endpoint)
    before = observable(city_api, code)
    monkeypatch.setitem(app.config, "STAFF_TOKEN_TTL", timedelta(seconds=-1))
    r = endpoint.call(fc_api, code)
    assert r.status_code == 401, r.get_json()
    assert r.get_json()["error"]["code"] == "unauthorized"
    monkeypatch.undo()
    assert observable(city_api, code) == before


@per_station
def test_a_signed_out_token_is_refused(fc_api, fc_staff, city_api, endpoint):
    from app.accounts.staff import sign_out

    code = ready_station(endpoint)
    before = observable(city_api, code)
    sign_out(fc_staff)
    r = endpoint.call(fc_api, code)
    assert (r.status_code, r.get_json()["error"]["code"]) == (401, "unauthorized")
    assert observable(city_api, code) == before


def test_a_deactivated_account_is_refused(fc_api, fc_staff, two_districts):
    fc_staff.active = False
    db.session.commit()
    r = fc_api.get(STATIONS)
    assert (r.status_code, r.get_json()["error"]["code"]) == (401, "unauthorized")
