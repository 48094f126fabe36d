"""A worker reports a problem at a station: a new ticket with a deadline by kind, or — when a
ticket of that kind is already active there — a report that joins it (duplicates merge). The
text passes WeChat's content check as ratings' comments do. The worker may also say a ticket the
keeper called fixed is still not fixed, which reopens it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.accounts import audit
from app.accounts.worker_models import Worker
from app.core import clock
from app.extensions import db
from app.problems import tickets
from app.problems.models import OPEN, TEXT_NONE, TEXT_PASSED, ProblemReport, ProblemTicket, TicketStep
from app.ratings.models import COMMENT_NONE, COMMENT_PUBLISHED
from app.ratings.service import moderate
from app.registry.models import Station
from app.registry.stations import station_not_found

WORKER = "worker"


def reportable_station(code: str) -> Station:
    station = db.session.scalar(sa.select(Station).where(Station.code == code.upper()))
    if station is None or station.is_retired:
        raise station_not_found()
    return station


def report(
    worker: Worker, code: str, *, kind: str, text: str | None = None, notify: bool = False, at: datetime | None = None
) -> ProblemTicket:
    """The ticket the worker's report opened or joined. `at`: the demo data replays the past."""
    station = reportable_station(code)
    station_id, district, worker_id, openid = station.id, station.district_code, worker.id, worker.openid
    text = (text or "").strip() or None
    db.session.rollback()  # nothing written yet: hand the connection back while WeChat reads the text
    status, _label = moderate(text, openid, field="problem_text", what="问题描述")
    text_status = TEXT_NONE if status == COMMENT_NONE else (TEXT_PASSED if status == COMMENT_PUBLISHED else "review")
    now = at or clock.now()
    for _attempt in range(2):  # two first reports at once: the unique active index decides, the loser joins
        try:
            ticket = _open_or_join(station_id, district, kind, now)
            _add_report(ticket, worker_id, text, text_status, now, notify)
            db.session.commit()
            return tickets.reporters_ticket(worker_id, ticket.id)
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("problem report: the active ticket kept changing")  # pragma: no cover


def _open_or_join(station_id: int, district: str, kind: str, now: datetime) -> ProblemTicket:
    ticket = tickets.active_ticket(station_id, kind)
    if ticket is not None:
        return ticket
    due = tickets.deadline_for(kind, now)
    ticket = ProblemTicket(
        station_id=station_id, district_code=district, kind=kind, status=OPEN, opened_at=now, due_at=due, deadline_at=due
    )
    db.session.add(ticket)
    db.session.flush()
    return ticket


def _add_report(ticket: ProblemTicket, worker_id: int, text: str | None, text_status: str, now: datetime, notify: bool) -> None:
    joined = bool(ticket.reports)  # a ticket flushed just now has none yet
    db.session.add(
        ProblemReport(
            ticket_id=ticket.id, worker_id=worker_id, text=text, text_status=text_status, opened=not joined, notify=notify, created_at=now
        )
    )
    step = "joined" if joined else "reported"
    add_step(ticket, step, WORKER, at=now, worker_id=worker_id)
    audit.record_by_worker(
        worker_id, WORKER, f"problem.{step}", "problem_ticket", str(ticket.id),
        district_code=ticket.district_code, after={"kind": ticket.kind, "station_id": ticket.station_id},
    )  # fmt: skip


def add_step(
    ticket: ProblemTicket, kind: str, by: str, *, note: str | None = None, at: datetime | None = None, worker_id: int | None = None
):
    step = TicketStep(ticket_id=ticket.id, kind=kind, by=by, note=note, at=at or clock.now(), worker_id=worker_id)
    db.session.add(step)
    return step


def still_not_fixed(worker: Worker, ticket_id: int, note: str | None = None) -> ProblemTicket:
    """The reporter says the keeper's fix did not fix it: the ticket is open again, with a new
    deadline. Only a ticket called fixed (or confirmed within the deadline's length) can be."""
    ticket = tickets.reporters_ticket(worker.id, ticket_id, lock=True)
    if ticket.status == OPEN:
        raise tickets.status_conflict(ticket, "再次反映“仍未解决”")
    reopen(ticket, "not_fixed", WORKER, note=note, worker_id=worker.id)
    audit.record_by_worker(
        worker.id, WORKER, "problem.not_fixed", "problem_ticket", str(ticket.id),
        district_code=ticket.district_code, after={"status": ticket.status},
    )  # fmt: skip
    try:
        db.session.commit()
    except IntegrityError:  # a confirmed ticket, while a newer one of its kind is open: that one stands
        db.session.rollback()
        raise tickets.status_conflict(tickets.reporters_ticket(worker.id, ticket_id), "重新打开（同类问题已有新的反映在处理）") from None
    return tickets.reporters_ticket(worker.id, ticket_id)


def reopen(ticket: ProblemTicket, step: str, by: str, *, note: str | None = None, worker_id: int | None = None) -> None:
    """Back to open with a fresh deadline of its kind; `due_at` keeps the first deadline."""
    now = clock.now()
    ticket.status = OPEN
    ticket.confirmed_at = None
    ticket.reopen_count += 1
    ticket.deadline_at = tickets.deadline_for(ticket.kind, now)
    add_step(ticket, step, by, note=note, at=now, worker_id=worker_id)
