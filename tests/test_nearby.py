"""Nearby stations over HTTP: from the Redis GEO index, or a bounding-box query where Redis is
missing or failing. Ordering, distances, the radius, filters, pages, refusals,
and the index kept current by the staff API's changes, rebuilt when lost, bypassed when Redis fails.

Redis outlives each test's rolled-back transaction: tests that make stations with factories (no
service, so no index update) rebuild the index from the database first with `indexed()`."""

from __future__ import annotations

import logging
import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import redis

from app.adapters.geo_index import METRES_PER_DEGREE
from app.core import clock
from app.extensions import db, geo_index
from app.models import Station
from app.schemas.nearby import NearbyPageOut
from app.schemas.nearby_dump import dump_page
from app.services import nearby as nearby_module
from app.services.geo import distance_m
from app.services.live_status import LiveStatus, NoteStatus, PartStatus
from app.services.nearby import NearbyPage, NearbyStation
from app.services.station_view import CodeName
from tests.factories import StationFactory
from tests.test_stations import payload

NEARBY = "/api/mp/v1/stations/nearby"
STAFF_STATIONS = "/api/staff/v1/stations"
ORIGIN = (31.4567, 104.7462)  # the factories' default position, in 涪城区
ALWAYS = {"always_open": True, "weekly": []}
WEDNESDAY_10H = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # 10:00 in China
SUNDAY_10H = datetime(2026, 3, 8, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _redis_not_paused():
    """A test that makes Redis fail pauses its use in this process; the next test starts afresh."""
    yield
    geo_index._redis_paused_until = 0.0


def north(metres: float, origin=ORIGIN) -> tuple[float, float]:
    """The point `metres` due north of `origin` (on the sphere distance_m measures)."""
    return origin[0] + metres / METRES_PER_DEGREE, origin[1]


def at(metres: float, **kw) -> Station:
    lat, lng = north(metres)
    return StationFactory(lat=lat, lng=lng, **kw)


def indexed() -> None:
    """Bring the Redis index in line with the database (no-op without Redis)."""
    if geo_index._client() is not None:
        assert geo_index.rebuild() is not None


def search(api, lat=ORIGIN[0], lng=ORIGIN[1], **params):
    r = api.get(NEARBY, query_string={"lat": lat, "lng": lng, **params})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def codes(body) -> list[str]:
    return [item["code"] for item in body["items"]]


def redis_client(app):
    return app.extensions["redis_store"].client


# order, distance, radius ------------------------------------------------------------------------


def test_nearest_first_with_distances_in_whole_metres(worker_api, app_ctx):
    far, near, middle = at(900, code="FC9901"), at(100, code="FC9902"), at(450.4, code="FC9903")
    indexed()
    body = search(worker_api, radius_m=1000)
    assert codes(body) == [near.code, middle.code, far.code]
    assert [i["distance_m"] for i in body["items"]] == [100, 450, 900]
    assert body["total"] == 3 and body["radius_m"] == 1000


def test_equally_near_stations_are_ordered_by_code(worker_api, app_ctx):
    for code in ("FC9913", "FC9911", "FC9912"):
        at(200, code=code)
    indexed()
    assert codes(search(worker_api)) == ["FC9911", "FC9912", "FC9913"]


def test_the_radius_is_inclusive_and_measured_exactly(worker_api, app_ctx):
    inside, outside = at(999.6, code="FC9921"), at(1000.4, code="FC9922")
    indexed()
    assert codes(search(worker_api, radius_m=1000)) == [inside.code]
    assert codes(search(worker_api, radius_m=1001)) == [inside.code, outside.code]


def test_default_radius_is_3000_metres(worker_api, app_ctx):
    at(2990, code="FC9931")
    at(3010, code="FC9932")
    indexed()
    body = search(worker_api)
    assert codes(body) == ["FC9931"] and body["radius_m"] == 3000


def test_item_shape(worker_api, app_ctx):
    at(250, code="FC9941", amenities=["hot_water", "rest_seats"], opening_hours=ALWAYS, keeper_phone="13800000000")
    indexed()
    item = search(worker_api)["items"][0]
    assert item["code"] == "FC9941"
    assert item["datum"] == "gcj02" and item["distance_m"] == 250
    assert (item["lat"], item["lng"]) == pytest.approx(north(250))
    assert item["district"] == {"code": "FC", "name": "涪城区"}
    assert item["amenities"] == [{"code": "hot_water", "name": "热水"}, {"code": "rest_seats", "name": "休息座椅"}]
    assert item["opening_hours_text"] == "24小时开放" and item["open_now"] is True
    unknown = {"state": "unknown", "updated_at": None, "age_seconds": None}
    assert item["live_status"] == {
        "water": unknown,
        "toilet": unknown,
        "rest_seats": {**unknown, "seats_free": None},
        "station": {**unknown, "reason": None, "until": None},
        "note": {"text": None, "updated_at": None, "age_seconds": None},
    }
    assert "keeper_phone" not in item and "keeper_name" not in item


# filters ----------------------------------------------------------------------------------------


@pytest.fixture
def amenity_mix(app_ctx):
    at(100, code="FC9951", amenities=["hot_water", "toilet"])
    at(200, code="FC9952", amenities=["drinking_water"])
    at(300, code="FC9953", amenities=["rest_seats", "toilet"])
    at(400, code="FC9954", amenities=["reading_corner"])
    indexed()


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        ("water", ["FC9951", "FC9952"]),
        ("toilet", ["FC9951", "FC9953"]),
        ("rest", ["FC9953"]),
        ("water,toilet", ["FC9951"]),
        ("toilet,rest", ["FC9953"]),
        ("water,rest", []),
        ("", ["FC9951", "FC9952", "FC9953", "FC9954"]),
    ],
)
def test_need_keeps_stations_offering_all_of_it(worker_api, amenity_mix, need, expected):
    body = search(worker_api, need=need)
    assert codes(body) == expected and body["total"] == len(expected)


def test_open_now_keeps_stations_open_by_their_hours_in_china_time(worker_api, app_ctx, monkeypatch):
    at(100, code="FC9961")  # the factory's Mon–Fri 08:00–18:00
    at(200, code="FC9962", opening_hours=ALWAYS)
    at(300, code="FC9963", opening_hours={"always_open": False, "weekly": [{"weekday": 7, "open": "09:00", "close": "12:00"}]})
    indexed()
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_10H)
    assert codes(search(worker_api, open_now=1)) == ["FC9961", "FC9962"]
    everything = search(worker_api)
    assert [i["open_now"] for i in everything["items"]] == [True, True, False]
    monkeypatch.setattr(clock, "now", lambda: SUNDAY_10H)
    assert codes(search(worker_api, open_now="true")) == ["FC9962", "FC9963"]
    assert len(codes(search(worker_api, open_now=0))) == 3


# pages --------------------------------------------------------------------------------------------


def test_sixty_stations_are_two_pages_of_fifty_and_ten(worker_api, app_ctx):
    for n in range(60):
        at(10 * n + 5, code=f"FC{9700 + n}")
    indexed()
    first = search(worker_api, per_page=50)
    second = search(worker_api, per_page=50, page=2)
    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (60, 2, 50, 10)
    assert codes(first) + codes(second) == [f"FC{9700 + n}" for n in range(60)]
    assert search(worker_api, per_page=50, page=3)["items"] == []
    assert len(search(worker_api)["items"]) == 20  # the default page size


# refusals -------------------------------------------------------------------------------------------


def assert_invalid(r, field: str) -> None:
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["message"] and not body["error"]["message"].isascii()
    assert field in body["error"]["details"], body
    assert all(not m.isascii() for m in messages(body["error"]["details"][field])), body


def messages(detail) -> list[str]:
    """A field's messages; a list's items nest under their index ({"1": [...]})."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in messages(value)]
    return [m for value in detail for m in (messages(value) if not isinstance(value, str) else [value])]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 91, "lng": 104.7}, "lat"),
        ({"lat": -90.5, "lng": 104.7}, "lat"),
        ({"lat": "north", "lng": 104.7}, "lat"),
        ({"lat": "nan", "lng": 104.7}, "lat"),
        ({"lng": 104.7}, "lat"),
        ({"lat": 31.4, "lng": 180.5}, "lng"),
        ({"lat": 31.4}, "lng"),
        ({"lat": 31.4, "lng": 104.7, "radius_m": 0}, "radius_m"),
        ({"lat": 31.4, "lng": 104.7, "radius_m": 20001}, "radius_m"),
        ({"lat": 31.4, "lng": 104.7, "radius_m": "far"}, "radius_m"),
        ({"lat": 31.4, "lng": 104.7, "page": 0}, "page"),
        ({"lat": 31.4, "lng": 104.7, "per_page": 51}, "per_page"),
        ({"lat": 31.4, "lng": 104.7, "need": "water,coffee"}, "need"),
        ({"lat": 31.4, "lng": 104.7, "open_now": "perhaps"}, "open_now"),
    ],
)
def test_bad_queries_are_refused_with_the_one_error_shape(worker_api, params, field):
    assert_invalid(worker_api.get(NEARBY, query_string=params), field)


def test_the_radius_limit_is_configurable(app, worker_api, monkeypatch):
    monkeypatch.setitem(app.config, "NEARBY_RADIUS_MAX_M", 5000)
    assert_invalid(worker_api.get(NEARBY, query_string={"lat": 31.4, "lng": 104.7, "radius_m": 5001}), "radius_m")
    assert worker_api.get(NEARBY, query_string={"lat": 31.4, "lng": 104.7, "radius_m": 5000}).status_code == 200


def test_a_worker_token_is_required(anon_api, fc_api):
    for api in (anon_api, fc_api):  # staff tokens are not workers' tokens
        r = api.get(NEARBY, query_string={"lat": 31.4, "lng": 104.7})
        assert r.status_code == 401
        assert r.get_json()["error"]["code"] == "unauthorized"


# stations out of service ---------------------------------------------------------------------------


def test_retired_stations_never_appear(app, worker_api, app_ctx):
    at(100, code="FC9971")
    retired = at(200, code="FC9972", status="retired", retired_reason="拆除")
    indexed()
    client = redis_client(app)
    if client is not None:  # not indexed; and a member left behind in Redis is still not shown
        assert client.geopos(geo_index._key("index"), retired.code) == [None]
        client.geoadd(geo_index._key("index"), [retired.lng, retired.lat, retired.code])
    assert codes(search(worker_api)) == ["FC9971"]


def test_planned_stations_appear_once_built(worker_api, fc_api, app_ctx):
    """Not there yet: a worker must not be sent to a station that is only planned."""
    at(100, code="FC9973", status="planned")
    at(200, code="FC9974")
    indexed()
    assert codes(search(worker_api)) == ["FC9974"]
    r = fc_api.patch(f"{STAFF_STATIONS}/FC9973", json={"status": "built"})
    assert r.status_code == 200, r.get_json()
    assert codes(search(worker_api)) == ["FC9973", "FC9974"]


# the index follows staff changes at once ---------------------------------------------------------


def test_created_moved_and_retired_stations_reach_nearby_at_once(app, worker_api, fc_api, app_ctx):
    at(300, code="FC9981")
    indexed()
    lat, lng = north(100)
    r = fc_api.post(STAFF_STATIONS, json=payload(lat=lat, lng=lng, status="built"))
    assert r.status_code == 201, r.get_json()
    code = r.get_json()["code"]
    client = redis_client(app)
    if client is not None:  # the index itself was updated, not rebuilt on the next query
        assert client.geopos(geo_index._key("index"), code)[0] is not None
    assert codes(search(worker_api)) == [code, "FC9981"]

    elsewhere = (31.5400, 104.7000)
    r = fc_api.patch(f"{STAFF_STATIONS}/{code}", json={"lat": elsewhere[0], "lng": elsewhere[1]})
    assert r.status_code == 200, r.get_json()
    assert codes(search(worker_api)) == ["FC9981"]
    moved = search(worker_api, lat=elsewhere[0], lng=elsewhere[1], radius_m=50)
    assert codes(moved) == [code] and moved["items"][0]["distance_m"] == 0

    r = fc_api.post(f"{STAFF_STATIONS}/{code}/retire", json={"reason": "场地收回"})
    assert r.status_code == 200, r.get_json()
    assert codes(search(worker_api, lat=elsewhere[0], lng=elsewhere[1], radius_m=50)) == []
    if client is not None:
        assert client.geopos(geo_index._key("index"), code) == [None]


def test_imported_stations_reach_nearby_at_once(worker_api, fc_api, app_ctx):
    from tests.test_station_import import csv_bytes, imported, row

    indexed()
    lat, lng = north(150)
    code = imported(fc_api, csv_bytes([row(纬度=f"{lat:.6f}", 经度=f"{lng:.6f}")]))["codes"][0]
    assert codes(search(worker_api)) == [code]
    lat, lng = north(5000)  # moved by a second import of its row
    imported(fc_api, csv_bytes([row(站点编码=code, 纬度=f"{lat:.6f}", 经度=f"{lng:.6f}")]))
    assert codes(search(worker_api)) == []
    assert codes(search(worker_api, lat=lat, lng=lng, radius_m=10)) == [code]


def test_a_redis_failure_during_a_change_does_not_fail_it(app, worker_api, fc_api, app_ctx, monkeypatch, caplog):
    indexed()
    client = redis_client(app)
    if client is not None:

        def down(*args, **kwargs):
            raise redis.ConnectionError("Redis is down")

        monkeypatch.setattr(client, "pipeline", down)
    lat, lng = north(120)
    with caplog.at_level(logging.WARNING, logger="app.adapters.geo_index"):
        r = fc_api.post(STAFF_STATIONS, json=payload(lat=lat, lng=lng, status="built"))
    assert r.status_code == 201, r.get_json()
    code = r.get_json()["code"]
    if client is not None:
        assert "could not apply changes" in caplog.text
        monkeypatch.undo()  # Redis is back: the change it missed is rebuilt into the index
    assert codes(search(worker_api)) == [code]
    if client is not None:
        assert client.geopos(geo_index._key("index"), code)[0] is not None


# losing Redis ---------------------------------------------------------------------------------------


def test_the_index_is_rebuilt_after_its_keys_are_lost(app, worker_api, app_ctx):
    at(100, code="FC9991")
    at(200, code="FC9992")
    at(250, code="FC9993", status="retired")
    indexed()
    client = redis_client(app)
    if client is not None:  # as after a Redis restart without persistence
        client.delete(geo_index._key("index"), geo_index._key("ready"))
    assert codes(search(worker_api)) == ["FC9991", "FC9992"]
    if client is not None:
        assert client.exists(geo_index._key("ready"))
        in_service = db.session.query(Station).filter(Station.status.in_(("built", "plaqued"))).count()
        assert client.zcard(geo_index._key("index")) == in_service


def test_an_old_index_is_refreshed_from_the_database(app, worker_api, app_ctx):
    at(100, code="FC9981")
    indexed()
    client = redis_client(app)
    at(200, code="FC9982")  # written behind the index's back, as while Redis was unreachable
    if client is not None:
        assert codes(search(worker_api)) == ["FC9981"]  # the index does not know it yet
        client.set(geo_index._key("ready"), clock.now().timestamp() - app.config["GEO_INDEX_REFRESH_SECONDS"] - 1)
    assert codes(search(worker_api)) == ["FC9981", "FC9982"]


def test_while_another_process_rebuilds_queries_answer_from_sql(app, worker_api, app_ctx, caplog):
    at(100, code="FC9983")
    indexed()
    client = redis_client(app)
    lock = None
    if client is not None:
        client.delete(geo_index._key("index"), geo_index._key("ready"))
        lock = client.lock(geo_index._key("lock"), timeout=30)
        assert lock.acquire(blocking=False)
    try:
        with caplog.at_level(logging.INFO, logger="app.adapters.geo_index"):
            assert codes(search(worker_api)) == ["FC9983"]
        if lock is not None:
            assert "being rebuilt elsewhere" in caplog.text
            assert geo_index.rebuild() is None
    finally:
        if lock is not None:
            lock.release()
    assert codes(search(worker_api)) == ["FC9983"]


def test_a_rebuild_overlapping_a_station_change_is_thrown_away(app, app_ctx, monkeypatch):
    """A hook that ran while the rebuild read the database voids the rebuild: it could not have
    seen that change, and must not replace an index that has it."""
    at(100, code="FC9984")
    client = redis_client(app)
    if client is None:
        assert geo_index.rebuild() is None  # nothing to build without Redis
        return
    indexed()
    client.delete(geo_index._key("ready"))
    geoadd = client.geoadd

    def change_meanwhile(*args, **kwargs):
        geo_index.stations_changed(["FC9984"])  # as another process's hook would
        return geoadd(*args, **kwargs)

    monkeypatch.setattr(client, "geoadd", change_meanwhile)
    assert geo_index.rebuild() is None
    assert not client.exists(geo_index._key("ready")) and not client.exists(geo_index._key("rebuild"))
    monkeypatch.undo()
    assert geo_index.rebuild() == 1


def test_a_redis_failure_during_a_query_falls_back_to_sql(app, worker_api, app_ctx, monkeypatch, caplog):
    at(100, code="FC9995")
    at(200, code="FC9996")
    indexed()
    client = redis_client(app)
    if client is not None:

        def down(*args, **kwargs):
            raise redis.ConnectionError("Redis is down")

        monkeypatch.setattr(client, "geosearch", down)
    with caplog.at_level(logging.WARNING, logger="app.adapters.geo_index"):
        assert codes(search(worker_api)) == ["FC9995", "FC9996"]
    assert ("answering from SQL" in caplog.text) == (client is not None)
    if client is not None:  # for a few seconds this process does not wait on Redis again
        caplog.clear()
        assert codes(search(worker_api)) == ["FC9995", "FC9996"]
        assert "answering from SQL" not in caplog.text
        geo_index._redis_paused_until = 0.0
        monkeypatch.undo()
        assert codes(search(worker_api)) == ["FC9995", "FC9996"]


def test_flask_geo_rebuild(app, app_ctx):
    at(100, code="FC9997")
    result = app.test_cli_runner().invoke(args=["geo", "rebuild"])
    assert result.exit_code == 0, result.output
    if redis_client(app) is not None:
        assert "geo index rebuilt" in result.output
        assert redis_client(app).geopos(geo_index._key("index"), "FC9997")[0] is not None
    else:
        assert "Redis is not configured" in result.output


# the two implementations agree ---------------------------------------------------------------------


@pytest.fixture
def mianyang(app_ctx):
    """A few hundred stations over Mianyang (seeded), twenty sharing another's position (ties from
    anywhere), ten retired and ten planned there too; and random points with radii. Returns
    (stations, points)."""
    rnd = random.Random(20260304)
    stations = [StationFactory.build(code=f"FC{8000 + n}", lat=rnd.uniform(31.3, 31.6), lng=rnd.uniform(104.6, 104.9)) for n in range(300)]
    stations += [StationFactory.build(code=f"FC{8500 + n}", lat=s.lat, lng=s.lng) for n, s in enumerate(rnd.sample(stations, 20))]
    stations += [StationFactory.build(code=f"FC{8600 + n}", lat=s.lat, lng=s.lng, status="retired") for n, s in enumerate(stations[:10])]
    stations += [StationFactory.build(code=f"FC{8700 + n}", lat=s.lat, lng=s.lng, status="planned") for n, s in enumerate(stations[:10])]
    for s in rnd.sample(stations[:300], 30):
        s.status = "plaqued"
    db.session.add_all(stations)
    db.session.commit()
    points = [(rnd.uniform(31.3, 31.6), rnd.uniform(104.6, 104.9), rnd.choice((500, 1500, 3000, 8000, 20000))) for _ in range(25)]
    points.append((stations[0].lat, stations[0].lng, 1000))  # standing at a station
    return stations, points


def answer(search_fn, lat, lng, radius, limit=500) -> list[tuple[str, float]]:
    return [(h.code, round(h.distance_m, 6)) for h in search_fn(lat, lng, radius, limit)]


def test_the_sql_path_finds_exactly_the_stations_within_the_radius(mianyang):
    stations, points = mianyang
    for lat, lng, radius in points:
        expected = sorted((distance_m(lat, lng, s.lat, s.lng), s.code) for s in stations if s.status in ("built", "plaqued"))
        expected = [(code, round(d, 6)) for d, code in expected if d <= radius]
        assert answer(geo_index.nearest_by_sql, lat, lng, radius) == expected
        assert answer(geo_index.nearest_by_sql, lat, lng, radius, 7) == expected[:7]


def test_redis_and_sql_give_the_same_stations_in_the_same_order(app, mianyang):
    stations, points = mianyang
    assert geo_index.rebuild() == len(stations) - 20
    compared = 0
    for lat, lng, radius in points:
        for limit in (500, 7):
            by_redis = answer(geo_index.nearest_by_redis, lat, lng, radius, limit)
            assert by_redis == answer(geo_index.nearest_by_sql, lat, lng, radius, limit), (lat, lng, radius, limit)
            compared += len(by_redis)
    assert compared > 500  # the points found plenty of stations, not just empty answers


# the hand-written dump --------------------------------------------------------------------------


def _every_field_set() -> NearbyPage:
    moment = datetime(2026, 3, 4, 2, 0, 5, 123456, tzinfo=UTC)
    live = LiveStatus(
        water=PartStatus("low", moment, 65),
        toilet=PartStatus("cleaning", moment, 65),
        rest_seats=PartStatus("available", moment, 65, seats_free=3),
        station=PartStatus("closed_temporarily", moment, 65, reason="停电检修", until=datetime(2026, 3, 4, 8, 0, tzinfo=UTC)),
        note=NoteStatus("热水壶在门后", moment, 65),
    )
    item = NearbyStation(
        code="FC0001",
        name="临园路驿站",
        district=CodeName("FC", "涪城区"),
        address="绵阳市涪城区临园路1号",
        lat=31.4567,
        lng=104.7462,
        datum="gcj02",
        amenities=[CodeName("hot_water", "热水"), CodeName("toilet", "厕所")],
        amenities_other="微波炉",
        opening_hours_text="全天开放",
        open_now=False,
        live_status=live,
        distance_m=250,
    )
    bare = replace(item, code="FC0002", amenities=[], amenities_other=None, live_status=LiveStatus(), open_now=True, distance_m=7)
    return NearbyPage(items=[item, bare], page=2, per_page=2, total=5, radius_m=3000)


def test_the_hand_written_dump_is_the_documented_schema():
    page = _every_field_set()
    assert dump_page(page) == NearbyPageOut().dump(page)


def test_a_real_page_dumps_as_the_schema_does(app_ctx):
    at(250, amenities=["hot_water", "rest_seats"], opening_hours=ALWAYS)
    at(900, amenities=["toilet"])
    indexed()
    page = nearby_module.nearby(*ORIGIN, radius_m=3000, needs=[], open_now=False, page=1, per_page=20)
    assert len(page.items) == 2
    assert dump_page(page) == NearbyPageOut().dump(page)
