"""Binding keepers over HTTP: staff issue a one-time code, a signed-in WeChat user redeems it and
keeps the station; used, expired, revoked and wrong codes are refused clearly, guessing is
rate-limited (failed attempts only), and staff list and revoke keepers within their scope."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.audit_models import AuditEntry
from app.core import clock
from app.extensions import db
from app.keepers import codes as keeper_codes
from app.keepers.models import KeeperCode, StationKeeper
from tests.assertions import assert_error
from tests.conftest import worker_signed_in
from tests.factories import WorkerFactory

STAFF = "/api/staff/v1/stations"
BIND = "/api/mp/v1/keeper/bind"
MINE = "/api/mp/v1/keeper/stations"
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"^[2-9A-HJKMNP-Z]{8}$")  # no 0 O 1 I L


def issue(api, code: str = "FC0101") -> str:
    r = api.post(f"{STAFF}/{code}/keeper-codes")
    assert r.status_code == 201, r.get_json()
    return r.get_json()["code"]


def bind(api, code: str):
    return api.post(BIND, json={"code": code})


def bindings() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(StationKeeper).order_by(StationKeeper.id))
    return [(k.id, k.station_id, k.worker_id, k.revoked_at) for k in rows]


def codes_table() -> list[tuple]:
    db.session.expire_all()
    return [(c.id, c.used_at, c.used_by) for c in db.session.scalars(sa.select(KeeperCode).order_by(KeeperCode.id))]


# --- issuing --------------------------------------------------------------------------------------


def test_a_code_is_short_random_and_stored_only_as_a_hash(fc_api, station, city_api):
    before = clock.now()
    r = fc_api.post(f"{STAFF}/FC0101/keeper-codes")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert set(body) == {"id", "code", "expires_at", "station"} and body["station"] == "FC0101"
    assert CODE.match(body["code"])
    assert issue(fc_api) != body["code"]
    row = db.session.scalars(sa.select(KeeperCode).order_by(KeeperCode.id)).first()
    assert body["code"] not in repr([getattr(row, c.key) for c in KeeperCode.__table__.columns])
    assert row.code_hash == keeper_codes.code_hash(body["code"])
    assert timedelta(hours=72) <= row.expires_at - before <= timedelta(hours=72, minutes=1)
    audit = city_api.get("/api/staff/v1/audit-log", query_string={"action": "station.keeper_code.issue"}).get_json()
    assert audit["total"] == 2 and audit["items"][0]["entity_id"] == "FC0101"
    assert body["code"] not in repr(audit)


def test_the_lifetime_is_configurable(app, fc_api, station):
    app.config["KEEPER_CODE_TTL_HOURS"] = 1
    try:
        issue(fc_api)
    finally:
        app.config["KEEPER_CODE_TTL_HOURS"] = 72
    row = db.session.scalar(sa.select(KeeperCode))
    assert row.expires_at - clock.now() <= timedelta(hours=1)


def test_no_codes_for_a_retired_station(fc_api, station):
    fc_api.post(f"{STAFF}/FC0101/retire", json={"reason": "拆除"})
    assert_error(fc_api.post(f"{STAFF}/FC0101/keeper-codes"), 409, "station_retired")
    assert codes_table() == []


# --- binding --------------------------------------------------------------------------------------


def test_redeeming_a_code_makes_a_keeper(fc_api, worker_api, worker, station):
    r = bind(worker_api, issue(fc_api))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    district = {"code": "FC", "name": "涪城区"}
    assert body["station"] == {"code": "FC0101", "name": "临园路环卫驿站", "district": district, "address": station.address}
    assert bindings() == [(body["keeper_id"], station.id, worker.id, None)]
    mine = worker_api.get(MINE).get_json()["items"]
    assert [(s["keeper_id"], s["station"]["code"]) for s in mine] == [(body["keeper_id"], "FC0101")]
    assert mine[0]["station"]["live_status"]["water"]["state"] == "unknown"


@pytest.mark.parametrize("typed", [lambda c: c.lower(), lambda c: f" {c[:4]}-{c[4:]} ", lambda c: f"{c[:4]} {c[4:]}"])
def test_the_code_may_be_typed_loosely(fc_api, worker_api, station, typed):
    assert bind(worker_api, typed(issue(fc_api))).status_code == 201


def test_binding_again_is_idempotent(fc_api, worker_api, client, station):
    code = issue(fc_api)
    first = bind(worker_api, code).get_json()
    again = bind(worker_api, code)
    assert again.status_code == 200 and again.get_json() == first
    # A fresh code for a station one already keeps: the same binding, and the code is spent.
    fresh = issue(fc_api)
    r = bind(worker_api, fresh)
    assert r.status_code == 200 and r.get_json()["keeper_id"] == first["keeper_id"]
    assert len(bindings()) == 1
    assert_error(bind(worker_signed_in(client, WorkerFactory()), fresh), 409, "keeper_code_used")


def test_one_person_several_stations_and_a_station_several_keepers(fc_api, worker_api, client, station, other_station):
    bind(worker_api, issue(fc_api, "FC0101"))
    bind(worker_api, issue(fc_api, "FC0102"))
    colleague = worker_signed_in(client, WorkerFactory())
    assert bind(colleague, issue(fc_api, "FC0101")).status_code == 201
    assert [s["station"]["code"] for s in worker_api.get(MINE).get_json()["items"]] == ["FC0101", "FC0102"]
    assert [s["station"]["code"] for s in colleague.get(MINE).get_json()["items"]] == ["FC0101"]
    assert len(fc_api.get(f"{STAFF}/FC0101/keepers").get_json()) == 2


def test_a_used_code_is_refused_to_anyone_else(fc_api, worker_api, client, station):
    code = issue(fc_api)
    bind(worker_api, code)
    before = bindings()
    error = assert_error(bind(worker_signed_in(client, WorkerFactory()), code), 409, "keeper_code_used")
    assert "已被使用" in error["message"]
    assert bindings() == before


def test_an_expired_code_is_refused(fc_api, worker_api, station, monkeypatch):
    code = issue(fc_api)
    later = clock.now() + timedelta(hours=72, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    error = assert_error(bind(worker_api, code), 410, "keeper_code_expired")
    assert "过期" in error["message"]
    assert bindings() == [] and codes_table()[0][1:] == (None, None)


@pytest.mark.parametrize("typed", ["ABCD2345", "ABCD234", "ABCD23456", "ABCD2O45", "ABCD2145", "ABCD-23-4", "日日日日日日日日"])
def test_a_wrong_code_is_invalid(fc_api, worker_api, station, typed):
    issue(fc_api)
    assert_error(bind(worker_api, typed), 404, "keeper_code_invalid")
    assert bindings() == [] and codes_table()[0][1:] == (None, None)


def test_a_revoked_code_is_invalid(fc_api, worker_api, station):
    code = issue(fc_api)
    db.session.scalar(sa.select(KeeperCode)).revoked_at = clock.now()
    db.session.commit()
    assert_error(bind(worker_api, code), 404, "keeper_code_invalid")


def test_a_code_for_a_station_since_retired_is_invalid(fc_api, worker_api, station):
    code = issue(fc_api)
    fc_api.post(f"{STAFF}/FC0101/retire", json={"reason": "拆除"})
    assert_error(bind(worker_api, code), 404, "keeper_code_invalid")
    assert bindings() == []


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": 12345678}, {"code": "A" * 33}, {"code": "ABCD2345", "station": "FC0101"}])
def test_malformed_requests_are_refused(worker_api, app_ctx, body):
    assert_error(worker_api.post(BIND, json=body), 422, "validation_error")


def test_a_revoked_keeper_needs_a_new_code(fc_api, worker_api, worker, station):
    code = issue(fc_api)
    keeper_id = bind(worker_api, code).get_json()["keeper_id"]
    fc_api.post(f"{STAFF}/FC0101/keepers/{keeper_id}/revoke")
    assert_error(bind(worker_api, code), 409, "keeper_code_used")
    assert worker_api.get(MINE).get_json() == {"items": []}
    r = bind(worker_api, issue(fc_api))
    assert r.status_code == 201 and r.get_json()["keeper_id"] != keeper_id
    assert [k[3] is None for k in bindings()] == [False, True]


def test_a_retired_station_leaves_the_keepers_list(fc_api, worker_api, station, other_station):
    bind(worker_api, issue(fc_api, "FC0101"))
    bind(worker_api, issue(fc_api, "FC0102"))
    fc_api.post(f"{STAFF}/FC0101/retire", json={"reason": "拆除"})
    assert [s["station"]["code"] for s in worker_api.get(MINE).get_json()["items"]] == ["FC0102"]


# --- guessing -------------------------------------------------------------------------------------


def test_wrong_codes_are_limited_per_worker(app, fc_api, worker_api, client, station, monkeypatch):
    monkeypatch.setitem(app.config, "KEEPER_BIND_FAILURES_PER_WORKER", "3 per 15 minutes")
    code = issue(fc_api)
    for _ in range(3):
        assert bind(worker_api, "ABCD2345").status_code == 404
    r = bind(worker_api, code)  # even the right code waits now
    assert_error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1
    assert bindings() == []
    assert bind(worker_signed_in(client, WorkerFactory()), code).status_code == 201  # others are not held up


def test_right_codes_do_not_count(app, fc_api, worker_api, station, other_station, monkeypatch):
    monkeypatch.setitem(app.config, "KEEPER_BIND_FAILURES_PER_WORKER", "2 per 15 minutes")
    for _ in range(3):
        assert bind(worker_api, issue(fc_api)).status_code in (200, 201)
    assert bind(worker_api, "ABCD2345").status_code == 404
    assert bind(worker_api, issue(fc_api, "FC0102")).status_code == 201


def test_wrong_codes_are_limited_per_address(app, fc_api, client, station, monkeypatch):
    """Every wx.login on a new phone is a new worker: the address is limited too."""
    monkeypatch.setitem(app.config, "KEEPER_BIND_FAILURES_PER_IP", "4 per hour")
    code = issue(fc_api)
    for _ in range(4):
        assert bind(worker_signed_in(client, WorkerFactory()), "ABCD2345").status_code == 404
    assert_error(bind(worker_signed_in(client, WorkerFactory()), code), 429, "rate_limited")
    other_address = worker_signed_in(client, WorkerFactory())
    r = other_address.post(BIND, json={"code": code}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert r.status_code == 201, r.get_json()


# --- staff: the keeper list and revoking ----------------------------------------------------------


def test_staff_list_keepers_without_their_openid(fc_api, city_api, client, station):
    worker = WorkerFactory(worker_group="sanitation")
    api = worker_signed_in(client, worker)
    first = bind(api, issue(fc_api)).get_json()["keeper_id"]
    fc_api.post(f"{STAFF}/FC0101/keepers/{first}/revoke")
    second = bind(api, issue(fc_api)).get_json()["keeper_id"]
    r = fc_api.get(f"{STAFF}/FC0101/keepers")
    assert r.status_code == 200
    keepers = r.get_json()
    assert [(k["id"], k["active"]) for k in keepers] == [(second, True), (first, False)]
    assert keepers[0]["worker_id"] == worker.id
    assert keepers[0]["worker_group"] == {"code": "sanitation", "name": "环卫工人"}
    assert keepers[0]["revoked_at"] is None and keepers[1]["revoked_at"] and keepers[1]["bound_at"]
    assert worker.openid not in r.get_data(as_text=True)
    assert city_api.get(f"{STAFF}/FC0101/keepers").get_json() == keepers


def test_revoking_a_keeper(fc_api, fc_staff, city_api, worker_api, station):
    keeper_id = bind(worker_api, issue(fc_api)).get_json()["keeper_id"]
    assert worker_api.put(f"{MINE}/FC0101/status", json={"water": "low"}).status_code == 200
    r = fc_api.post(f"{STAFF}/FC0101/keepers/{keeper_id}/revoke")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["active"] is False and r.get_json()["revoked_by"] == fc_staff.id
    assert_error(worker_api.put(f"{MINE}/FC0101/status", json={"water": "out"}), 403, "not_a_keeper")
    assert_error(fc_api.post(f"{STAFF}/FC0101/keepers/{keeper_id}/revoke"), 409, "keeper_already_revoked")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "station.keeper.revoke"))
    assert (entry.entity_id, entry.before["revoked_at"], entry.after["keeper_id"]) == ("FC0101", None, keeper_id)


def test_revoking_needs_the_stations_own_keeper(fc_api, worker_api, station, other_station):
    keeper_id = bind(worker_api, issue(fc_api, "FC0102")).get_json()["keeper_id"]
    for wrong in (keeper_id, 0, keeper_id + 1000, 2**40):
        assert_error(fc_api.post(f"{STAFF}/FC0101/keepers/{wrong}/revoke"), 404, "keeper_not_found")
    assert all(k[3] is None for k in bindings())


def test_another_district_cannot_see_or_change_keepers(fc_api, yx_api, worker_api, station):
    keeper_id = bind(worker_api, issue(fc_api)).get_json()["keeper_id"]
    for r in (
        yx_api.post(f"{STAFF}/FC0101/keeper-codes"),
        yx_api.get(f"{STAFF}/FC0101/keepers"),
        yx_api.post(f"{STAFF}/FC0101/keepers/{keeper_id}/revoke"),
        yx_api.get(f"{STAFF}/FC0101/status-history"),
    ):
        assert_error(r, 404, "station_not_found")
    assert all(k[3] is None for k in bindings()) and len(codes_table()) == 1


def test_the_whole_binding_loop_for_another_district_with_city_staff(city_api, client, yx_station):
    api = worker_signed_in(client, WorkerFactory())
    keeper_id = bind(api, issue(city_api, "YX0001")).get_json()["keeper_id"]
    assert city_api.post(f"{STAFF}/YX0001/keepers/{keeper_id}/revoke").status_code == 200
    assert api.get(MINE).get_json() == {"items": []}
