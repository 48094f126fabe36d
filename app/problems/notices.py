"""Telling reporters their ticket moved: a reporter who accepted the "ticket_update" subscribe
message when reporting (one message per consent) gets one when the keeper says it is fixed —
or, if that has passed, when staff confirm — through app/accounts/subscribe_messages."""

from __future__ import annotations

from app.accounts import subscribe_messages
from app.problems.models import KINDS, ProblemTicket

KIND_NAMES = dict(KINDS)
STATUS_WORDS = {"fixed": "已整改", "confirmed": "已解决", "open": "重新整改"}


def tell_reporters(ticket: ProblemTicket) -> int:
    """Schedule the message for each reporter still holding a consent; in the caller's transaction."""
    sent = 0
    for report in ticket.reports:
        if report.notify and report.worker_id is not None:
            data = {"kind": KIND_NAMES[ticket.kind], "status": STATUS_WORDS[ticket.status], "station": ticket.station.name}
            subscribe_messages.schedule(report.worker_id, "ticket_update", data, page=f"pages/report/index?id={ticket.id}")
            report.notify = False  # the consent is used
            sent += 1
    return sent
