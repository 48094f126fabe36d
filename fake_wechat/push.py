"""WeChat's message push, faked: the asynchronous media check (`POST wxa/media_check_async`,
whose verdict WeChat pushes later) and the pushes themselves, sent to the callback URL configured
as in the admin console (URL, Token, EncodingAESKey, mode, data format), signed — and in secure
mode encrypted — the way WECHAT.md describes.

The encryption is written here from the description (AES-256-CBC, PKCS#7 to 32 bytes, 16 random
bytes + length + message + appid), not borrowed from wechatpy, so a test of the app's decryption
(which uses wechatpy) checks two independent implementations against each other.

Control API (beside fake_wechat/control.py's):
  POST /__control/push/config        {url?, token?, aes_key?, mode?: plain|compatible|secure, format?: json|xml}
  GET  /__control/media_checks       the media checks the app asked for
  POST /__control/media_checks/<trace_id>/verdict   {suggest, label?}: push wxa_media_check now
  POST /__control/push/events        {event, openid, revoke_info?}: push an authorisation change
  GET  /__control/pushes             every push sent: its query, body and the app's answer
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import struct
import threading
from dataclasses import dataclass, field

import requests
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from flask import Blueprint, current_app, jsonify

from fake_wechat import wechat_api
from fake_wechat.control import BadRequest, body, integer, text
from fake_wechat.state import DEFAULT_LABELS, SEVERITY

DEFAULT_PUSH_URL = "http://127.0.0.1:8000/api/wechat/push"  # `make run`'s app
DEFAULT_PUSH_TOKEN = "yizhan-fake-push-token"
DEFAULT_PUSH_AES_KEY = "YizhanFakeWeChatPushEncodingAESKey123456789"
MODES = ("plain", "compatible", "secure")
FORMATS = ("json", "xml")
AUTHORIZATION_EVENTS = ("user_info_modified", "user_authorization_revoke", "user_authorization_cancellation")
ORIGINAL_ID = "gh_fake00000000"  # the mini-program's original id (ToUserName)
PUSH_TIMEOUT = 5  # seconds; WeChat itself waits about five

control_bp = Blueprint("push_control", __name__, url_prefix="/__control")


@dataclass
class PushState:
    url: str = field(default_factory=lambda: os.environ.get("FAKE_WECHAT_PUSH_URL", DEFAULT_PUSH_URL))
    token: str = field(default_factory=lambda: os.environ.get("FAKE_WECHAT_PUSH_TOKEN", DEFAULT_PUSH_TOKEN))
    aes_key: str = field(default_factory=lambda: os.environ.get("FAKE_WECHAT_PUSH_AES_KEY", DEFAULT_PUSH_AES_KEY))
    mode: str = field(default_factory=lambda: os.environ.get("FAKE_WECHAT_PUSH_MODE", "secure"))
    format: str = field(default_factory=lambda: os.environ.get("FAKE_WECHAT_PUSH_FORMAT", "json"))
    media_checks: dict[str, dict] = field(default_factory=dict)
    pushes: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            fresh = PushState()
            for name in self.__dataclass_fields__:
                if name != "lock":
                    setattr(self, name, getattr(fresh, name))


def push_state() -> PushState:
    return current_app.extensions["fake_wechat_push"]


# --- the WeChat API side -------------------------------------------------------------------------


@wechat_api.bp.post("/wxa/media_check_async")
def media_check_async():
    if (problem := wechat_api._token_problem()) is not None:
        return problem
    data, st = wechat_api._body(), wechat_api.state()
    if data is None or not isinstance(data.get("media_url"), str) or not data["media_url"].startswith(("http://", "https://")):
        return wechat_api.error(47001)
    if data.get("media_type") not in (1, 2) or data.get("version") != 2 or data.get("scene") not in (1, 2, 3, 4):
        return wechat_api.error(47001)
    openid = data.get("openid")
    if not isinstance(openid, str) or not st.known_openid(openid):
        return wechat_api.error(43104)
    if not st.recently_active(openid):
        return wechat_api.error(61010)
    trace_id = secrets.token_hex(12)
    check = {key: data[key] for key in ("media_url", "media_type", "scene", "openid")}
    with push_state().lock:
        push_state().media_checks[trace_id] = {**check, "trace_id": trace_id, "submitted_at": st.now()}
    return wechat_api.ok(trace_id=trace_id)


# --- control --------------------------------------------------------------------------------------


@control_bp.post("/push/config")
def configure():
    data, ps = body(), push_state()
    for name in ("url", "token", "aes_key"):
        if name in data:
            setattr(ps, name, text(data, name))
    if "mode" in data:
        if data["mode"] not in MODES:
            raise BadRequest(f"mode must be one of {MODES}")
        ps.mode = data["mode"]
    if "format" in data:
        if data["format"] not in FORMATS:
            raise BadRequest(f"format must be one of {FORMATS}")
        ps.format = data["format"]
    if ps.mode != "plain" and len(ps.aes_key) != 43:
        raise BadRequest("aes_key must be 43 characters")
    return jsonify(url=ps.url, mode=ps.mode, format=ps.format)


@control_bp.get("/media_checks")
def media_checks():
    with push_state().lock:
        return jsonify(media_checks=list(push_state().media_checks.values()))


@control_bp.post("/media_checks/<trace_id>/verdict")
def media_verdict(trace_id: str):
    """WeChat has looked at the media: push its verdict {suggest, label?} to the callback URL."""
    data = body()
    check = push_state().media_checks.get(trace_id)
    if check is None:
        raise BadRequest("no media check with this trace_id")
    suggest = data.get("suggest")
    if suggest not in SEVERITY:
        raise BadRequest(f"suggest must be one of {sorted(SEVERITY)}")
    label = integer(data, "label", DEFAULT_LABELS[suggest])
    result = {"suggest": suggest, "label": label}
    message = {
        **_event_head(check["openid"], "wxa_media_check"),
        "appid": wechat_api.state().appid,
        "trace_id": trace_id,
        "version": 2,
        "detail": [{"strategy": "content_model", "errcode": 0, **result, "prob": 90}],
        "errcode": 0,
        "errmsg": "ok",
        "result": result,
    }
    return jsonify(_push(message))


@control_bp.post("/push/events")
def authorization_event():
    """The user changed an authorisation: {event, openid, revoke_info?} pushed to the callback URL."""
    data = body()
    event = data.get("event")
    if event not in AUTHORIZATION_EVENTS:
        raise BadRequest(f"event must be one of {AUTHORIZATION_EVENTS}")
    openid = text(data, "openid")
    message = {**_event_head(openid, event), "OpenID": openid, "AppID": wechat_api.state().appid}
    if event == "user_authorization_revoke":
        message["RevokeInfo"] = str(integer(data, "revoke_info", 13))  # 13: location
    return jsonify(_push(message))


@control_bp.get("/pushes")
def pushes():
    with push_state().lock:
        return jsonify(pushes=list(push_state().pushes))


# --- sending ---------------------------------------------------------------------------------------


def _event_head(openid: str, event: str) -> dict:
    return {
        "ToUserName": ORIGINAL_ID,
        "FromUserName": openid,
        "CreateTime": int(wechat_api.state().now()),
        "MsgType": "event",
        "Event": event,
    }


def _push(message: dict) -> dict:
    """Sign (and encrypt) the message as the admin console says, POST it, report the answer."""
    ps = push_state()
    timestamp, nonce = str(int(wechat_api.state().now())), secrets.token_hex(8)
    query = {"signature": _sha1(ps.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    plaintext = _render(message, ps.format)
    if ps.mode == "plain":
        payload = message
    else:
        encrypted = encrypt(plaintext, ps.aes_key, wechat_api.state().appid)
        query |= {"encrypt_type": "aes", "msg_signature": _sha1(ps.token, timestamp, nonce, encrypted)}
        payload = {"ToUserName": ORIGINAL_ID, "Encrypt": encrypted}
        if ps.mode == "compatible":
            payload = {**message, **payload}
    content = _render(payload, ps.format)
    content_type = "application/json" if ps.format == "json" else "text/xml"
    record = {"url": ps.url, "query": query, "body": content, "content_type": content_type, "message": message}
    try:
        answer = requests.post(ps.url, params=query, data=content.encode(), headers={"Content-Type": content_type}, timeout=PUSH_TIMEOUT)
        record |= {"status": answer.status_code, "answer": answer.text[:500]}
    except requests.RequestException as exc:
        record |= {"status": None, "answer": f"{type(exc).__name__}"}
    with ps.lock:
        ps.pushes.append(record)
    return record


def _render(message: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(message, ensure_ascii=False)
    return f"<xml>{_xml_children(message)}</xml>"


def _xml_children(node: dict) -> str:
    out = []
    for key, value in node.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                inner = _xml_children(item)
            elif isinstance(item, int | float) and not isinstance(item, bool):
                inner = str(item)
            else:
                inner = f"<![CDATA[{item}]]>"
            out.append(f"<{key}>{inner}</{key}>")
    return "".join(out)


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def encrypt(plaintext: str, aes_key: str, appid: str) -> str:
    """WeChat's message encryption (WECHAT.md): base64 of AES-256-CBC over 16 random bytes, the
    message's length (4 bytes, big-endian), the message and the appid, PKCS#7-padded to 32 bytes;
    key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes."""
    key = base64.b64decode(aes_key + "=")
    message = plaintext.encode()
    raw = secrets.token_bytes(16) + struct.pack(">I", len(message)) + message + appid.encode()
    pad = 32 - len(raw) % 32
    raw += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode()
