"""A ticket as each audience may see it: its reporter (their own reports, every photo of
theirs), the station's keeper and staff (texts that passed the check, photos WeChat passed;
staff also the texts held for review). Never a reporter's name or openid."""

from __future__ import annotations

from datetime import datetime

from app.core import clock
from app.problems import tickets
from app.problems.models import FIXED, KINDS, PHOTO_PASSED, STEPS, TEXT_PASSED, ProblemReport, ProblemTicket

KIND_NAMES = dict(KINDS)
STEP_NAMES = dict(STEPS)


def _base(ticket: ProblemTicket, now: datetime) -> dict:
    return {
        "id": ticket.id,
        "station": {"code": ticket.station.code, "name": ticket.station.name},
        "kind": ticket.kind,
        "kind_name": KIND_NAMES.get(ticket.kind, ticket.kind),
        "status": ticket.status,
        "status_name": tickets.STATUS_NAMES[ticket.status],
        "opened_at": ticket.opened_at,
        "deadline_at": ticket.deadline_at,
        "overdue": tickets.is_overdue(ticket, now),
        "reporters": len(ticket.reports),
        "steps": [{"kind": s.kind, "name": STEP_NAMES.get(s.kind, s.kind), "by": s.by, "note": s.note, "at": s.at} for s in ticket.steps],
    }


def _report(report: ProblemReport, photo_url, *, all_photos: bool, any_text: bool) -> dict:
    return {
        "id": report.id,
        "text": report.text if (any_text or report.text_status == TEXT_PASSED) else None,
        "text_status": report.text_status,
        "created_at": report.created_at,
        "photos": [
            {"id": p.id, "check_status": p.check_status, "url": photo_url(p.id)}
            for p in report.photos
            if all_photos or p.check_status == PHOTO_PASSED
        ],
    }


def for_reporter(ticket: ProblemTicket, worker_id: int) -> dict:
    url = lambda photo_id: f"/api/mp/v1/tickets/{ticket.id}/photos/{photo_id}"  # noqa: E731
    mine = [r for r in ticket.reports if r.worker_id == worker_id]
    return {
        **_base(ticket, clock.now()),
        "reports": [_report(r, url, all_photos=True, any_text=True) for r in mine],
        "can_say_not_fixed": ticket.status == FIXED,
    }


def for_keeper(ticket: ProblemTicket) -> dict:
    code = ticket.station.code
    url = lambda photo_id: f"/api/mp/v1/keeper/stations/{code}/tickets/{ticket.id}/photos/{photo_id}"  # noqa: E731
    return {**_base(ticket, clock.now()), "reports": [_report(r, url, all_photos=False, any_text=False) for r in ticket.reports]}


def for_staff(ticket: ProblemTicket) -> dict:
    url = lambda photo_id: f"/api/staff/v1/tickets/{ticket.id}/photos/{photo_id}"  # noqa: E731
    return {
        **_base(ticket, clock.now()),
        "district_code": ticket.district_code,
        "due_at": ticket.due_at,
        "fixed_at": ticket.fixed_at,
        "confirmed_at": ticket.confirmed_at,
        "called_back_at": ticket.called_back_at,
        "reopen_count": ticket.reopen_count,
        "reports": [_report(r, url, all_photos=False, any_text=True) for r in ticket.reports],
    }
