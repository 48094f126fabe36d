"""The at-most-once ledger: one row per at-most-once job, written in its own short transaction
*before* the task reaches the outside world, so an attempt cut short by a dead worker is
recognised on the next try and recorded `uncertain` instead of being repeated."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.models.base import Base

STARTED = "started"  # an attempt is (or was, if its worker died) under way
DONE = "done"
NOT_DONE = "not_done"  # the last attempt certainly had no effect; a retry may try again
GAVE_UP = "gave_up"
UNCERTAIN = "uncertain"  # it may or may not have happened; never repeated
STATES = (STARTED, DONE, NOT_DONE, GAVE_UP, UNCERTAIN)


class AtMostOnceJob(Base):
    __tablename__ = "at_most_once_jobs"
    __table_args__ = (sa.CheckConstraint(sa.column("state").in_(STATES), name="state"),)

    # procrastinate's job id (no foreign key: finished jobs may be pruned, the ledger stays).
    job_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    task_name: Mapped[str] = mapped_column(sa.String(128))
    state: Mapped[str] = mapped_column(sa.String(16), index=True)
    attempts: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    detail: Mapped[str | None] = mapped_column(sa.String(200))


_table = AtMostOnceJob.__table__


def claim(connection: sa.Connection, job_id: int, task_name: str) -> bool:
    """Mark the attempt started; False if an earlier attempt of this job may have had an effect
    (it is then marked uncertain, if it was not settled already)."""
    now = clock.now()
    statement = (
        insert(_table)
        .values(job_id=job_id, task_name=task_name, state=STARTED, attempts=1, started_at=now)
        .on_conflict_do_update(
            index_elements=[_table.c.job_id],
            set_={"state": STARTED, "attempts": _table.c.attempts + 1, "started_at": now, "finished_at": None},
            where=_table.c.state == NOT_DONE,
        )
        .returning(_table.c.job_id)
    )
    if connection.execute(statement).first() is not None:
        return True
    connection.execute(
        sa.update(_table)
        .where(_table.c.job_id == job_id, _table.c.state == STARTED)
        .values(state=UNCERTAIN, finished_at=now, detail="an earlier attempt did not finish (worker died)")
    )
    return False


def settle(connection: sa.Connection, job_id: int, state: str, detail: str | None = None) -> None:
    connection.execute(
        sa.update(_table)
        .where(_table.c.job_id == job_id)
        .values(state=state, finished_at=clock.now(), detail=(detail or None) and detail[:200])
    )


def outcome(job_id: int) -> str | None:
    """The ledger's state of an at-most-once job (None for other jobs, or before its first try)."""
    from app.extensions import db

    return db.session.execute(sa.select(_table.c.state).where(_table.c.job_id == job_id)).scalar()
