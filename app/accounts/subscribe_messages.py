"""Subscribe messages to workers (WeChat's 订阅消息), sent by the job queue, at most once each.

A worker who taps "remind me" accepts a template once (wx.requestSubscribeMessage in the
mini-program); WeChat then allows exactly one message of it. So a message is scheduled in the
transaction that records what it is about (a claim, a supply), sent by a job worker at its instant,
and never sent twice:

- WeChat busy, or the connection refused before the request left: certainly not sent, retried
  with back-off (SUBSCRIBE_SEND_ATTEMPTS tries in all, then `failed`);
- 43101 (the consent was withdrawn or used up): `refused`, final; another errcode: `failed`;
- the outcome unknown (a read timeout, a dropped connection, the job worker killed during the
  call): `uncertain`, final — a second message could reach someone who allowed one.

Templates come from the SUBSCRIBE_TEMPLATES setting: a key (what callers name) → the template id
from the mini-program's admin console, the page the message opens, and the template's fields by
the names callers use (`{"title": "thing1", "starts_at": "time2"}`), so a new template id or a
reordered template is a settings change.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.accounts.subscribe_message_models import (
    CANCELLED,
    FAILED,
    REFUSED,
    SCHEDULED,
    SENDING,
    SENT,
    UNCERTAIN,
    SubscribeMessage,
)
from app.accounts.worker_models import Worker
from app.adapters.wechat import WeChatRejected, WeChatUnavailable
from app.core import clock, jobs
from app.extensions import db, wechat

SEND_TASK = "subscribe_messages.send"
NOT_SUBSCRIBED = 43101
# WeChat's longest value per kind of keyword (thing1 ≤ 20 characters …); longer is 47003.
VALUE_LIMITS = {"thing": 20, "name": 10, "phrase": 5, "character_string": 32, "number": 32, "letter": 32, "symbol": 5}


class UnknownTemplate(LookupError):
    """A caller named a template the settings do not have (a programming error, not user input)."""


def templates() -> dict[str, dict]:
    return current_app.config["SUBSCRIBE_TEMPLATES"]


def template_ids(keys: list[str] | None = None) -> dict[str, str]:
    """key → WeChat template id: what the mini-program passes to wx.requestSubscribeMessage."""
    return {key: spec["id"] for key, spec in templates().items() if keys is None or key in keys}


def schedule(
    worker_id: int, template: str, data: dict[str, str], *, send_at: datetime | None = None, page: str | None = None
) -> SubscribeMessage:
    """Record the message and enqueue its send in the caller's transaction (the caller commits):
    both exist, or neither. `send_at` in the past (or None) sends at once."""
    spec = _template(template)
    missing = set(spec["fields"]) - set(data)
    if missing:
        raise ValueError(f"subscribe message {template!r} needs {sorted(missing)}")
    when = max(send_at or clock.now(), clock.now())
    message = SubscribeMessage(worker_id=worker_id, template=template, data=dict(data), page=page, send_at=when, state=SCHEDULED)
    db.session.add(message)
    db.session.flush()
    message.job_id = jobs.enqueue(SEND_TASK, {"message_id": message.id}, run_at=when)
    return message


def cancel(message_id: int) -> bool:
    """Withdraw a message not yet sent (its claim was cancelled, say); False once it is under
    way or finished. The caller commits."""
    cancelled = db.session.execute(
        sa.update(SubscribeMessage)
        .where(SubscribeMessage.id == message_id, SubscribeMessage.state == SCHEDULED)
        .values(state=CANCELLED, finished_at=clock.now())
        .returning(SubscribeMessage.id)
    ).first()
    return cancelled is not None


def state_of(message_id: int) -> str | None:
    return db.session.execute(sa.select(SubscribeMessage.state).where(SubscribeMessage.id == message_id)).scalar()


def _record_uncertain(payload: dict) -> None:
    _finish(payload["message_id"], UNCERTAIN, only_from=(SENDING, SCHEDULED))


@jobs.task(SEND_TASK, at_most_once=True, max_attempts=20, on_uncertain=_record_uncertain)
def send(payload: dict) -> None:
    message = _start(payload["message_id"])
    if message is None:
        return  # cancelled, or finished by an earlier attempt
    openid = db.session.execute(sa.select(Worker.openid).where(Worker.id == message.worker_id)).scalar()
    spec = templates().get(message.template)
    if not openid or spec is None:
        _finish(message.id, FAILED)
        raise jobs.GiveUp("no such worker" if not openid else f"template {message.template!r} is not configured")
    try:
        wechat.send_subscribe_message(openid, spec["id"], _fields(spec, message.data), page=message.page or spec.get("page"))
    except WeChatUnavailable as exc:
        if not exc.unsent:
            raise  # may have been delivered: the queue records it uncertain (_record_uncertain)
        _retry_or_fail(message, exc.errcode)
    except WeChatRejected as exc:
        _finish(message.id, REFUSED if exc.errcode == NOT_SUBSCRIBED else FAILED, errcode=exc.errcode)
        raise jobs.GiveUp(f"WeChat refused: errcode {exc.errcode}") from None
    _finish(message.id, SENT)


def _start(message_id: int) -> SubscribeMessage | None:
    """Mark the attempt under way, committed before WeChat is called, so a cancel that comes
    now finds the message taken and says so."""
    started = db.session.execute(
        sa.update(SubscribeMessage)
        .where(SubscribeMessage.id == message_id, SubscribeMessage.state == SCHEDULED)
        .values(state=SENDING, attempts=SubscribeMessage.attempts + 1)
        .returning(SubscribeMessage)
    ).scalar()
    db.session.commit()
    return started


def _retry_or_fail(message: SubscribeMessage, errcode: int | None) -> None:
    if message.attempts >= current_app.config["SUBSCRIBE_SEND_ATTEMPTS"]:
        _finish(message.id, FAILED, errcode=errcode)
        raise jobs.GiveUp("WeChat stayed unavailable")
    _finish(message.id, SCHEDULED, errcode=errcode, only_from=(SENDING,))
    raise jobs.NotDone("WeChat unavailable before the send")


def _finish(message_id: int, state: str, *, errcode: int | None = None, only_from: tuple[str, ...] = (SENDING,)) -> None:
    values = {"state": state, "errcode": errcode}
    if state != SCHEDULED:
        values["finished_at"] = clock.now()
    db.session.execute(
        sa.update(SubscribeMessage).where(SubscribeMessage.id == message_id, SubscribeMessage.state.in_(only_from)).values(**values)
    )
    db.session.commit()


def _template(key: str) -> dict:
    try:
        return templates()[key]
    except KeyError:
        raise UnknownTemplate(key) from None


def _fields(spec: dict, data: dict) -> dict[str, str]:
    """The template's keywords filled from the semantic names, each cut to WeChat's limit for
    its kind (a station's name longer than a `thing` would be refused whole)."""
    out = {}
    for name, keyword in spec["fields"].items():
        value = str(data.get(name, "")) or "-"
        limit = VALUE_LIMITS.get(keyword.rstrip("0123456789"))
        out[keyword] = value if limit is None or len(value) <= limit else value[: limit - 1] + "…"
    return out
