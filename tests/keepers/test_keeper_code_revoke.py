"""Revoking a binding code staff issued but nobody has used yet (handed to the wrong person,
lost, no longer needed): the code stops binding at once, the revocation is audited, a used code
cannot be revoked (the keeper's binding is revoked instead), and the list of a station's codes
shows each one's state, never the code itself."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts.audit_models import AuditEntry
from app.core import clock
from app.extensions import db
from app.keepers.models import KeeperCode
from tests.assertions import assert_error
from tests.conftest import worker_signed_in
from tests.factories import WorkerFactory

STAFF = "/api/staff/v1/stations"
BIND = "/api/mp/v1/keeper/bind"


def issue(api) -> dict:
    r = api.post(f"{STAFF}/FC0101/keeper-codes")
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_an_issued_code_is_listed_by_state_without_the_code(fc_api, station):
    issued = issue(fc_api)
    r = fc_api.get(f"{STAFF}/FC0101/keeper-codes")
    assert r.status_code == 200, r.get_json()
    [row] = r.get_json()
    assert row["id"] == issued["id"]
    assert row["state"] == "pending"
    assert issued["code"] not in str(r.get_json())


def test_a_revoked_code_no_longer_binds(fc_api, client, station):
    issued = issue(fc_api)
    r = fc_api.post(f"{STAFF}/FC0101/keeper-codes/{issued['id']}/revoke")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"] == "revoked"
    keeper = worker_signed_in(client, WorkerFactory())
    assert_error(keeper.post(BIND, json={"code": issued["code"]}), 404, "keeper_code_invalid")
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_id == "FC0101")).all()
    assert "station.keeper_code.revoke" in actions


def test_revoking_twice_is_a_conflict(fc_api, station):
    issued = issue(fc_api)
    fc_api.post(f"{STAFF}/FC0101/keeper-codes/{issued['id']}/revoke")
    assert_error(fc_api.post(f"{STAFF}/FC0101/keeper-codes/{issued['id']}/revoke"), 409, "keeper_code_already_revoked")


def test_a_used_code_cannot_be_revoked(fc_api, client, station):
    issued = issue(fc_api)
    keeper = worker_signed_in(client, WorkerFactory())
    assert keeper.post(BIND, json={"code": issued["code"]}).status_code == 201
    assert_error(fc_api.post(f"{STAFF}/FC0101/keeper-codes/{issued['id']}/revoke"), 409, "keeper_code_used")
    db.session.expire_all()
    assert db.session.get(KeeperCode, issued["id"]).revoked_at is None
    assert fc_api.get(f"{STAFF}/FC0101/keeper-codes").get_json()[0]["state"] == "used"


def test_an_expired_code_reads_expired_and_may_still_be_revoked(fc_api, station):
    issued = issue(fc_api)
    row = db.session.get(KeeperCode, issued["id"])
    row.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    assert fc_api.get(f"{STAFF}/FC0101/keeper-codes").get_json()[0]["state"] == "expired"
    assert fc_api.post(f"{STAFF}/FC0101/keeper-codes/{issued['id']}/revoke").status_code == 200


def test_a_code_of_another_station_is_not_found(fc_api, station, other_station):
    other = fc_api.post(f"{STAFF}/FC0102/keeper-codes").get_json()
    assert_error(fc_api.post(f"{STAFF}/FC0101/keeper-codes/{other['id']}/revoke"), 404, "keeper_code_not_found")
    assert_error(fc_api.post(f"{STAFF}/FC0101/keeper-codes/{2**40}/revoke"), 404, "keeper_code_not_found")
    db.session.expire_all()
    assert db.session.get(KeeperCode, other["id"]).revoked_at is None


def test_another_districts_staff_cannot_revoke(fc_api, yx_api, station):
    issued = issue(fc_api)
    assert_error(yx_api.post(f"{STAFF}/FC0101/keeper-codes/{issued['id']}/revoke"), 404, "station_not_found")
    assert fc_api.get(f"{STAFF}/FC0101/keeper-codes").get_json()[0]["state"] == "pending"
