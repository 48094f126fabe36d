"""Yizhan (驿站): the backend of the trade union's outdoor worker service stations."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from apiflask import APIFlask

from config import load_config

API_TITLE = "驿站 Yizhan API"
API_VERSION = "1.0.0"


def create_app(env_name: str | None = None, overrides: Mapping | None = None) -> APIFlask:
    """Application factory. Settings come from `config` (environment read here, not at import)."""
    from app.api.openapi import DocumentedAPIFlask

    app = DocumentedAPIFlask(
        __name__,
        title=API_TITLE,
        version=API_VERSION,
        spec_path="/api/openapi.json",
        docs_path="/api/docs",
        instance_relative_config=True,
    )
    app.config.from_mapping(load_config(env_name, overrides, instance_path=app.instance_path))
    app.json.ensure_ascii = False
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _configure_logging(app)
    _init_extensions(app)

    from app.api import register_api
    from app.api.errors import register_error_handlers
    from app.cli import register_cli
    from app.console import register_console
    from app.web import register_web
    from app.wechat_push import register_wechat_push
    from miniprogram_api import register_miniprogram_api

    register_api(app)
    register_miniprogram_api(app)
    register_wechat_push(app)
    register_web(app)
    register_console(app)
    _init_csrf(app)
    register_error_handlers(app)
    _document_errors(app)
    register_cli(app)
    _init_core(app)
    return app


def _configure_logging(app: APIFlask) -> None:
    from app.core import log_redaction

    log_redaction.install()  # no openid, token or phone number in any log line (README "Privacy")
    if not app.debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _init_extensions(app: APIFlask) -> None:
    # Every model registered before Alembic looks: app.models, and the shared parts' tables kept
    # beside their code (app.models importing them would import in a circle).
    from app import models  # noqa: F401
    from app.core.jobs import ledger  # noqa: F401
    from app.extensions import blob_cache, db, geo_index, limiter, migrate, plain_db, redis_store, wechat
    from app.wechat_push import models as push_models  # noqa: F401

    db.init_app(app)
    plain_db.init_app(app, db)
    migrate.init_app(
        app,
        db,
        directory=str(_migrations_dir()),
        render_as_batch=True,
        compare_type=True,
        include_name=_include_name,
    )
    if app.config.get("REDIS_URL"):
        from app.adapters.redis_store import connection_options

        # Rate-limit counters live under our prefix too (limits' own default is a bare "LIMITS:"),
        # so that clearing them (limiter.reset()) clears this instance's counters only, never
        # those of another app or test run sharing the Redis.
        limits_prefix = f"{app.config['REDIS_KEY_PREFIX']}:limits"
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {**connection_options(), "key_prefix": limits_prefix})
    limiter.init_app(app)
    redis_store.init_app(app)
    wechat.init_app(app)  # after redis_store: the token is cached there
    blob_cache.init_app(app, redis_store)
    geo_index.init_app(app, redis_store, db)


def _init_core(app: APIFlask) -> None:
    """The shared foundations in app/core: the job queue (and its CLI), the file store, the
    registry of personal data (every area's declaration imported now, before any request)."""
    import sys

    from app.core import personal_data
    from app.core.files import files
    from app.core.jobs import queue
    from app.core.jobs.cli import jobs_cli

    logging.getLogger("procrastinate.blueprints").setLevel(logging.WARNING)  # "adding tasks", per app
    queue.init_app(app)
    app.cli.add_command(jobs_cli)
    files.init_app(app)
    personal_data.load_holders(sys.modules[__name__])


def _include_name(name, type_, parent_names) -> bool:
    """Alembic compares our models with the database, not the job library's own tables
    (procrastinate_*: created by their migration from the library's schema)."""
    return not (type_ == "table" and name and name.startswith("procrastinate_"))


def _init_csrf(app: APIFlask) -> None:
    """CSRF on every form (the staff console's); the JSON APIs authenticate with bearer tokens,
    not cookies, so every API blueprint, now and later, is exempt."""
    from apiflask import APIBlueprint

    from app.extensions import csrf

    csrf.init_app(app)
    for blueprint in app.blueprints.values():
        if isinstance(blueprint, APIBlueprint):
            csrf.exempt(blueprint)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _document_errors(app: APIFlask) -> None:
    """Tell the OpenAPI document that every error has our one shape."""
    from app.core.schemas import ErrorSchema

    app.config["HTTP_ERROR_SCHEMA"] = ErrorSchema
    app.config["VALIDATION_ERROR_SCHEMA"] = ErrorSchema
