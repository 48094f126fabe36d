"""The worker process (`flask jobs worker`): procrastinate's worker, plus a sweeper that hands
jobs of dead workers back to the queue (at-most-once ones then settle as uncertain, see queue)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import procrastinate
import sqlalchemy as sa
from flask import Flask

from app.core.jobs.queue import conninfo, queue

log = logging.getLogger(__name__)

# Jobs left `doing` by a worker whose heartbeat stopped, retried in one transaction under an
# advisory lock, so two sweepers never hand the same job back twice (the second one sees it
# `todo`, or `doing` under a live worker).
_SWEEP_LOCK = "SELECT pg_advisory_xact_lock(hashtext('yizhan.jobs.sweep'))"
_STALLED = """
SELECT job.id FROM procrastinate_jobs job
LEFT JOIN procrastinate_workers w ON w.id = job.worker_id
WHERE job.status = 'doing'
  AND (w.id IS NULL OR w.last_heartbeat < NOW() - make_interval(secs => :stalled_after))
FOR UPDATE OF job
"""
_RETRY = "SELECT procrastinate_retry_job_v2(:id, NOW(), NULL, NULL, NULL)"


def sweep_stalled(app: Flask) -> list[int]:
    """Hand back to the queue every job whose worker stopped beating; the ids."""
    from app.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text(_SWEEP_LOCK))
        ids = list(connection.execute(sa.text(_STALLED), {"stalled_after": app.config["JOBS_STALLED_AFTER_SECONDS"]}).scalars())
        for job_id in ids:
            connection.execute(sa.text(_RETRY), {"id": job_id})
    if ids:
        log.warning("jobs of stopped workers handed back to the queue: %s", ids)
    return ids


async def _sweep_forever(app: Flask, every: float) -> None:
    while True:
        try:
            await asyncio.to_thread(sweep_stalled, app)
        except Exception:  # a database hiccup must not stop the worker; next round retries
            log.exception("sweeping stalled jobs failed")
        await asyncio.sleep(every)


def run_worker(app: Flask, queues: Iterable[str] | None = None, concurrency: int | None = None) -> None:
    """Run until SIGINT/SIGTERM (procrastinate then lets running jobs finish)."""
    papp = queue.register_tasks(app)
    config = app.config
    concurrency = concurrency or config["JOBS_CONCURRENCY"]
    # The worker's pool: one connection held for LISTEN, one per running job, and the beats.
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(app), min_size=1, max_size=concurrency + 3)
    options = {
        "queues": list(queues) if queues else None,
        "concurrency": concurrency,
        "update_heartbeat_interval": config["JOBS_HEARTBEAT_SECONDS"],
        "stalled_worker_timeout": config["JOBS_STALLED_AFTER_SECONDS"],
        "fetch_job_polling_interval": config["JOBS_POLL_SECONDS"],
    }

    async def main() -> None:
        async with papp.open_async():
            sweeper = asyncio.create_task(_sweep_forever(app, config["JOBS_HEARTBEAT_SECONDS"]))
            try:
                await papp.run_worker_async(**options)
            finally:
                sweeper.cancel()

    with papp.replace_connector(connector):
        asyncio.run(main())
