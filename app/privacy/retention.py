"""Retention (README "Privacy"): every holder's `expire` (app/core/personal_data.py) removes what is
past its period in the settings — check-ins' links to workers, comment texts, audit entries, and
the other areas' photos and problem-report texts — daily on the job queue, each in small batches
that commit on their own and skip rows another transaction holds, so the check-in path never waits
on it. Counts stay. Each run is recorded with what it removed (the staff API shows the runs)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app.accounts.actor import Actor
from app.core import clock, error_codes, jobs, personal_data
from app.core.errors import Forbidden
from app.core.pagination import Page, paginate
from app.extensions import db
from app.privacy.models import RetentionRun

log = logging.getLogger(__name__)


def run() -> RetentionRun:
    started = clock.now()
    removed = personal_data.expire_all(started)
    record = RetentionRun(started_at=started, finished_at=clock.now(), removed=removed)
    db.session.add(record)
    db.session.commit()
    log.info("privacy retention: %s", ", ".join(f"{name} {count}" for name, count in sorted(removed.items())))
    return record


@jobs.task("privacy.retention", cron="43 18 * * *")  # daily, 02:43 China time
def retention_job(payload: dict | None = None) -> int:
    return run().id


def runs(actor: Actor, page: int = 1, per_page: int = 20) -> Page:
    """The runs, newest first: for the city's staff (retention is the city's policy)."""
    if not actor.is_city:
        raise Forbidden("仅市总工会可查看", code=error_codes.FORBIDDEN)
    return paginate(sa.select(RetentionRun).order_by(RetentionRun.id.desc()), page, per_page)
