"""Retention: the daily job removes exactly what is past its period in the settings — check-ins'
links to workers (where cutting cannot change a count), comment texts, audit entries — in small
batches, and nothing else; every report stays equal and `flask reports verify` passes after it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accounts.audit_models import AuditEntry
from app.accounts.worker_models import Worker
from app.core import jobs
from app.core.clock import CHINA_TZ
from app.extensions import db
from app.privacy import retention
from app.ratings.models import Rating
from app.visits.models import CheckIn
from tests.assertions import assert_error
from tests.privacy.world import COMMENT, STAFF, make_world, reports


@pytest.fixture
def world(client, clock, app_ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_RETENTION_BATCH", 2)  # several batches even here
    return make_world(client, clock)


def linked(worker) -> list:
    """The worker's visits, as local days."""
    query = sa.select(CheckIn.checked_in_at).where(CheckIn.worker_id == worker.id).order_by(CheckIn.checked_in_at)
    return [t.astimezone(CHINA_TZ).date().isoformat() for t in db.session.scalars(query)]


def stand_ins() -> list[Worker]:
    return db.session.scalars(sa.select(Worker).where(Worker.anonymised_at.is_not(None)).order_by(Worker.id)).all()


def test_links_past_the_period_go_where_cutting_cannot_change_a_count(world, city_api, app, monkeypatch):
    a, b = world.workers["A"], world.workers["B"]
    before = reports(city_api)
    # 400 days before 2026-06-01 is 2025-04-27. A's old visits (2024-03-04, 2024-12-30,
    # 2025-01-02) are each followed by one in the same year or the same ISO week: cutting after
    # any of them could make the next one "first of its year/week" — they stay for now. B's
    # 2024-05-05 is followed by 2026-05-21: it goes.
    retention.run()
    assert linked(a) == ["2024-03-04", "2024-12-30", "2025-01-02", "2025-07-01", "2026-05-20"]
    assert linked(b) == ["2026-05-21"]
    (husk,) = stand_ins()
    assert linked(husk) == ["2024-05-05"] and husk.openid.startswith("anon:")
    after = reports(city_api)
    assert after == before and after["verify"] == []
    assert app.test_cli_runner().invoke(args=["reports", "verify"]).exit_code == 0

    # 300 days (below the advised 372: the rule alone, with no check-in running meanwhile): the
    # cutoff is 2025-08-05; A's 2025-07-01 is followed by 2026-05-20 (another year and week), so
    # everything up to it goes, to one stand-in, with its ratings.
    monkeypatch.setitem(app.config, "CHECKIN_LINK_RETENTION_DAYS", 300)
    retention.run()
    assert linked(a) == ["2026-05-20"]
    newest = stand_ins()[-1]
    assert linked(newest) == ["2024-03-04", "2024-12-30", "2025-01-02", "2025-07-01"]
    rated = db.session.scalars(sa.select(Rating).where(Rating.worker_id == a.id)).all()
    assert [r.checkin.worker_id for r in rated] == [a.id]  # a rating follows its visit
    assert reports(city_api) == before
    assert app.test_cli_runner().invoke(args=["reports", "verify"]).exit_code == 0


def test_comments_and_audit_entries_past_their_period_go_and_nothing_else(world, city_api, clock):
    now = clock.now
    entries = {
        age: AuditEntry(
            actor_label="cli", action="test.entry", entity_type="station", entity_id=str(age), occurred_at=now - timedelta(days=age)
        )
        for age in (3 * 365 + 1, 3 * 365 - 1, 10)
    }
    db.session.add_all(entries.values())
    db.session.commit()
    comments_before = dict(db.session.execute(sa.select(Rating.id, Rating.comment)).all())
    before = reports(city_api)

    run = retention.run()

    # COMMENT_RETENTION_DAYS 365: the 2024-03-04 comment (rated then) is past; 2025-07-01 is not.
    comments_after = dict(db.session.execute(sa.select(Rating.id, Rating.comment)).all())
    assert sorted(c for c in comments_before.values() if c) == sorted([COMMENT, "水很热", "好"])
    assert sorted(c for c in comments_after.values() if c) == sorted(["水很热", "好"])
    assert set(comments_after) == set(comments_before)  # the ratings (and their scores) stay
    left = {e.entity_id for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "test.entry"))}
    assert left == {str(3 * 365 - 1), "10"}
    assert run.removed["ratings"] == 1 and run.removed["audit_entries"] >= 1 and run.removed["visits"] == 1
    assert reports(city_api) == before


def test_the_job_runs_daily_on_the_queue_and_staff_of_the_city_read_its_report(world, city_api, fc_api):
    spec = jobs.registered_tasks()["privacy.retention"]
    assert spec.cron == "43 18 * * *"
    run_id = spec.func({"timestamp": 0})
    body = city_api.get(f"{STAFF}/privacy/retention-runs").get_json()
    assert body["items"][0]["id"] == run_id
    assert set(body["items"][0]["removed"]) >= {"visits", "ratings", "audit_entries"}
    assert_error(fc_api.get(f"{STAFF}/privacy/retention-runs"), 403, "forbidden")


def test_a_second_run_finds_nothing_more(world):
    first = retention.run()
    second = retention.run()
    assert sum(first.removed.values()) > 0 and sum(second.removed.values()) == 0
