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
    from miniprogram_api import register_miniprogram_api

    register_api(app)
    register_miniprogram_api(app)
    register_web(app)
    register_console(app)
    _init_csrf(app)
    register_error_handlers(app)
    _document_errors(app)
    register_cli(app)
    return app


def _configure_logging(app: APIFlask) -> None:
    if not app.debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _init_extensions(app: APIFlask) -> None:
    from app import models  # noqa: F401  (every model registered before Alembic looks)
    from app.extensions import blob_cache, db, geo_index, limiter, migrate, plain_db, redis_store, wechat

    db.init_app(app)
    plain_db.init_app(app, db)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    if app.config.get("REDIS_URL"):
        from app.adapters.redis_store import connection_options

        # The limits' keys under the app's Redis prefix (limits' own default is one "LIMITS"
        # namespace for everyone): `limiter.reset()` then clears this app's counters only, not
        # those of another app or test run sharing the Redis.
        options = {**connection_options(), "key_prefix": f"{app.config['REDIS_KEY_PREFIX']}:LIMITS"}
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", options)
    limiter.init_app(app)
    redis_store.init_app(app)
    wechat.init_app(app)  # after redis_store: the token is cached there
    blob_cache.init_app(app, redis_store)
    geo_index.init_app(app, redis_store, db)


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
    from app.schemas.base import ErrorSchema

    app.config["HTTP_ERROR_SCHEMA"] = ErrorSchema
    app.config["VALIDATION_ERROR_SCHEMA"] = ErrorSchema
