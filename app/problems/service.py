"""What the front doors call: each function authorises (through the ticket finders), does one
thing, and answers the ticket as its caller may see it."""

from __future__ import annotations

from app.accounts.actor import Actor
from app.accounts.worker_models import Worker
from app.keepers.service import keeper_of
from app.problems import loop, photos, presenting, reporting, tickets

# Workers -----------------------------------------------------------------------------------------


def report(worker: Worker, code: str, *, kind: str, text: str | None = None, notify: bool = False) -> dict:
    return presenting.for_reporter(reporting.report(worker, code, kind=kind, text=text, notify=notify), worker.id)


def my_tickets(worker: Worker) -> list[dict]:
    return [presenting.for_reporter(t, worker.id) for t in tickets.workers_tickets(worker.id)]


def my_ticket(worker: Worker, ticket_id: int) -> dict:
    return presenting.for_reporter(tickets.reporters_ticket(worker.id, ticket_id), worker.id)


def still_not_fixed(worker: Worker, ticket_id: int, note: str | None = None) -> dict:
    return presenting.for_reporter(reporting.still_not_fixed(worker, ticket_id, note), worker.id)


def add_photo(worker: Worker, ticket_id: int, data: bytes) -> dict:
    return presenting.for_reporter(photos.add_photo(worker, ticket_id, data), worker.id)


def my_photo(worker: Worker, ticket_id: int, photo_id: int) -> tuple[bytes, str]:
    ticket = tickets.reporters_ticket(worker.id, ticket_id)
    return photos.photo_bytes(photos.photo_in(ticket, photo_id, worker.id))


# Keepers -----------------------------------------------------------------------------------------


def keeper_answer(worker: Worker, code: str, ticket_id: int, text: str) -> dict:
    return presenting.for_keeper(loop.answer(keeper_of(worker, code), ticket_id, text))


def keeper_fixed(worker: Worker, code: str, ticket_id: int, note: str | None = None) -> dict:
    return presenting.for_keeper(loop.mark_fixed(keeper_of(worker, code), ticket_id, note))


def keeper_photo(worker: Worker, code: str, ticket_id: int, photo_id: int) -> tuple[bytes, str]:
    ticket = tickets.keepers_ticket(keeper_of(worker, code), ticket_id)
    return photos.photo_bytes(photos.photo_in(ticket, photo_id))


# Staff -------------------------------------------------------------------------------------------


def confirm(actor: Actor, ticket_id: int, note: str | None = None) -> dict:
    return presenting.for_staff(loop.confirm(actor, ticket_id, note))


def reopen(actor: Actor, ticket_id: int, note: str) -> dict:
    return presenting.for_staff(loop.reopen_ticket(actor, ticket_id, note))


def call_back(actor: Actor, ticket_id: int, note: str) -> dict:
    return presenting.for_staff(loop.call_back(actor, ticket_id, note))


def staff_photo(actor: Actor, ticket_id: int, photo_id: int) -> tuple[bytes, str]:
    return photos.photo_bytes(photos.photo_in(tickets.staff_ticket(actor, ticket_id), photo_id))
