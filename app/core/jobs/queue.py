"""The queue: a procrastinate App per Flask app, enqueueing on the SQLAlchemy session's own
connection (so in its transaction), and the wrapper every task runs in."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta

import procrastinate
import sqlalchemy as sa
from flask import Flask, current_app
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from app.core import clock
from app.core.jobs import ledger, registry
from app.core.jobs.errors import GiveUp, NotDone, Uncertain

log = logging.getLogger(__name__)
EXTENSION = "yizhan_jobs"


class JobQueue:
    """The Flask extension (bound in create_app). One procrastinate App per Flask app; its
    connection pool is opened only by a worker — web processes enqueue on their session's."""

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(app)))

    def procrastinate_app(self, app: Flask | None = None) -> procrastinate.App:
        return (app or current_app).extensions[EXTENSION]

    def register_tasks(self, app: Flask) -> procrastinate.App:
        """Give the worker's procrastinate App every task registered so far."""
        papp = self.procrastinate_app(app)
        for spec in registry.registered_tasks().values():
            if spec.name in papp.tasks:
                continue
            options = {"name": spec.name, "queue": spec.queue, "pass_context": True, "retry": Backoff(spec, app.config)}
            registered = papp.task(**options)(_runner(app, spec))
            if spec.cron:
                papp.periodic(cron=spec.cron)(registered)
        return papp


queue = JobQueue()


def conninfo(app: Flask) -> str:
    """The libpq address of the app's database (SQLAlchemy's URL without its driver name)."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def enqueue(task_name: str, payload: dict | None = None, *, run_at: datetime | None = None, queueing_lock: str | None = None) -> int:
    """Schedule a job in the current database transaction; it exists once that commits (and
    never if it rolls back). `run_at` (aware) delays it; `queueing_lock` refuses a second waiting
    job with the same lock (procrastinate.exceptions.AlreadyEnqueued). Returns the job's id."""
    from app.extensions import db

    spec = registry.get(task_name)
    if run_at is not None and run_at.tzinfo is None:
        raise ValueError("run_at must be an aware datetime")
    # With a queueing lock, in a savepoint: a refused lock (a unique violation) must not spoil the
    # caller's transaction, only this insert. Without one nothing can be refused: no round trips.
    with db.session.begin_nested() if queueing_lock else contextlib.nullcontext():
        connection = db.session.connection().connection.driver_connection
        deferrer = queue.procrastinate_app().configure_task(
            name=spec.name, queue=spec.queue, schedule_at=run_at, queueing_lock=queueing_lock, connection=connection
        )
        return deferrer.defer(payload=payload or {})


def job_status(job_id: int) -> dict | None:
    """The queue's record of a job: status (todo, doing, succeeded, failed …), attempts, when due."""
    from app.extensions import db

    row = db.session.execute(
        sa.text("SELECT status, attempts, scheduled_at, task_name FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
    ).first()
    return (
        None
        if row is None
        else {"status": str(row.status), "attempts": row.attempts, "scheduled_at": row.scheduled_at, "task_name": row.task_name}
    )


class Backoff(BaseRetryStrategy):
    """Exponential back-off (base × 2^attempt, capped) on our clock; what is retried depends on
    the task's kind (see registry.task)."""

    def __init__(self, spec: registry.TaskSpec, config):
        self.spec = spec
        self.base = float(config["JOBS_RETRY_BASE_SECONDS"])
        self.cap = float(config["JOBS_RETRY_MAX_SECONDS"])

    def get_retry_decision(self, *, exception: BaseException, job) -> RetryDecision | None:
        if isinstance(exception, GiveUp | Uncertain):
            return None
        if self.spec.at_most_once and not isinstance(exception, NotDone):
            return None
        if job.attempts + 1 >= self.spec.max_attempts:
            return None
        delay = min(self.cap, self.base * 2**job.attempts)
        if isinstance(exception, NotDone) and exception.retry_after is not None:
            delay = float(exception.retry_after)
        return RetryDecision(retry_at=clock.now() + timedelta(seconds=delay))


def _runner(app: Flask, spec: registry.TaskSpec):
    """What the worker calls (in a thread): the task in an app context of its own."""

    def run(context, payload: dict | None = None, timestamp: int | None = None) -> None:
        from app.extensions import db

        if payload is None and timestamp is not None:  # deferred by the periodic scheduler
            payload = {"timestamp": timestamp}
        with app.app_context():
            try:
                if spec.at_most_once:
                    _run_at_most_once(spec, context.job.id, payload or {})
                else:
                    spec.func(payload or {})
            finally:
                db.session.remove()

    run.__name__ = spec.name.replace(".", "_")
    return run


def _run_at_most_once(spec: registry.TaskSpec, job_id: int, payload: dict) -> None:
    from app.extensions import db

    # The ledger has its own transactions: the claim must be committed before the task
    # reaches the outside world, whatever the task does with the session.
    with db.engine.begin() as connection:
        claimed = ledger.claim(connection, job_id, spec.name)
    if not claimed:
        log.warning("job %s (%s): an earlier attempt may have had its effect; not repeated", job_id, spec.name)
        _tell_uncertain(spec, payload)
        raise Uncertain(f"job {job_id} was interrupted during an earlier attempt")
    try:
        spec.func(payload)
    except NotDone:
        _settle(job_id, ledger.NOT_DONE)
        raise
    except GiveUp as exc:
        _settle(job_id, ledger.GAVE_UP, str(exc))
        raise
    except Exception as exc:
        _settle(job_id, ledger.UNCERTAIN, type(exc).__name__)
        _tell_uncertain(spec, payload)
        raise Uncertain(f"job {job_id}: outcome unknown after {type(exc).__name__}") from exc
    _settle(job_id, ledger.DONE)


def _settle(job_id: int, state: str, detail: str | None = None) -> None:
    from app.extensions import db

    with db.engine.begin() as connection:
        ledger.settle(connection, job_id, state, detail)


def _tell_uncertain(spec: registry.TaskSpec, payload: dict) -> None:
    """The task's own record of an unknown outcome; its failure must not hide the ledger's."""
    from app.extensions import db

    if spec.on_uncertain is None:
        return
    db.session.rollback()
    try:
        spec.on_uncertain(payload)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("job task %s: recording an uncertain outcome failed", spec.name)
