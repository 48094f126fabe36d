"""Keepers' phone numbers: shown only to staff whose scope holds the station, and every time they
are shown it is in the audit log (readable by that district's staff)."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.audit_models import AuditEntry
from app.extensions import db
from tests.console_helpers import console_as
from tests.factories import StationFactory
from tests.privacy.world import KEEPER_PHONE, STAFF


def views() -> list[tuple[str, str, str]]:
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "station.keeper_contact.view").order_by(AuditEntry.id))
    return [(e.actor_label, e.entity_id, e.district_code) for e in entries]


def test_a_keepers_phone_is_shown_in_scope_and_every_view_is_audited(fc_api, yx_api, city_api, app_ctx):
    StationFactory(code="FC0777", district_code="FC", keeper_name="王站长", keeper_phone=KEEPER_PHONE)
    StationFactory(code="FC0778", district_code="FC")  # no keeper contact: nothing to audit
    assert fc_api.get(f"{STAFF}/stations/FC0777").get_json()["keeper_phone"] == KEEPER_PHONE
    assert fc_api.get(f"{STAFF}/stations/FC0778").status_code == 200
    assert views() == [("fc.staff", "FC0777", "FC")]
    listed = fc_api.get(f"{STAFF}/stations", query_string={"district": "FC"}).get_json()["items"]
    assert {s["code"] for s in listed} == {"FC0777", "FC0778"}
    assert views() == [("fc.staff", "FC0777", "FC")] * 2
    # Another district's staff: the station is not there, nor is its keeper, nor their phone.
    r = yx_api.get(f"{STAFF}/stations/FC0777")
    assert r.status_code == 404 and KEEPER_PHONE not in r.get_data(as_text=True)
    r = yx_api.get(f"{STAFF}/stations", query_string={"per_page": 100})
    assert KEEPER_PHONE not in r.get_data(as_text=True)
    assert len(views()) == 2
    # The district's staff can read who looked.
    log = fc_api.get(f"{STAFF}/audit-log", query_string={"action": "station.keeper_contact.view"}).get_json()["items"]
    assert [e["entity_id"] for e in log] == ["FC0777", "FC0777"]
    assert yx_api.get(f"{STAFF}/audit-log", query_string={"action": "station.keeper_contact.view"}).get_json()["items"] == []


def test_the_console_page_with_the_phone_is_audited(app, fc_staff, app_ctx):
    StationFactory(code="FC0779", district_code="FC", keeper_name="李站长", keeper_phone=KEEPER_PHONE)
    page = console_as(app, fc_staff).get("/console/stations/FC0779")
    assert page.status_code == 200 and KEEPER_PHONE in page.get_data(as_text=True)
    assert views() == [("fc.staff", "FC0779", "FC")]
