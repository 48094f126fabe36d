from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, redis_store

log = logging.getLogger(__name__)


def check() -> dict:
    try:
        db.session.execute(sa.text("SELECT 1"))
        database_ok = True
    except SQLAlchemyError:
        log.warning("database health check failed", exc_info=True)
        db.session.rollback()
        database_ok = False
    redis_ok = redis_store.ping()
    if not database_ok:
        status = "down"
    elif redis_store.configured and not redis_ok:
        status = "degraded"
    else:
        status = "ok"
    return {
        "status": status,
        "database": {"ok": database_ok, "configured": True},
        "redis": {"ok": redis_ok, "configured": redis_store.configured},
    }
