"""The keeper's and staff's steps on a ticket. The keeper answers and marks it fixed; district
staff confirm the fix or reopen it (a new deadline), and record the call-back to the reporters.
Each step is a row the reporters read, and an audit entry."""

from __future__ import annotations

from datetime import datetime

from app.accounts import audit
from app.accounts.actor import Actor
from app.core import clock
from app.extensions import db
from app.keepers.models import StationKeeper
from app.problems import notices, tickets
from app.problems.models import CONFIRMED, FIXED, OPEN, ProblemTicket
from app.problems.reporting import add_step, reopen

KEEPER, STAFF = "keeper", "staff"


def _keeper_audit(binding: StationKeeper, ticket: ProblemTicket, action: str, note: str | None) -> None:
    audit.record_by_worker(
        binding.worker_id, KEEPER, f"problem.{action}", "problem_ticket", str(ticket.id),
        district_code=ticket.district_code, after={"status": ticket.status, "note": note},
    )  # fmt: skip


def answer(binding: StationKeeper, ticket_id: int, text: str) -> ProblemTicket:
    """The keeper's answer to the reporters (what they are doing about it)."""
    ticket = tickets.keepers_ticket(binding, ticket_id, lock=True)
    if ticket.status == CONFIRMED:
        raise tickets.status_conflict(ticket, "回复")
    add_step(ticket, "answered", KEEPER, note=text)
    _keeper_audit(binding, ticket, "answer", text)
    db.session.commit()
    return tickets.keepers_ticket(binding, ticket_id)


def mark_fixed(binding: StationKeeper, ticket_id: int, note: str | None = None, *, at: datetime | None = None) -> ProblemTicket:
    """`at`: when (default now; the demo data replays the past)."""
    ticket = tickets.keepers_ticket(binding, ticket_id, lock=True)
    if ticket.status != OPEN:
        raise tickets.status_conflict(ticket, "标记为已整改")
    ticket.status, ticket.fixed_at = FIXED, at or clock.now()
    add_step(ticket, "fixed", KEEPER, note=note, at=at)
    notices.tell_reporters(ticket)
    _keeper_audit(binding, ticket, "fix", note)
    db.session.commit()
    return tickets.keepers_ticket(binding, ticket_id)


def _staff_change(actor: Actor, ticket: ProblemTicket, action: str, before: dict, note: str | None) -> None:
    audit.record(
        actor, f"problem.{action}", "problem_ticket", str(ticket.id), district_code=ticket.district_code,
        before=before, after={"status": ticket.status, "note": note},
    )  # fmt: skip
    db.session.commit()


def confirm(actor: Actor, ticket_id: int, note: str | None = None) -> ProblemTicket:
    """Staff saw it fixed: the ticket closes."""
    ticket = tickets.staff_ticket(actor, ticket_id, lock=True)
    if ticket.status != FIXED:
        raise tickets.status_conflict(ticket, "确认解决")
    before = {"status": ticket.status}
    ticket.status, ticket.confirmed_at = CONFIRMED, clock.now()
    add_step(ticket, "confirmed", STAFF, note=note)
    notices.tell_reporters(ticket)
    _staff_change(actor, ticket, "confirm", before, note)
    return tickets.staff_ticket(actor, ticket_id)


def reopen_ticket(actor: Actor, ticket_id: int, reason: str) -> ProblemTicket:
    """Staff found the fix wanting: open again with a fresh deadline."""
    ticket = tickets.staff_ticket(actor, ticket_id, lock=True)
    if ticket.status != FIXED:
        raise tickets.status_conflict(ticket, "要求重新整改")
    before = {"status": ticket.status, "deadline_at": ticket.deadline_at.isoformat()}
    reopen(ticket, "reopened", STAFF, note=reason)
    _staff_change(actor, ticket, "reopen", before, reason)
    return tickets.staff_ticket(actor, ticket_id)


def call_back(actor: Actor, ticket_id: int, note: str) -> ProblemTicket:
    """Staff called the reporters back (the union's promise on every named complaint)."""
    ticket = tickets.staff_ticket(actor, ticket_id, lock=True)
    before = {"called_back_at": ticket.called_back_at.isoformat() if ticket.called_back_at else None}
    ticket.called_back_at = clock.now()
    add_step(ticket, "called_back", STAFF, note=note)
    _staff_change(actor, ticket, "call_back", before, note)
    return tickets.staff_ticket(actor, ticket_id)
