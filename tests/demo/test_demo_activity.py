"""The demo's 90 days (app/demo/activity.py), seeded through the services, with the
product's clock pinned: what `make run` shows a developer, and rollups that agree with raw."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from app.accounts.worker_models import Worker
from app.core import clock
from app.demo import activity as demo_activity
from app.extensions import db
from app.keepers.models import StationKeeper, StationStatus, StatusUpdate
from app.ratings.models import COMMENT_PUBLISHED, COMMENT_REVIEW, Rating
from app.registry.models import Station
from app.reports.models import Investment
from app.visits.models import SOURCE_MANUAL, SOURCE_SCAN, CheckIn

NOW = datetime(2026, 6, 17, 8, 30, tzinfo=UTC)  # Wednesday 17 June 2026, 16:30 in China


def _seed(app, wx) -> str:
    # WeChat holds the poorer comments for a person to read, as it might.
    for text in demo_activity.POOR_COMMENTS:
        wx.set_verdict(text, "review")
    with time_machine.travel(NOW, tick=False):
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _china_hour(moment: datetime) -> int:
    return clock.china_time(moment).hour


def test_the_demo_has_90_days_of_believable_visits_that_the_rollups_agree_with_and_is_seeded_once(app, wx):
    _seed(app, wx)
    visits = db.session.execute(sa.select(CheckIn.checked_in_at, CheckIn.source, CheckIn.headcount, CheckIn.station_id)).all()
    days = {clock.china_date(at) for at, *_ in visits}
    today = clock.china_date(NOW)
    assert len(days) == 90 and min(days) == today - timedelta(days=89) and max(days) == today
    assert max(at for at, *_ in visits) <= NOW  # nothing in the future
    scanned = [v for v in visits if v.source == SOURCE_SCAN]
    manual = [v for v in visits if v.source == SOURCE_MANUAL]
    assert len(scanned) > 3000 and sum(v.headcount for v in manual) > 1000

    # Daily shape: noon and the evening busier than mid-afternoon; weekdays busier than Sundays.
    hours = Counter(_china_hour(v.checked_in_at) for v in scanned)
    assert hours[12] > 2 * hours[15] and hours[17] > 2 * hours[15] and hours[8] > hours[10]
    weekdays = Counter(clock.china_date(v.checked_in_at).weekday() for v in scanned)
    assert weekdays[2] > 1.4 * weekdays[6]

    # Several districts, stations and worker groups.
    stations = {v.station_id for v in scanned}
    districts = set(db.session.scalars(sa.select(Station.district_code).where(Station.id.in_(stations))))
    assert len(districts) == 13 and len(stations) >= 20
    groups = set(db.session.scalars(sa.select(CheckIn.worker_group).where(CheckIn.source == SOURCE_SCAN).distinct()))
    assert len(groups - {None}) >= 6

    # Ratings with comments: older ones published, the newest poorer ones awaiting review.
    statuses = Counter(db.session.scalars(sa.select(Rating.comment_status)))
    assert statuses[COMMENT_PUBLISHED] > 20 and statuses[COMMENT_REVIEW] > 0
    held = db.session.scalars(sa.select(Rating.created_at).where(Rating.comment_status == COMMENT_REVIEW)).all()
    assert all(NOW - at < timedelta(days=demo_activity.REVIEW_BACKLOG_DAYS) for at in held)

    # Keepers' status: fresh at some stations, older than the freshness limit at others.
    limit = timedelta(hours=app.config["STATUS_FRESHNESS_HOURS"])
    ages = [NOW - at for at in db.session.scalars(sa.select(StationStatus.water_at))]
    assert any(age < limit for age in ages) and any(age > limit for age in ages)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusUpdate)) > len(ages)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Investment)) > 50

    # The demo keeper keeps the demo station; the demo worker has visits of their own.
    keeper = db.session.scalar(sa.select(Worker).where(Worker.openid == demo_activity.DEMO_KEEPER_OPENID))
    kept = db.session.scalars(
        sa.select(Station.code).join(StationKeeper, StationKeeper.station_id == Station.id).where(StationKeeper.worker_id == keeper.id)
    ).all()
    assert kept == [demo_activity.DEMO_STATION]
    worker = db.session.scalar(sa.select(Worker).where(Worker.openid == demo_activity.DEMO_WORKER_OPENID))
    assert db.session.scalar(sa.select(sa.func.count()).where(CheckIn.worker_id == worker.id)) >= 10

    verify = app.test_cli_runner().invoke(args=["reports", "verify"])
    assert verify.exit_code == 0, verify.output
    assert "一致" in verify.output

    # Seeding again adds nothing.
    counted = (CheckIn, Rating, StatusUpdate, Worker, Investment)
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in counted]
    assert "0 visits scanned, 0 walk-ins, 0 ratings" in _seed(app, wx)
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in counted] == counts
