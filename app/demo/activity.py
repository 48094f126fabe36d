"""The demo's life: 90 days (ending China's today) of what workers, keepers and staff do at the
built stations (the demo's, in a development database), made through the same services the API
calls, so every report and rollup agrees with the raw rows (`flask reports verify`).

- Workers (a pool per district, in worker groups) scan the built stations' signs: more on
  weekdays than at weekends, peaks in the morning, at noon and in the evening, a slow rise over
  the quarter, some stations busier than others; most scans carry a location, some do not.
  Replayed in time order through `checkins.check_in(at=…)` (dedupe window, opening hours,
  signatures and rollups as for a real scan).
  About 6,000 visits: the check-in service takes a few milliseconds each, and the demo must stay
  well under a minute for `make run` (measured: 31 s on PostgreSQL, 2 busy cores).
- About one visit in eight is rated (`ratings.rate_visit(at=…)`); some ratings carry a comment,
  which WeChat's content check sees as for a real one (with WeChat unreachable, as while
  `make run` seeds before the fake starts, comments are held for review); staff approve those
  older than REVIEW_BACKLOG_DAYS, so the newest wait in the review queue.
- Each built station has a keeper, who records walk-ins (`walkins.record_walk_in(at=…)`) and
  posts live status (`status_posts.post_status(at=…)`): some stations' last post is fresh,
  others' older than the freshness limit (shown as unknown); one station is closed for now.
- Investments per station and quarter (`investments.put_investment`).

The demo keeper (DEMO_KEEPER_OPENID) keeps the first station of 涪城区, and the demo worker
(DEMO_WORKER_OPENID) has visits of their own: the people a developer signs in as from WeChat
DevTools (README). Deterministic (a seeded random), and done once: a database with any check-in
already is left as it is."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.accounts import workers
from app.accounts.actor import CLI_ACTOR
from app.accounts.worker_models import Worker
from app.core import clock
from app.core.errors import DomainError
from app.core.opening_hours import is_open_at
from app.demo import loop as demo_loop
from app.extensions import db
from app.keepers import codes as keeper_codes
from app.keepers.models import StationKeeper
from app.privacy import consents
from app.privacy.models import FEATURES
from app.ratings import service as ratings
from app.ratings.models import COMMENT_REVIEW, Rating
from app.reference import data as ref
from app.registry.models import STATUS_PLANNED, Station
from app.reports import investments
from app.signs import tokens as sign_tokens
from app.station_pages import status_posts
from app.visits import checkins, walkins
from app.visits.models import CheckIn

DAYS = 90
DEMO_WORKER_OPENID = "o-demo-worker"
DEMO_KEEPER_OPENID = "o-demo-keeper"
DEMO_STATION = "FC0001"
WORKERS_PER_DISTRICT = 24
RATED_SHARE = 0.12
COMMENTED_SHARE = 0.3
REVIEW_BACKLOG_DAYS = 7
# Scans per busy-station weekday at the quarter's end; each station gets a share of it.
BUSIEST_DAY = 5
# China wall-clock hour -> relative weight: before work, lunch, after work.
HOUR_WEIGHTS = {
    6: 2, 7: 6, 8: 9, 9: 5, 10: 3, 11: 6, 12: 10, 13: 7, 14: 3,
    15: 3, 16: 4, 17: 8, 18: 9, 19: 5, 20: 2, 21: 1,
}  # fmt: skip
WEEKDAY_WEIGHTS = (1.0, 0.95, 1.0, 0.95, 1.05, 0.7, 0.55)  # Monday … Sunday
SERVICES = (("water", 6), ("hot_water", 3), ("toilet", 5), ("rest", 4), ("charge_phone", 2), ("heat_meal", 2), ("first_aid", 1))
GOOD_COMMENTS = (
    "热水很方便，谢谢管理员",
    "夏天能进来歇一歇，太好了",
    "座椅干净，还能给手机充电",
    "工作人员很热情",
    "中午在这里热饭，很方便",
    "有空调，凉快",
    "饮水机的水很干净",
)
POOR_COMMENTS = ("厕所有点脏，希望多打扫", "下午去的时候没开门", "饮水机没水了", "座位太少，经常坐满")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Site:
    """What the demo needs of a station, read once (rows expire at every commit the services make)."""

    code: str
    district_code: str
    lat: float
    lng: float
    opening_hours: dict
    worker_groups: tuple[str, ...]
    host_unit: str | None
    scan: str  # what its sign's QR says


@dataclass(frozen=True)
class Person:
    id: int
    worker_group: str | None


@dataclass
class Cast:
    """The demo's people: workers per district, and each built station's keeper binding."""

    workers: dict[str, list[Person]]
    keepers: dict[str, StationKeeper]
    demo_worker: Person


def load_demo_activity(*, rnd: random.Random | None = None) -> dict:
    """Seed the demo's 90 days; a no-op (zero counts) when check-ins exist already."""
    if db.session.scalar(sa.select(sa.exists().where(CheckIn.id.isnot(None)))):
        return {
            "visits": 0, "walk_ins": 0, "ratings": 0, "comments_approved": 0, "status_posts": 0, "investments": 0,
            "tickets": 0, "spot_checks": 0, "supplies": 0,
        }  # fmt: skip
    rnd = rnd or random.Random(15)
    stations = _built_sites()
    cast = _cast(stations, rnd)
    today = clock.today()
    now = clock.now()
    with _fast_commits(), _quiet_content_checks():
        visits, rated = _visits(stations, cast, today, now, rnd)
        return {
            "visits": visits,
            "walk_ins": _walk_ins(stations, cast, today, now, rnd),
            "ratings": rated,
            "comments_approved": _review_old_comments(now),
            "status_posts": _status_posts(stations, cast, now, rnd),
            "investments": _investments(stations, today, rnd),
            **demo_loop.load_loop(cast.keepers, [p.id for group in cast.workers.values() for p in group], now, rnd),
        }


# --- the people ---------------------------------------------------------------------------------


def _built_sites() -> list[Site]:
    query = sa.select(Station).where(Station.status != STATUS_PLANNED, Station.retired_at.is_(None)).order_by(Station.code)
    return [_site(station) for station in db.session.scalars(query)]


def _site(s: Station) -> Site:
    groups = tuple(s.worker_groups or ())
    return Site(s.code, s.district_code, s.lat, s.lng, s.opening_hours or {}, groups, s.host_unit, sign_tokens.url_for_sign(s))


def _person(openid: str, group: str | None) -> Person:
    """A demo worker who has answered the privacy notice allowing everything: their scans carry a
    location (README "Privacy")."""
    worker = workers.set_group(workers.worker_for_openid(openid), group)
    consents.give(worker.id, consents.latest_notice().version, list(FEATURES))
    return Person(worker.id, group)


def _cast(stations: list[Site], rnd: random.Random) -> Cast:
    groups = [code for code, _ in ref.WORKER_GROUPS]
    pools: dict[str, list[Person]] = {}
    for district in sorted({s.district_code for s in stations}):
        # Most say which group they belong to; some never do (the reports' "not stated").
        pools[district] = [
            _person(f"o-demo-{district.lower()}-{number:02d}", rnd.choice(groups) if rnd.random() < 0.85 else None)
            for number in range(1, WORKERS_PER_DISTRICT + 1)
        ]
    demo_worker = _person(DEMO_WORKER_OPENID, "sanitation")
    pools.setdefault("FC", []).append(demo_worker)
    keepers = {}
    for station in stations:
        openid = DEMO_KEEPER_OPENID if station.code == DEMO_STATION else f"o-demo-keeper-{station.code.lower()}"
        keepers[station.code] = bind_keeper(workers.worker_for_openid(openid), station.code)
    return Cast(pools, keepers, demo_worker)


def demo_people() -> None:
    """The demo worker, and the demo keeper bound to the demo station (when it is there)."""
    workers.set_group(workers.worker_for_openid(DEMO_WORKER_OPENID), "sanitation")
    station = db.session.scalar(sa.select(Station).where(Station.code == DEMO_STATION))
    if station is not None and station.status != STATUS_PLANNED and not station.is_retired:
        bind_keeper(workers.worker_for_openid(DEMO_KEEPER_OPENID), DEMO_STATION)


def bind_keeper(worker: Worker, station_code: str) -> StationKeeper:
    """Bind as a keeper would: staff issue a code, the worker redeems it (idempotent)."""
    current = db.session.scalar(
        sa.select(StationKeeper)
        .join(Station, Station.id == StationKeeper.station_id)
        .where(StationKeeper.worker_id == worker.id, Station.code == station_code, StationKeeper.revoked_at.is_(None))
    )
    if current is not None:
        return current
    issued = keeper_codes.issue_code(CLI_ACTOR, station_code)
    return keeper_codes.redeem(worker, issued.code).keeper


# --- visits and ratings -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedScan:
    at: datetime
    station: Site
    worker: Person


def _visits(stations: list[Site], cast: Cast, today: date, now: datetime, rnd: random.Random) -> tuple[int, int]:
    popularity = {s.code: rnd.uniform(0.25, 1.0) for s in stations}
    popularity[DEMO_STATION] = 1.0
    plan: list[PlannedScan] = []
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        trend = 0.75 + 0.25 * (DAYS - offset) / DAYS  # the stations become known over the quarter
        for station in stations:
            expected = BUSIEST_DAY * popularity[station.code] * WEEKDAY_WEIGHTS[day.weekday()] * trend
            for _ in range(_poisson(expected, rnd)):
                at = _scan_time(station, day, rnd)
                if at is not None and at < now:
                    plan.append(PlannedScan(at, station, _visitor(cast, station, rnd)))
    plan += _demo_worker_scans(stations, cast, today, now, rnd)
    plan.sort(key=lambda scan: scan.at)  # the dedupe window and the rollups look back in time
    visits = rated = 0
    for planned in plan:
        try:
            result = checkins.check_in(
                planned.worker.id,
                scan=planned.station.scan,
                services=_services(rnd),
                location=_location(planned.station, rnd),
                at=planned.at,
            )
        except DomainError as refused:  # e.g. a station's keeper closed it that day
            log.debug("demo scan refused: %s", refused.code)
            continue
        visits += result.created
        if result.created and (planned.worker is cast.demo_worker or rnd.random() < RATED_SHARE):
            rated += _rate(planned.worker, result, now, rnd)
    return visits, rated


def _poisson(expected: float, rnd: random.Random) -> int:
    """A count with the given mean (Knuth's method; the means here are small)."""
    limit, count, product = pow(2.718281828459045, -expected), 0, rnd.random()
    while product > limit:
        count += 1
        product *= rnd.random()
    return count


def _scan_time(station: Site, day: date, rnd: random.Random) -> datetime | None:
    """A time of day with the daily shape, inside the station's opening hours (a few tries)."""
    hours, weights = list(HOUR_WEIGHTS), list(HOUR_WEIGHTS.values())
    for _ in range(4):
        wall = time(rnd.choices(hours, weights)[0], rnd.randrange(60), rnd.randrange(60))
        at = clock.at_china_time(day, wall)
        if is_open_at(station.opening_hours, at):
            return at
    return None


def _visitor(cast: Cast, station: Site, rnd: random.Random) -> Person:
    """Mostly the district's workers of the groups the station serves, sometimes anyone of it."""
    pool = cast.workers[station.district_code]
    served = [w for w in pool if w.worker_group in station.worker_groups]
    return rnd.choice(served if served and rnd.random() < 0.7 else pool)


def _demo_worker_scans(stations: list[Site], cast: Cast, today: date, now: datetime, rnd: random.Random) -> list[PlannedScan]:
    """The demo worker's own history: two or three visits a week at 涪城区's stations."""
    own = [s for s in stations if s.district_code == "FC"]
    plan = []
    for offset in range(DAYS - 1, 0, -1):
        if rnd.random() < 0.4:
            station = rnd.choice(own)
            at = _scan_time(station, today - timedelta(days=offset), rnd)
            if at is not None and at < now:
                plan.append(PlannedScan(at, station, cast.demo_worker))
    return plan


def _services(rnd: random.Random) -> list[str]:
    names, weights = zip(*SERVICES, strict=True)
    return sorted(set(rnd.choices(names, weights, k=rnd.randint(1, 3))))


def _location(station: Site, rnd: random.Random) -> dict | None:
    """Most workers let the mini-program send where they are: within 150 m of the sign."""
    if rnd.random() < 0.25:
        return None
    return {"lat": station.lat + rnd.uniform(-0.001, 0.001), "lng": station.lng + rnd.uniform(-0.001, 0.001), "datum": "gcj02"}


def _rate(person: Person, visit: checkins.CheckInAnswer, now: datetime, rnd: random.Random) -> int:
    at = visit.checked_in_at + timedelta(minutes=rnd.randint(2, 40))
    if at >= now:
        return 0
    poor = rnd.random() < 0.12
    score = rnd.choice((1, 2, 3)) if poor else rnd.choices((3, 4, 5), (1, 4, 6))[0]
    good_tags, poor_tags = [c for c, _ in ref.RATING_TAGS[:6]], [c for c, _ in ref.RATING_TAGS[6:]]
    tags = rnd.sample(poor_tags if poor else good_tags, k=rnd.randint(0, 2))
    comment = None
    if rnd.random() < COMMENTED_SHARE:
        comment = rnd.choice(POOR_COMMENTS if poor else GOOD_COMMENTS)
    try:
        ratings.rate_visit(db.session.get(Worker, person.id), visit.id, score=score, tags=tags, comment=comment, at=at)
    except DomainError as refused:
        log.debug("demo rating refused: %s", refused.code)
        return 0
    return 1


@contextmanager
def _fast_commits() -> Iterator[None]:
    """The services commit every visit; for the demo, PostgreSQL need not wait for each to
    reach the disk (a crash could lose the last few demo rows, never leave them inconsistent).
    SET lasts for the connection, which the single-threaded seeding keeps reusing. (Check-ins
    commit on their own plain connection, app/adapters/plain_db.py, which keeps the default.)"""
    db.session.execute(sa.text("SET synchronous_commit TO off"))
    db.session.commit()
    try:
        yield
    finally:
        db.session.execute(sa.text("RESET synchronous_commit"))
        db.session.commit()


@contextmanager
def _quiet_content_checks() -> Iterator[None]:
    """While `make run` seeds, the fake WeChat is not up yet: each comment's check fails and the
    comment is held for review. That is expected here, so one summary rather than a warning each."""
    loggers = [logging.getLogger(name) for name in ("app.ratings.service", "app.adapters.wechat", "wechatpy")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _review_old_comments(now: datetime) -> int:
    """Staff have worked through the review queue up to a few days ago."""
    cutoff = now - timedelta(days=REVIEW_BACKLOG_DAYS)
    query = sa.select(Rating.id).where(Rating.comment_status == COMMENT_REVIEW, Rating.created_at < cutoff).order_by(Rating.id)
    held = list(db.session.scalars(query))
    for rating_id in held:
        ratings.approve_comment(CLI_ACTOR, rating_id)
    return len(held)


# --- keepers: walk-ins and live status ----------------------------------------------------------


def _walk_ins(stations: list[Site], cast: Cast, today: date, now: datetime, rnd: random.Random) -> int:
    """Most evenings the keeper writes down those who came without a phone."""
    groups = ("sanitation", "sanitation", "municipal", None)
    recorded = 0
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        at = clock.at_china_time(day, time(17, 40))
        if at >= now:
            continue
        for station in stations:
            if rnd.random() < 0.55:
                binding = cast.keepers[station.code]
                walkins.record_walk_in(binding, date=day, count=rnd.randint(1, 6), worker_group=rnd.choice(groups), at=at)
                recorded += 1
    return recorded


def _status_posts(stations: list[Site], cast: Cast, now: datetime, rnd: random.Random) -> int:
    """A few posts a week per station; the last one fresh at some stations, stale at others."""
    posts = 0
    for index, station in enumerate(stations):
        binding = cast.keepers[station.code]
        last_age = timedelta(minutes=rnd.randint(10, 200)) if index % 3 != 2 else timedelta(hours=rnd.randint(8, 60))
        if station.code == DEMO_STATION:
            last_age = timedelta(minutes=25)
        moments = sorted(now - last_age - timedelta(hours=rnd.randint(12, 60) * k) for k in range(1, 6))
        for at in [*moments, now - last_age]:
            status_posts.post_status(binding, _status(rnd), at=at)
            posts += 1
    closed = next((s for s in stations if s.code != DEMO_STATION and s.district_code == "YX"), None)
    if closed is not None:
        reason = {"state": "closed_temporarily", "reason": "水管维修", "until": now + timedelta(hours=20)}
        status_posts.post_status(cast.keepers[closed.code], {"station": reason, "note": "明天上午恢复开放"}, at=now - timedelta(hours=1))
        posts += 1
    return posts


def _status(rnd: random.Random) -> dict:
    return {
        "water": rnd.choices(("available", "low", "out"), (8, 2, 1))[0],
        "toilet": rnd.choices(("open", "cleaning", "closed"), (8, 2, 1))[0],
        "rest_seats": rnd.choice((0, 1, 2, 3, 4, 6, "full")),
    }


# --- money --------------------------------------------------------------------------------------


def _investments(stations: list[Site], today: date, rnd: random.Random) -> int:
    """Each station's funds (万元) for the last four quarters, the current one included."""
    year, quarter = clock.quarter_of(today)
    periods = []
    for _ in range(4):
        periods.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    made = 0
    for station in stations:
        for year, quarter in periods:
            amounts = {
                "union": f"{rnd.uniform(0.5, 3):.2f}",
                "government": f"{rnd.uniform(0, 2):.2f}" if rnd.random() < 0.6 else "0",
                "other": f"{rnd.uniform(0, 1):.2f}" if station.host_unit else "0",
            }
            investments.put_investment(CLI_ACTOR, station.code, year, quarter, amounts)
            made += 1
    return made
