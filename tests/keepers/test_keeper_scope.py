"""Keeper scope, seen from the outside, for every keeper endpoint under
/api/mp/v1/keeper/stations/<code>: the keeper of station A asking about station B gets 404
station_not_found exactly as for a station that does not exist, and B is left as it was; a
plain worker and a keeper whose binding was revoked get 403 not_a_keeper; without a token
nothing answers but 401; the keeper of A, asking about A, succeeds.

A new keeper endpoint must be added to KEEPER_ENDPOINTS (the coverage test fails otherwise),
with a body that would succeed and, where its rule has more parameters than <code>, a
`prepare` that makes what they name at the station and returns their values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.keepers.models import StationKeeper
from app.ratings.models import Rating
from app.registry.models import Station
from app.visits import walkins
from tests.conftest import Api, worker_signed_in
from tests.factories import CheckInFactory, StationFactory, WorkerFactory, make_keeper

MP = "/api/mp/v1"
KEEPER = f"{MP}/keeper/stations"
MISSING = "FC9999"


def today() -> str:
    return clock.today().isoformat()


def a_walk_in(station: Station, binding: StationKeeper) -> dict:
    return {"entry_id": walkins.record_walk_in(binding, date=clock.today(), count=3).entry.id}


def a_published_comment(station: Station, binding: StationKeeper) -> dict:
    visit = CheckInFactory(station=station, worker=WorkerFactory())
    rating = Rating(
        checkin_id=visit.id, station_id=station.id, worker_id=visit.worker_id, score=4,
        comment="水很干净", comment_status="published", moderation_label=100,
    )  # fmt: skip
    db.session.add(rating)
    db.session.commit()
    return {"rating_id": rating.id}


@dataclass(frozen=True)
class KeeperEndpoint:
    """A keeper endpoint with a body that would succeed (or a function making one at call
    time), and what must exist at the station for its other URL parameters."""

    method: str
    rule: str  # as in app.url_map
    ok: int
    body: dict | Callable[[], dict] | None = None
    prepare: Callable[[Station, StationKeeper], dict] | None = None  # -> {parameter: value}

    def params(self, station: Station, binding: StationKeeper) -> dict:
        return self.prepare(station, binding) if self.prepare else {}

    def url(self, code: str, params: dict) -> str:
        url = self.rule.replace("<code>", code)
        for name, value in params.items():
            url = re.sub(rf"<(?:[^<>:]+:)?{name}>", str(value), url)
        return url

    def call(self, api, code: str, params: dict | None = None):
        body = self.body() if callable(self.body) else self.body
        kwargs = {"json": body} if body is not None else {}
        return getattr(api, self.method.lower())(self.url(code, params or {}), **kwargs)

    def __str__(self) -> str:
        return f"{self.method} {self.rule.removeprefix(KEEPER)}"


KEEPER_ENDPOINTS = [
    KeeperEndpoint("PUT", f"{KEEPER}/<code>/status", 200, {"water": "low", "rest_seats": 2, "note": "越权"}),
    KeeperEndpoint("POST", f"{KEEPER}/<code>/walk-ins", 201, lambda: {"date": today(), "count": 2}),
    KeeperEndpoint("GET", f"{KEEPER}/<code>/walk-ins", 200),
    KeeperEndpoint("POST", f"{KEEPER}/<code>/walk-ins/<int:entry_id>/corrections", 201, {"count": 5}, a_walk_in),
    KeeperEndpoint("GET", f"{KEEPER}/<code>/summary", 200),
    KeeperEndpoint("POST", f"{KEEPER}/<code>/ratings/<int:rating_id>/reply", 201, {"text": "谢谢"}, a_published_comment),
]
every_endpoint = pytest.mark.parametrize("endpoint", KEEPER_ENDPOINTS, ids=str)


def test_every_keeper_endpoint_is_covered(app):
    """A new endpoint under /keeper/stations/<code> must be listed, and so be proved scoped."""
    routed = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{KEEPER}/<code>")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(e.method, e.rule) for e in KEEPER_ENDPOINTS}
    assert routed - listed == set(), "keeper endpoints without a scope test"
    assert listed - routed == set(), "KEEPER_ENDPOINTS lists endpoints that no longer exist"


def everything() -> dict:
    """Every row of every table: what any endpoint could have changed."""
    db.session.expire_all()
    return {t.name: sorted(map(repr, db.session.execute(sa.select(t)).all())) for t in db.metadata.sorted_tables}


@dataclass
class World:
    """Stations A and B, each with its keeper, and B ready for the endpoint to succeed."""

    a: Station
    b: Station
    keeper_a: Api
    binding_a: StationKeeper
    binding_b: StationKeeper
    params_b: dict


@pytest.fixture
def world_for(client, app_ctx):
    def make(endpoint: KeeperEndpoint) -> World:
        a, b = StationFactory(code="FC0201"), StationFactory(code="FC0202")
        binding_a, binding_b = make_keeper(a), make_keeper(b)
        params_b = endpoint.params(b, binding_b)
        return World(a, b, worker_signed_in(client, binding_a.worker), binding_a, binding_b, params_b)

    return make


@every_endpoint
def test_a_keeper_of_another_station_is_not_found(world_for, endpoint):
    world = world_for(endpoint)
    before = everything()
    r = endpoint.call(world.keeper_a, world.b.code, world.params_b)
    assert r.status_code == 404, r.get_json()
    assert r.get_json()["error"]["code"] == "station_not_found"
    assert everything() == before


@every_endpoint
def test_another_station_answers_like_a_missing_one(world_for, endpoint):
    world = world_for(endpoint)
    other = endpoint.call(world.keeper_a, world.b.code, world.params_b)
    missing = endpoint.call(world.keeper_a, MISSING, world.params_b)
    lower = endpoint.call(world.keeper_a, world.b.code.lower(), world.params_b)
    assert (other.status_code, other.get_json()) == (missing.status_code, missing.get_json()) == (lower.status_code, lower.get_json())


@every_endpoint
def test_a_plain_worker_is_not_a_keeper(world_for, worker_api, endpoint):
    world = world_for(endpoint)
    before = everything()
    r = endpoint.call(worker_api, world.b.code, world.params_b)
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "not_a_keeper"), r.get_json()
    assert everything() == before


@every_endpoint
def test_a_revoked_keeper_is_no_longer_one(world_for, client, endpoint):
    world = world_for(endpoint)
    world.binding_b.revoked_at = clock.now()
    db.session.commit()
    before = everything()
    r = endpoint.call(worker_signed_in(client, world.binding_b.worker), world.b.code, world.params_b)
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "not_a_keeper"), r.get_json()
    assert everything() == before


@pytest.mark.parametrize("token", [None, "not-a-token"])
@every_endpoint
def test_without_a_valid_token_nothing_answers(world_for, anon_api, endpoint, token):
    world = world_for(endpoint)
    before = everything()
    r = endpoint.call(Api(anon_api.client, token), world.b.code, world.params_b)
    assert (r.status_code, r.get_json()["error"]["code"]) == (401, "unauthorized"), r.get_json()
    assert everything() == before


@every_endpoint
def test_the_keeper_of_the_station_succeeds(world_for, client, wx, endpoint):
    world = world_for(endpoint)
    params_a = endpoint.params(world.a, world.binding_a)
    r = endpoint.call(world.keeper_a, world.a.code.lower(), params_a)
    assert r.status_code == endpoint.ok, r.get_json()


def test_keeping_one_station_among_several_reaches_only_those(client, app_ctx):
    """A keeper of A and C, with a revoked binding to B: A and C answer, B is not found."""
    a, b, c = (StationFactory(code=code) for code in ("FC0301", "FC0302", "FC0303"))
    binding = make_keeper(a)
    make_keeper(b, binding.worker, revoked_at=clock.now())
    make_keeper(c, binding.worker)
    api = worker_signed_in(client, binding.worker)
    status = KEEPER_ENDPOINTS[0]
    assert [status.call(api, s.code).status_code for s in (a, b, c)] == [200, 404, 200]


@pytest.mark.parametrize(("method", "url"), [("POST", f"{MP}/keeper/bind"), ("GET", f"{MP}/keeper/stations")])
def test_the_keepers_own_endpoints_want_a_token(anon_api, method, url, app_ctx):
    r = getattr(anon_api, method.lower())(url, json={"code": "ABCD2345"} if method == "POST" else None)
    assert (r.status_code, r.get_json()["error"]["code"]) == (401, "unauthorized")
