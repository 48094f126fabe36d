"""Supplies over HTTP: a keeper keeps the station's list with expiry dates; staff of the
district see it and what expires soon; the keeper of another station cannot touch it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core import clock
from tests.assertions import assert_error
from tests.problems.helpers import MP, STAFF, make_people


@pytest.fixture
def people(client, wx, app_ctx):
    return make_people(client, wx)


def test_keepers_keep_supplies_and_staff_see_what_expires(app, people):
    code = people.station.code
    today = clock.today()
    url = f"{MP}/keeper/stations/{code}/supplies"
    kit = people.keeper.post(url, json={"name": "急救包", "expires_on": (today + timedelta(days=200)).isoformat()}).get_json()
    soon = people.keeper.post(url, json={"name": "藿香正气水", "quantity": 10, "expires_on": (today + timedelta(days=3)).isoformat()})
    assert soon.status_code == 201 and (soon.get_json()["state"], soon.get_json()["days_left"]) == ("expiring", 3)
    old = people.keeper.post(url, json={"name": "防晒霜", "expires_on": (today - timedelta(days=1)).isoformat()}).get_json()
    assert old["state"] == "expired"
    assert [s["name"] for s in people.keeper.get(url).get_json()] == ["防晒霜", "藿香正气水", "急救包"]
    due = people.fc.get(f"{STAFF}/supplies/due").get_json()
    assert [s["name"] for s in due] == ["防晒霜", "藿香正气水"]
    assert people.yx.get(f"{STAFF}/supplies/due").get_json() == []
    assert_error(people.yx.get(f"{STAFF}/stations/{code}/supplies"), 404, "station_not_found")
    # Replaced: a new date; then used up.
    new_date = (today + timedelta(days=365)).isoformat()
    assert people.keeper.patch(f"{url}/{old['id']}", json={"expires_on": new_date}).get_json()["state"] == "ok"
    assert people.keeper.delete(f"{url}/{kit['id']}").status_code == 204
    assert_error(people.keeper.delete(f"{url}/{kit['id']}"), 404, "supply_not_found")
    assert len(people.fc.get(f"{STAFF}/stations/{code}/supplies").get_json()) == 2


def test_only_the_stations_keeper_keeps_its_supplies(people):
    url = f"{MP}/keeper/stations/{people.station.code}/supplies"
    assert_error(people.reporter.post(url, json={"name": "急救包"}), 403, "not_a_keeper")
    other = f"{MP}/keeper/stations/{people.other_station.code}/supplies"
    assert_error(people.keeper.get(other), 404, "station_not_found")


def test_a_keeper_who_subscribed_is_reminded_before_the_date(app, people):
    import sqlalchemy as sa

    from app.accounts.subscribe_message_models import SubscribeMessage
    from app.extensions import db

    url = f"{MP}/keeper/stations/{people.station.code}/supplies"
    expires = clock.today() + timedelta(days=60)
    item = people.keeper.post(url, json={"name": "急救包", "expires_on": expires.isoformat(), "remind": True}).get_json()
    (message,) = db.session.scalars(sa.select(SubscribeMessage)).all()
    remind_day = expires - timedelta(days=app.config["SUPPLY_REMIND_DAYS"])
    assert (message.template, clock.china_date(message.send_at), message.data["item"]) == ("supply_expiry", remind_day, "急救包")
    # A new date cancels the old reminder; removing the item cancels the new one.
    people.keeper.patch(f"{url}/{item['id']}", json={"expires_on": (expires + timedelta(days=30)).isoformat(), "remind": True})
    people.keeper.delete(f"{url}/{item['id']}")
    db.session.expire_all()
    assert [m.state for m in db.session.scalars(sa.select(SubscribeMessage).order_by(SubscribeMessage.id))] == ["cancelled", "cancelled"]
