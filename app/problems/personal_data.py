"""What problem reports hold about a worker (app/core/personal_data.py): their reports' texts
and photos, and which tickets they reported. Erasing unlinks the worker and deletes the texts and
photos; the tickets stay, and still count in the reports and the quality figures. Texts and
photos older than PROBLEM_RETENTION_DAYS are deleted the same way; withdrawing the photos grant
deletes the worker's photos."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core import files, personal_data
from app.extensions import db
from app.problems.models import TEXT_NONE, ProblemPhoto, ProblemReport, ProblemTicket, TicketStep

BATCH = 500


def export(worker_id: int) -> list[dict]:
    query = (
        sa.select(ProblemReport, ProblemTicket)
        .join(ProblemReport.ticket)
        .where(ProblemReport.worker_id == worker_id)
        .order_by(ProblemReport.id)
    )
    return [
        {
            "ticket_id": ticket.id,
            "station_code": ticket.station.code,
            "kind": ticket.kind,
            "text": report.text,
            "reported_at": report.created_at.isoformat(),
            "photos": len(report.photos),
            "ticket_status": ticket.status,
        }
        for report, ticket in db.session.execute(query).tuples()
    ]


def _drop_content(reports: list[ProblemReport]) -> int:
    """Delete the reports' photos (files and rows) and texts; rows changed."""
    changed = 0
    for report in reports:
        for photo in list(report.photos):
            files.store().delete(photo.file_key)
            db.session.delete(photo)
            changed += 1
        if report.text is not None:
            report.text, report.text_status = None, TEXT_NONE
            changed += 1
    return changed


def erase(worker_id: int) -> int:
    reports = list(db.session.scalars(sa.select(ProblemReport).where(ProblemReport.worker_id == worker_id)))
    changed = _drop_content(reports)
    for report in reports:
        report.worker_id, report.notify = None, False
    steps = db.session.execute(sa.update(TicketStep).where(TicketStep.worker_id == worker_id).values(worker_id=None))
    return changed + len(reports) + steps.rowcount


def revoke(worker_id: int, feature: str) -> int:
    """The worker withdrew the photos grant: their reports' photos go (rows and files); the
    texts and the tickets stay."""
    if feature != "photos":
        return 0
    query = sa.select(ProblemPhoto).join(ProblemPhoto.report).where(ProblemReport.worker_id == worker_id)
    photos = list(db.session.scalars(query))
    for photo in photos:
        files.store().delete(photo.file_key)
        db.session.delete(photo)
    return len(photos)


def expire(now: datetime) -> int:
    cutoff = now - timedelta(days=current_app.config["PROBLEM_RETENTION_DAYS"])
    has_photos = sa.exists().where(ProblemPhoto.report_id == ProblemReport.id)
    query = (
        sa.select(ProblemReport).where(ProblemReport.created_at < cutoff, sa.or_(ProblemReport.text.is_not(None), has_photos)).limit(BATCH)
    )
    return _drop_content(list(db.session.scalars(query)))


personal_data.register(personal_data.Holder(name="problem_reports", export=export, erase=erase, expire=expire, revoke=revoke))
