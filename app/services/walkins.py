"""Walk-ins (站点登记): visits by workers who did not scan — many older sanitation workers carry
no smartphone — recorded by the station's keeper. DESIGN.md: they are visits with source
`manual`, reported apart from scans, never rated.

- An entry is a check-in row with no worker, `headcount` = the number of visits it stands for,
  and `recorded_by` the keeper's binding. Today's entry is timed now; a past day's at local noon,
  so it falls inside that China-time day whatever the report's bounds.
- Only today and the previous WALKIN_BACKDATE_DAYS days; at most WALKIN_MAX_COUNT per entry.
- A correction never overwrites: it is a new row referencing the entry (`corrects_id`) with the
  difference as its headcount and the entry's own time, so every day's sum stays right and the
  history stays readable. The corrected total is never below 0. Corrections are open for as long
  as new entries for that day would be; after that the day's figures stand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import CheckIn, StationKeeper
from app.models.station import STATUS_PLANNED
from app.models.visit import SOURCE_MANUAL
from app.services import rollups

CHECKIN_ID_MAX = 2**63 - 1  # BIGINT: ids beyond it are simply absent
LIST_DAYS_MAX = 92  # a quarter, what the quarterly form looks at
NOON = time(12, 0)


@dataclass(frozen=True)
class WalkIn:
    """An entry with its corrections, oldest first."""

    entry: CheckIn
    corrections: list[CheckIn] = field(default_factory=list)

    @property
    def effective_count(self) -> int:
        return self.entry.headcount + sum(c.headcount for c in self.corrections)

    @property
    def date(self) -> date:
        return clock.china_date(self.entry.checked_in_at)


@dataclass(frozen=True)
class WalkInList:
    station_code: str
    since: date
    until: date
    items: list[WalkIn]

    @property
    def total(self) -> int:
        return sum(item.effective_count for item in self.items)


def walk_in_not_found() -> NotFound:
    return NotFound("未找到该登记记录", code="walk_in_not_found")


def _earliest_day(today: date) -> date:
    return today - timedelta(days=current_app.config["WALKIN_BACKDATE_DAYS"])


def _check_day(day: date, today: date) -> None:
    earliest = _earliest_day(today)
    if not earliest <= day <= today:
        days = current_app.config["WALKIN_BACKDATE_DAYS"]
        message = f"只能登记今天及之前 {days} 天（{earliest.isoformat()} 至 {today.isoformat()}）的人次"
        raise InvalidInput(message, code="walk_in_date_out_of_range", details={"date": [message]})


def _check_count(count: int, minimum: int) -> None:
    maximum = current_app.config["WALKIN_MAX_COUNT"]
    if not minimum <= count <= maximum:
        message = f"人次应在 {minimum} 到 {maximum} 之间（单条登记最多 {maximum} 人次，更多请分多条登记）"
        raise InvalidInput(message, code="walk_in_count_out_of_range", details={"count": [message]})


def record_walk_in(
    binding: StationKeeper,
    *,
    date: date,
    count: int,
    worker_group: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> WalkIn:
    """`at`: when the keeper records it (default now; the demo data replays past days)."""
    station = binding.station
    if station.status == STATUS_PLANNED:
        raise Conflict("该站点尚未建成投入使用，暂不能登记人次", code="station_not_in_service")
    now = at or clock.now()
    today = clock.china_date(now)
    _check_day(date, today)
    _check_count(count, minimum=1)
    entry = CheckIn(
        station_id=station.id,
        worker_id=None,
        source=SOURCE_MANUAL,
        checked_in_at=now if date == today else clock.at_china_time(date, NOON),
        dedupe_bucket=None,  # the dedupe window is about one worker's scans; an entry has none
        services=[],
        worker_group=worker_group,
        headcount=count,
        recorded_by=binding.id,
        note=note,
    )
    db.session.add(entry)
    db.session.flush()
    rollups.record_visit(entry)  # the reports' counts, same transaction
    db.session.commit()
    return WalkIn(entry)


def _entry(binding: StationKeeper, entry_id: int) -> CheckIn:
    """The station's manual row, locked so corrections of one entry follow each other. A scan, or another station's row, is not found."""
    if not 0 < entry_id <= CHECKIN_ID_MAX:
        raise walk_in_not_found()
    entry = db.session.scalar(
        sa.select(CheckIn)
        .where(CheckIn.id == entry_id, CheckIn.station_id == binding.station_id, CheckIn.source == SOURCE_MANUAL)
        .with_for_update()
    )
    if entry is None:
        raise walk_in_not_found()
    return entry


def _corrections_of(entry_ids: list[int]) -> dict[int, list[CheckIn]]:
    out: dict[int, list[CheckIn]] = {entry_id: [] for entry_id in entry_ids}
    if entry_ids:
        query = sa.select(CheckIn).where(CheckIn.corrects_id.in_(entry_ids)).order_by(CheckIn.id)
        for row in db.session.scalars(query):
            out[row.corrects_id].append(row)
    return out


def correct_walk_in(binding: StationKeeper, entry_id: int, *, count: int, note: str | None = None) -> WalkIn:
    """Set the entry's total to `count` by adding the difference (see the module's notes)."""
    entry = _entry(binding, entry_id)
    if entry.corrects_id is not None:
        raise Conflict("这是一条更正记录，请对原登记进行更正", code="walk_in_is_correction")
    if clock.china_date(entry.checked_in_at) < _earliest_day(clock.today()):
        days = current_app.config["WALKIN_BACKDATE_DAYS"]
        raise Conflict(f"只能更正今天及之前 {days} 天的登记，该日的人次已不能更改", code="walk_in_too_old")
    _check_count(count, minimum=0)
    walk_in = WalkIn(entry, _corrections_of([entry.id])[entry.id])
    if count == walk_in.effective_count:
        raise Conflict(f"该登记现为 {count} 人次，无需更正", code="walk_in_unchanged")
    correction = CheckIn(
        station_id=entry.station_id,
        worker_id=None,
        source=SOURCE_MANUAL,
        checked_in_at=entry.checked_in_at,  # counted on the entry's day, where the error was
        dedupe_bucket=None,
        services=[],
        worker_group=entry.worker_group,
        headcount=count - walk_in.effective_count,
        recorded_by=binding.id,
        corrects_id=entry.id,
        note=note,
    )
    db.session.add(correction)
    db.session.flush()
    rollups.record_visit(correction)  # the reports' counts, same transaction
    db.session.commit()
    return WalkIn(entry, [*walk_in.corrections, correction])


def list_walk_ins(binding: StationKeeper, *, since: date | None = None, until: date | None = None) -> WalkInList:
    """The station's entries on the local days since..until (both included; by default the days
    still open to entries: until today, since the window's length before), newest first, each
    with its corrections and effective count."""
    until = until or clock.today()
    since = since or _earliest_day(until)
    if since > until:
        raise InvalidInput("结束日期不能早于开始日期", details={"to": ["结束日期不能早于开始日期"]})
    if (until - since).days >= LIST_DAYS_MAX:
        message = f"一次最多查询 {LIST_DAYS_MAX} 天"
        raise InvalidInput(message, details={"from": [message]})
    query = (
        sa.select(CheckIn)
        .where(
            CheckIn.station_id == binding.station_id,
            CheckIn.source == SOURCE_MANUAL,
            CheckIn.corrects_id.is_(None),
            CheckIn.checked_in_at >= clock.day_start(since),
            CheckIn.checked_in_at < clock.day_start(until + timedelta(days=1)),
        )
        .order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc())
    )
    entries = list(db.session.scalars(query))
    corrections = _corrections_of([e.id for e in entries])
    items = [WalkIn(e, corrections[e.id]) for e in entries]
    return WalkInList(station_code=binding.station.code, since=since, until=until, items=items)
