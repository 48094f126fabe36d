"""See and take: a worker's export holds exactly what the database stores about them — read here
straight from the tables, not through the holders that built the export."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.privacy.world import MP, make_world


@pytest.fixture
def world(client, clock, app_ctx):
    return make_world(client, clock)


def rows(sql: str, **params) -> list[dict]:
    return [dict(r._mapping) for r in db.session.execute(sa.text(sql), params)]


def test_the_export_equals_what_is_stored(world):
    worker = world.workers["A"]
    r = world.api("A").get(f"{MP}/me/data")
    assert r.status_code == 200
    data = r.get_json()["data"]
    assert set(data) == {
        "identity", "visits", "walk_ins_recorded", "ratings", "consents", "keeping", "audit_entries", "subscribe_messages",
        "activity_claims", "problem_reports",
    }  # fmt: skip

    (me,) = rows("SELECT openid, worker_group FROM workers WHERE id = :id", id=worker.id)
    assert (data["identity"]["openid"], data["identity"]["worker_group"]) == (me["openid"], me["worker_group"])
    stored = rows(
        "SELECT c.id, s.code, c.services, c.distance_m FROM checkins c JOIN stations s ON s.id = c.station_id"
        " WHERE c.worker_id = :id ORDER BY c.checked_in_at, c.id",
        id=worker.id,
    )
    assert [(v["id"], v["station"]["code"], v["services"], v["distance_m"]) for v in data["visits"]] == [
        (v["id"], v["code"], v["services"], v["distance_m"]) for v in stored
    ]
    assert len(stored) == 5 and sum(v["located"] for v in data["visits"]) == 1
    stored = rows("SELECT checkin_id, score, comment FROM ratings WHERE worker_id = :id ORDER BY id", id=worker.id)
    assert [(x["checkin_id"], x["score"], x["comment"]) for x in data["ratings"]] == [tuple(x.values()) for x in stored]
    assert len(stored) == 3
    stored = rows("SELECT notice_version, feature, withdrawn_at FROM privacy_consents WHERE worker_id = :id ORDER BY id", id=worker.id)
    assert [(c["notice_version"], c["feature"], c["withdrawn_at"]) for c in data["consents"]] == [
        (c["notice_version"], c["feature"], c["withdrawn_at"] and c["withdrawn_at"].isoformat()) for c in stored
    ]
    assert data["keeping"] == {"bindings": [], "codes_redeemed": [], "status_posts": []} and data["walk_ins_recorded"] == []
    stored = rows("SELECT voucher, status FROM gift_claims WHERE worker_id = :id ORDER BY id", id=worker.id)
    assert [(c["voucher"], c["status"]) for c in data["activity_claims"]] == [tuple(c.values()) for c in stored]
    stored = rows("SELECT ticket_id, text FROM problem_reports WHERE worker_id = :id ORDER BY id", id=worker.id)
    assert [(p["ticket_id"], p["text"]) for p in data["problem_reports"]] == [tuple(p.values()) for p in stored]


def test_a_keepers_export_holds_their_bindings_and_walk_ins_and_nobody_elses_data(world):
    data = world.api("K").get(f"{MP}/me/data").get_json()["data"]
    assert [b["station"]["code"] for b in data["keeping"]["bindings"]] == ["FC0101"]
    assert [w["headcount"] for w in data["walk_ins_recorded"]] == [4]
    assert data["visits"] == [] and data["ratings"] == []
    text = str(data)
    assert world.workers["A"].openid not in text and "厕所很干净" not in text
