"""Workers' sign-in through WeChat, their bearer tokens and their profile."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.accounts import tokens
from app.accounts.tokens import IssuedToken
from app.accounts.worker_models import Worker
from app.core import clock, error_codes
from app.core.errors import AuthenticationFailed
from app.extensions import db, wechat


def sign_in(js_code: str) -> tuple[Worker, IssuedToken]:
    """Exchange a wx.login code for our own token. WeChat's session_key stays in the adapter."""
    session = wechat.code_to_session(js_code)
    worker = _upsert(session.openid, session.unionid)
    return worker, issue_token(worker)


def worker_for_openid(openid: str, unionid: str | None = None) -> Worker:
    """The worker WeChat knows by this openid, made on first sight (what sign-in does once
    WeChat has named the user; the demo data names its people itself)."""
    return _upsert(openid, unionid)


def issue_token(worker: Worker) -> IssuedToken:
    return tokens.issue(tokens.WORKER, {"wid": worker.id}, current_app.config["WORKER_TOKEN_TTL"])


def _upsert(openid: str, unionid: str | None) -> Worker:
    worker = db.session.scalar(sa.select(Worker).where(Worker.openid == openid))
    if worker is None:
        worker = Worker(openid=openid, unionid=unionid)
        db.session.add(worker)
        try:
            db.session.commit()
        except IntegrityError:  # the same person signing in twice at once
            db.session.rollback()
            worker = db.session.scalar(sa.select(Worker).where(Worker.openid == openid))
        return worker
    worker.last_seen_at = clock.now()
    if unionid and worker.unionid != unionid:
        worker.unionid = unionid
    db.session.commit()
    return worker


class WorkerGone(AuthenticationFailed):
    """A valid token whose worker no longer exists."""

    code = error_codes.UNAUTHORIZED
    message = "登录已失效，请重新登录"


def worker_id_for_token(token: str) -> int | None:
    """The worker a valid, unexpired token names; no query (the check-in path locks the
    worker's row itself, and every other path loads it with `worker`)."""
    payload = tokens.read(tokens.WORKER, token, current_app.config["WORKER_TOKEN_TTL"])
    worker_id = payload.get("wid") if payload else None
    return worker_id if isinstance(worker_id, int) else None


def worker(worker_id: int) -> Worker:
    found = db.session.get(Worker, worker_id)
    if found is None:
        raise WorkerGone()
    return found


def set_group(worker: Worker, worker_group: str | None) -> Worker:
    worker.worker_group = worker_group
    db.session.commit()
    return worker


def anonymous_stand_in() -> Worker:
    """A new anonymous worker (README "Privacy"): the records of a closed account, or those past
    their retention, keep counting as one person's under it. Its openid is random and names no
    one; it never signs in."""
    now = clock.now()
    stand_in = Worker(openid=f"anon:{secrets.token_hex(16)}", anonymised_at=now, created_at=now, last_seen_at=now)
    db.session.add(stand_in)
    db.session.flush()
    return stand_in


def identity(worker_id: int) -> dict | None:
    """What identifies the worker, as their export shows it."""
    found = db.session.get(Worker, worker_id)
    if found is None:
        return None
    return {
        "openid": found.openid,
        "unionid": found.unionid,
        "worker_group": found.worker_group,
        "created_at": found.created_at.isoformat(),
        "last_seen_at": found.last_seen_at.isoformat(),
    }
