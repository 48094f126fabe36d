"""`flask jobs worker`: run a job worker until stopped (scripts/serve.sh starts one beside gunicorn)."""

from __future__ import annotations

import importlib

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.jobs.registry import registered_tasks

jobs_cli = AppGroup("jobs", help="后台任务（持久队列）")


@jobs_cli.command("worker")
@click.option("--queue", "queues", multiple=True, help="只处理这些队列（默认全部）")
@click.option("--concurrency", type=int, help="同时执行的任务数（默认 JOBS_CONCURRENCY）")
@click.option("--import", "modules", multiple=True, help="额外导入的任务模块（注册其中的任务）")
def worker(queues, concurrency, modules):
    """Run a job worker until SIGINT/SIGTERM."""
    from app.core.jobs.worker import run_worker

    if not current_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise click.ClickException("the job queue needs PostgreSQL (set DATABASE_URL)")
    for module in modules:
        importlib.import_module(module)
    app = current_app._get_current_object()
    click.echo(f"job worker: tasks {', '.join(sorted(registered_tasks())) or '(none yet)'}")
    run_worker(app, queues=queues, concurrency=concurrency)


@jobs_cli.command("status")
def status():
    """Jobs by task and status, live workers, and at-most-once jobs whose outcome is unknown."""
    import sqlalchemy as sa

    from app.extensions import db

    rows = db.session.execute(sa.text("SELECT task_name, status::text, count(*) FROM procrastinate_jobs GROUP BY 1, 2 ORDER BY 1, 2")).all()
    for task_name, job_status, count in rows:
        click.echo(f"{task_name:40} {job_status:10} {count}")
    workers = db.session.execute(sa.text("SELECT count(*) FROM procrastinate_workers")).scalar()
    uncertain = db.session.execute(sa.text("SELECT count(*) FROM at_most_once_jobs WHERE state = 'uncertain'")).scalar()
    click.echo(f"workers: {workers}; at-most-once jobs of unknown outcome: {uncertain}")
