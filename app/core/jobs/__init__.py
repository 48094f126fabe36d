"""Background jobs: a durable queue in PostgreSQL, run by worker processes (`flask jobs worker`).

The areas use four names::

    from app.core import jobs

    @jobs.task("reminders.send", at_most_once=True, max_attempts=5)
    def send_reminder(payload: dict) -> None: ...      # runs in a worker, inside an app context

    job_id = jobs.enqueue("reminders.send", {"claim_id": 7}, run_at=starts_at - timedelta(hours=2))
    db.session.commit()    # the job exists if, and only if, this transaction commits

A payload is JSON naming rows by id: it is stored in procrastinate_jobs and printed in the
worker's log, so it never carries personal data (openid, phone number, comment text). Tasks raise
these to say what happened: `NotDone` (it certainly had no effect: retry with back-off), `GiveUp`
(final, do not retry: 43101, say). An at-most-once task (a one-time subscribe message allows one
send) is never run twice: an attempt that may have reached the outside world — it raised anything
but NotDone/GiveUp, or its worker died during it — is recorded `uncertain` and not repeated
(`jobs.outcome(job_id)`).

Why procrastinate (3.10, MIT, maintained since 2019, psycopg 3): its queue is a PostgreSQL table,
so enqueueing is an INSERT on *our* transaction's connection — `configure_task(connection=...)`
accepts the psycopg connection under the SQLAlchemy session — and a job scheduled with a claim
commits or rolls back with it, with no outbox table or two-phase dance. It survives restarts (rows,
not memory), wakes workers with LISTEN/NOTIFY, has delayed jobs (`schedule_at`), retry strategies,
periodic tasks, worker heartbeats and stalled-job detection, and needs nothing beside PostgreSQL,
which the product already requires (RQ or Celery would add Redis as a second source of truth for
work that must not be lost, and could not join the business transaction). pgqueuer was the other
candidate: younger, async-first (asyncpg), with enqueue through its own driver rather than a
connection we hand it. Its schema is applied by an Alembic migration (migrations/sql/), so
`flask db upgrade` creates everything.
"""

from app.core.jobs.errors import GiveUp, NotDone, Uncertain
from app.core.jobs.ledger import outcome
from app.core.jobs.queue import JobQueue, enqueue, job_status, queue
from app.core.jobs.registry import TaskSpec, registered_tasks, task

__all__ = [
    "GiveUp",
    "JobQueue",
    "NotDone",
    "TaskSpec",
    "Uncertain",
    "enqueue",
    "job_status",
    "outcome",
    "queue",
    "registered_tasks",
    "task",
]
