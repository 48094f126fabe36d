"""Checking, recording and dispatching WeChat's message pushes (WECHAT.md "Message push").

A push is taken when, in order:
1. the signature matches: sha1 of sorted [Token, timestamp, nonce] (`signature`, every request);
2. its timestamp is within WECHAT_PUSH_MAX_AGE_SECONDS of our clock (an old capture is refused);
3. in secure mode (and for encrypted pushes in compatible mode) `msg_signature` covers the
   ciphertext and it decrypts with our EncodingAESKey and appid (wechatpy's WeChatCrypto);
4. it was not processed before: the same message again (WeChat retries a push it got no answer
   to) is answered `success` and not processed twice; the same signature with another body (a
   captured signature, reused) is refused.
Then the handlers registered for its `Event` run in the transaction that records it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import timedelta

import sqlalchemy as sa
import xmltodict
from flask import current_app
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

from app.core import clock, jobs, wechat_events
from app.errors import AuthenticationFailed, DomainError
from app.extensions import db
from app.wechat_push.models import ProcessedPush

log = logging.getLogger(__name__)


class PushRefused(AuthenticationFailed):
    code = "unauthorized"
    message = "微信推送验证失败"


class BadPush(DomainError):
    code = "bad_push"
    message = "微信推送内容无法解析"


def _config(name: str):
    return current_app.config[name]


def signature_ok(args) -> bool:
    """Steps 1 and 2: the request's signature and timestamp."""
    token = _config("WECHAT_PUSH_TOKEN")
    signature, timestamp, nonce = (args.get(k) or "" for k in ("signature", "timestamp", "nonce"))
    if not token:
        log.warning("WeChat push refused: WECHAT_PUSH_TOKEN is not configured")
        return False
    if not (signature and timestamp and nonce) or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    expected = _sha1(token, timestamp, nonce)
    if not hmac.compare_digest(expected, signature):
        return False
    age = abs(clock.now().timestamp() - int(timestamp))
    if age > _config("WECHAT_PUSH_MAX_AGE_SECONDS"):
        log.warning("WeChat push refused: timestamp %s is %.0f s away from now", timestamp, age)
        return False
    return True


def echo(args) -> str:
    """The URL check (GET): answer the echostr once the signature has been checked."""
    echostr = args.get("echostr")
    if not echostr:
        raise BadPush("缺少 echostr")
    return echostr


def receive(args, body: bytes) -> wechat_events.PushEvent | None:
    """Steps 3 and 4 and the dispatch, for a push whose signature was checked (signature_ok).
    The event, or None when it was a repeat of one already processed."""
    text = _text(body)
    encrypted = args.get("encrypt_type") == "aes"
    mode = _config("WECHAT_PUSH_MODE")
    if mode == "secure" and not encrypted:
        raise PushRefused("安全模式下只接受加密推送")
    if mode == "plain" and encrypted:
        raise BadPush("明文模式下不接受加密推送")
    is_json = text.lstrip().startswith("{")
    outer = _parse(text, is_json)
    if encrypted:
        text = _decrypt(outer, args)
        is_json = text.lstrip().startswith("{")
        message = _parse(text, is_json)
    else:
        message = outer
    event = _event(message)
    if _record(message, args, event.name):
        wechat_events.dispatch(event)
        db.session.commit()
        return event
    return None


def _record(message: dict, args, event_name: str) -> bool:
    """Insert the processed-push row (uncommitted: it commits with what the handlers do); False
    if this message was processed before."""
    digest = hashlib.sha256(json.dumps(message, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    signed = "\n".join(args.get(k) or "" for k in ("timestamp", "nonce", "signature"))
    row = {
        "digest": digest,
        "signature_digest": hashlib.sha256(signed.encode()).hexdigest(),
        "event": event_name[:64],
        "received_at": clock.now(),
    }
    table = ProcessedPush.__table__
    try:
        with db.session.begin_nested():
            inserted = db.session.execute(
                insert(table).values(**row).on_conflict_do_nothing(index_elements=[table.c.digest]).returning(table.c.id)
            ).first()
    except IntegrityError:
        # The signature of an earlier push, carrying another message: a replay with a new body.
        db.session.rollback()
        raise PushRefused("推送签名已使用过") from None
    if inserted is None:
        db.session.rollback()
        log.info("WeChat push %r: already processed, answered again", event_name)
        return False
    return True


def _text(body: bytes) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadPush() from None
    if not text.strip():
        raise BadPush("推送内容为空")
    return text


def _parse(text: str, is_json: bool) -> dict:
    try:
        data = json.loads(text) if is_json else xmltodict.parse(text, disable_entities=True).get("xml")
    except (ValueError, xmltodict.expat.ExpatError):
        raise BadPush() from None
    if not isinstance(data, dict):
        raise BadPush()
    return data


def _decrypt(outer: dict, args) -> str:
    if not isinstance(outer.get("Encrypt"), str) or not args.get("msg_signature"):
        raise BadPush("加密推送缺少 Encrypt 或 msg_signature")
    crypto = WeChatCrypto(_config("WECHAT_PUSH_TOKEN"), _config("WECHAT_PUSH_AES_KEY"), _config("WECHAT_APPID"))
    try:
        return crypto.decrypt_message({"Encrypt": outer["Encrypt"]}, args["msg_signature"], args["timestamp"], args["nonce"])
    except (InvalidSignatureException, InvalidAppIdException):
        raise PushRefused() from None
    except Exception:  # bad base64, bad padding, bad length: not a push of ours
        raise BadPush("加密推送无法解密") from None


def _event(message: dict) -> wechat_events.PushEvent:
    name = message.get("Event") or message.get("MsgType") or "unknown"
    openid = message.get("OpenID") or message.get("FromUserName")
    created = message.get("CreateTime")
    return wechat_events.PushEvent(
        name=str(name),
        openid=str(openid) if openid else None,
        created_at=int(created) if str(created).isdigit() else None,
        data=message,
    )


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


@jobs.task("wechat_push.prune", cron="17 19 * * *")  # daily, 03:17 China time
def prune(payload: dict | None = None) -> int:
    """Forget processed pushes older than WECHAT_PUSH_KEEP_DAYS: far past any retry (WeChat
    retries within minutes) or replay (the timestamp window) they could answer."""
    before = clock.now() - timedelta(days=_config("WECHAT_PUSH_KEEP_DAYS"))
    result = db.session.execute(sa.delete(ProcessedPush).where(ProcessedPush.received_at < before))
    db.session.commit()
    return result.rowcount
