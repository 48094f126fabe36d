"""The keeper's view of their station: visits today and this week (Monday to today, China
time) with scanned and manual apart and their sum, the workers served, the ratings, and the
newest comments that passed review. Nothing here names a rater.

Workers served count the distinct workers who scanned: a walk-in entry records visits by people
nobody can tell apart, so it adds to the visits and not to the workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.keepers.models import StationKeeper
from app.ratings import service as ratings
from app.ratings.models import Rating
from app.registry.models import Station
from app.visits.models import SOURCE_MANUAL, SOURCE_SCAN, CheckIn

RATING_DAYS = 30  # "lately": today and the 29 days before
COMMENTS_SHOWN = 10


@dataclass(frozen=True)
class Visits:
    since: date  # local days, both included
    until: date
    scan: int
    manual: int
    workers: int

    @property
    def total(self) -> int:
        return self.scan + self.manual


@dataclass(frozen=True)
class RatingFigures:
    last_30_days: ratings.RatingSummary
    all_time: ratings.RatingSummary


@dataclass(frozen=True)
class KeeperSummary:
    station: Station
    today: Visits
    this_week: Visits
    ratings: RatingFigures
    comments: list[Rating]


def visits_between(station_id: int, since: date, until: date) -> Visits:
    """Visits on the local days since..until: summed headcount by source (a walk-in entry stands
    for several, a correction for its difference), and the distinct workers who scanned."""
    query = (
        sa.select(CheckIn.source, sa.func.coalesce(sa.func.sum(CheckIn.headcount), 0), sa.func.count(sa.distinct(CheckIn.worker_id)))
        .where(
            CheckIn.station_id == station_id,
            CheckIn.checked_in_at >= clock.day_start(since),
            CheckIn.checked_in_at < clock.day_start(until + timedelta(days=1)),
        )
        .group_by(CheckIn.source)
    )
    rows = {source: (visits, workers) for source, visits, workers in db.session.execute(query)}
    scan, workers = rows.get(SOURCE_SCAN, (0, 0))
    manual, _ = rows.get(SOURCE_MANUAL, (0, 0))
    return Visits(since=since, until=until, scan=scan, manual=manual, workers=workers)


def keeper_summary(binding: StationKeeper) -> KeeperSummary:
    station = binding.station
    today = clock.today()
    monday = today - timedelta(days=today.weekday())
    figures = RatingFigures(
        last_30_days=ratings.summarise(station.id, since=clock.day_start(today - timedelta(days=RATING_DAYS - 1))),
        all_time=ratings.summarise(station.id),
    )
    return KeeperSummary(
        station=station,
        today=visits_between(station.id, today, today),
        this_week=visits_between(station.id, monday, today),
        ratings=figures,
        comments=ratings.published_comments(station.id, limit=COMMENTS_SHOWN),
    )
