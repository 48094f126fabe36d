"""WeChat's server API for the mini-program, through wechatpy 1.8.18 (see docs/wechat.md).

Every wechatpy detail stays in this module. The gateway answers plain values and raises domain
errors: `WeChatUnavailable` when WeChat cannot be reached or is failing (the worker should try
again later), `WeChatRejected` when WeChat refused the request itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import redis
import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

from app.core import error_codes
from app.core.errors import DomainError

log = logging.getLogger(__name__)

T = TypeVar("T")

# 40001 invalid credential, 40014 invalid token, 42001 expired token: refetch, retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# WeChat busy, or our app's call quota spent: nothing wrong with the request, try later.
BUSY_ERRORS = frozenset({-1, 45009})


# Errors ---------------------------------------------------------------------------------------


class WeChatError(DomainError):
    code = error_codes.WECHAT_ERROR
    message = "微信服务返回错误，请稍后再试"

    def __init__(self, message: str | None = None, *, code: str | None = None, errcode: int | None = None):
        super().__init__(message, code=code, details={"errcode": errcode} if errcode is not None else None)
        self.errcode = errcode


class WeChatUnavailable(WeChatError):
    """Network error, timeout, HTTP 5xx or WeChat busy: answered 503 with Retry-After.

    `unsent` is True only when the request certainly had no effect — the connection was refused
    or timed out before the request was written, or WeChat answered "busy" — so a one-time send
    may be tried again; after a read timeout or a 5xx nobody knows."""

    code = error_codes.WECHAT_UNAVAILABLE
    message = "微信服务暂时不可用，请稍后再试"
    retry_after = 5  # seconds, for the Retry-After header

    def __init__(self, message: str | None = None, *, code: str | None = None, errcode: int | None = None, unsent: bool = False):
        super().__init__(message, code=code, errcode=errcode)
        self.unsent = unsent


class WeChatRejected(WeChatError):
    """WeChat answered with an errcode: the request (or our configuration) was refused."""


class WeChatCodeInvalid(WeChatRejected):
    code = error_codes.WECHAT_CODE_INVALID
    message = "登录凭证无效或已使用，请重新登录"


class WeChatRateLimited(WeChatRejected):
    code = error_codes.WECHAT_RATE_LIMITED
    message = "登录过于频繁，请稍后再试"
    retry_after = 60


class WeChatUserBlocked(WeChatRejected):
    code = error_codes.WECHAT_USER_BLOCKED
    message = "该微信账号存在风险，暂时无法使用"


# errcode -> (class, code, message); code and message None: the class's own.
REJECTIONS: dict[int, tuple[type[WeChatRejected], str | None, str | None]] = {
    40029: (WeChatCodeInvalid, None, None),
    40163: (WeChatCodeInvalid, None, None),
    45011: (WeChatRateLimited, None, None),
    40226: (WeChatUserBlocked, None, None),
    40169: (WeChatRejected, "wechat_bad_scene", "小程序码参数过长"),
    40129: (WeChatRejected, "wechat_bad_scene", "小程序码参数含有不允许的字符"),
    41030: (WeChatRejected, "wechat_bad_page", "小程序页面路径不正确或未发布"),
    40097: (WeChatRejected, "wechat_bad_request", "请求微信的参数有误"),
    47001: (WeChatRejected, "wechat_bad_request", "请求微信的参数有误"),
    43101: (WeChatRejected, "wechat_not_subscribed", "用户未订阅该消息"),
    47003: (WeChatRejected, "wechat_bad_message", "订阅消息内容不符合要求"),
    40003: (WeChatRejected, "wechat_bad_openid", "微信用户标识无效"),
    40037: (WeChatRejected, "wechat_bad_template", "订阅消息模板无效"),
    61010: (WeChatRejected, "wechat_user_inactive", "用户近期未使用小程序，无法完成内容检查"),
    43104: (WeChatRejected, "wechat_bad_openid", "微信用户与小程序不匹配"),
    40013: (WeChatRejected, "wechat_misconfigured", "微信接口配置有误，请联系管理员"),
    40125: (WeChatRejected, "wechat_misconfigured", "微信接口配置有误，请联系管理员"),
    40164: (WeChatRejected, "wechat_misconfigured", "微信接口配置有误，请联系管理员"),
}


def rejection(errcode: int) -> WeChatRejected:
    cls, code, message = REJECTIONS.get(errcode, (WeChatRejected, None, None))
    return cls(message, code=code, errcode=errcode)


# Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WxSession:
    """Who logged in. WeChat's session_key is deliberately not kept: nothing here needs it."""

    openid: str
    unionid: str | None = None


@dataclass(frozen=True)
class TextVerdict:
    suggest: str  # pass | review | risky
    label: int  # 100 is normal; others name the kind of problem

    @property
    def passed(self) -> bool:
        return self.suggest == "pass"


# wechatpy, pointed at our configured server ---------------------------------------------------


class _TimeoutAdapter(HTTPAdapter):
    """wechatpy's token fetch passes no timeout; this gives every request on the session one."""

    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def send(self, request, timeout=None, **kwargs):
        return super().send(request, timeout=timeout or self._timeout, **kwargs)


class _Client(WeChatClient):
    """WeChatClient with both base URLs and the token URL from configuration (WeChatWxa has its
    own base URL that wins over the client's), and wechatpy's unbounded retry off."""

    def __init__(self, appid: str, secret: str, *, api_base: str, timeout: float, session: SessionStorage):
        super().__init__(appid, secret, session=session, timeout=timeout, auto_retry=False)
        self.api_base = api_base
        self.API_BASE_URL = f"{api_base}cgi-bin/"
        self.wxa.API_BASE_URL = api_base
        adapter = _TimeoutAdapter(timeout)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)

    def fetch_access_token(self):
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        return self._fetch_access_token(url=f"{self.api_base}cgi-bin/token", params=params)


_UNAVAILABLE = object()


class _SharedTokenStorage(SessionStorage):
    """The token in Redis, shared by every worker (a worker fetching its own would invalidate
    the others'); kept in the process too, so a Redis outage costs a refetch, not an error.
    After a Redis error, Redis is left alone for a while: each failing call can take seconds."""

    PAUSE_AFTER_ERROR = 30  # seconds

    def __init__(self, client: redis.Redis, prefix: str):
        self._redis = RedisStorage(client, prefix=prefix)
        self._local = MemoryStorage()
        self._paused_until = 0.0

    def get(self, key, default=None):
        value = self._shared(lambda: self._redis.get(key, default))
        return self._local.get(key, default) if value is _UNAVAILABLE else value

    def set(self, key, value, ttl=None):
        self._local.set(key, value, ttl)
        self._shared(lambda: self._redis.set(key, value, ttl))

    def delete(self, key):
        self._local.delete(key)
        self._shared(lambda: self._redis.delete(key))

    def _shared(self, operation):
        if time.monotonic() < self._paused_until:
            return _UNAVAILABLE
        try:
            return operation()
        except redis.RedisError:
            log.warning("wechat token: redis unavailable, using this process's copy for %ss", self.PAUSE_AFTER_ERROR)
            self._paused_until = time.monotonic() + self.PAUSE_AFTER_ERROR
            return _UNAVAILABLE


def token_storage(redis_client: redis.Redis | None, prefix: str) -> SessionStorage:
    return _SharedTokenStorage(redis_client, prefix) if redis_client is not None else MemoryStorage()


# The gateway ----------------------------------------------------------------------------------


class WeChatGateway:
    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        api_base: str,
        timeout: float = 3.0,
        redis_client: redis.Redis | None = None,
        key_prefix: str = "yizhan",
    ):
        api_base = api_base if api_base.endswith("/") else api_base + "/"
        storage = token_storage(redis_client, f"{key_prefix}:wechat")
        self._client = _Client(appid, secret, api_base=api_base, timeout=timeout, session=storage)

    @classmethod
    def from_app(cls, app, **overrides) -> WeChatGateway:
        config, store = app.config, app.extensions.get("redis_store")
        settings = {
            "api_base": config["WECHAT_API_BASE"],
            "timeout": float(config["WECHAT_TIMEOUT"]),
            "redis_client": store.client if store else None,
            "key_prefix": config["REDIS_KEY_PREFIX"],
        }
        settings.update(overrides)
        return cls(config["WECHAT_APPID"], config["WECHAT_SECRET"], **settings)

    def code_to_session(self, js_code: str) -> WxSession:
        """Exchange a wx.login() code for the user's openid (and unionid when there is one)."""
        if not js_code:
            raise WeChatCodeInvalid(errcode=40029)
        # jscode2session needs no access token, but wechatpy adds (and first fetches) one to any
        # params dict lacking the key: a present-but-None token stops that (requests drops None
        # params), so a token or Redis outage does not also break login.
        params = {
            "appid": self._client.appid,
            "secret": self._client.secret,
            "js_code": js_code,
            "grant_type": "authorization_code",
            "access_token": None,
        }
        result = self._call("sns/jscode2session", lambda: self._client.wxa._get("sns/jscode2session", params=params))
        openid = result.get("openid") if isinstance(result, dict) else None
        if not openid:
            raise self._unexpected("sns/jscode2session")
        return WxSession(openid=openid, unionid=result.get("unionid") or None)

    def get_unlimited_code(
        self,
        scene: str,
        page: str | None = None,
        width: int = 430,
        env_version: str = "release",
        check_path: bool = True,
    ) -> bytes:
        """A mini-program code (image bytes, JPEG from WeChat) that opens `page` with `scene`."""
        data = {"scene": scene, "width": width, "env_version": env_version, "check_path": check_path}
        if page:
            data["page"] = page
        # wechatpy 1.8.18's get_wxa_code_unlimited lacks check_path and env_version.
        answer = self._call("wxa/getwxacodeunlimit", lambda: self._client.wxa._post("wxa/getwxacodeunlimit", data=data))
        if not isinstance(answer, requests.Response) or not answer.headers.get("Content-Type", "").startswith("image/"):
            raise self._unexpected("wxa/getwxacodeunlimit")
        return answer.content

    def check_text(self, content: str, openid: str, scene: int = 2) -> TextVerdict:
        """msgSecCheck v2 (not in wechatpy 1.8.18). Scene 2 is "comment", what ratings carry."""
        data = {"content": content, "version": 2, "scene": scene, "openid": openid}
        result = self._call("wxa/msg_sec_check", lambda: self._client.wxa._post("wxa/msg_sec_check", data=data))
        verdict = result.get("result") if isinstance(result, dict) else None
        if not isinstance(verdict, dict) or verdict.get("suggest") not in ("pass", "review", "risky"):
            raise self._unexpected("wxa/msg_sec_check")
        return TextVerdict(suggest=verdict["suggest"], label=int(verdict.get("label") or 0))

    def send_subscribe_message(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, str | Mapping],
        page: str | None = None,
        miniprogram_state: str = "formal",
    ) -> None:
        """Send one subscribe message; values may be given bare ({"thing1": "..."})."""
        body = {
            "touser": openid,
            "template_id": template_id,
            "data": {k: v if isinstance(v, Mapping) else {"value": v} for k, v in data.items()},
            "miniprogram_state": miniprogram_state,
            "lang": "zh_CN",
        }
        if page:
            body["page"] = page
        path = "cgi-bin/message/subscribe/send"
        self._call(path, lambda: self._client.wxa._post(path, data=body))

    # plumbing ------------------------------------------------------------------------------

    def _call(self, api: str, request: Callable[[], T]) -> T:
        """One call, and on a token error one refetch and one retry: never more (wechatpy's own
        retry recurses without limit, and every refetch invalidates the token other workers hold)."""
        try:
            return self._attempt(api, request)
        except WeChatRejected as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("wechat %s: access token refused (%s), refetching once", api, exc.errcode)
        self._attempt("cgi-bin/token", self._client.fetch_access_token)
        return self._attempt(api, request)

    def _attempt(self, api: str, request: Callable[[], T]) -> T:
        # `from None` throughout: requests' messages carry the URL, and some URLs carry the secret.
        try:
            return request()
        except WeChatClientException as exc:
            raise self._translate(api, exc) from None
        except requests.RequestException as exc:
            log.warning("wechat %s unreachable: %s", api, type(exc).__name__)
            raise WeChatUnavailable(unsent=_never_sent(exc)) from None

    @staticmethod
    def _translate(api: str, exc: WeChatClientException) -> WeChatError:
        if exc.errcode is None:  # a non-2xx HTTP answer
            status = getattr(exc.response, "status_code", None)
            log.warning("wechat %s answered HTTP %s", api, status)
            return WeChatUnavailable()
        errcode = int(exc.errcode)
        if errcode in BUSY_ERRORS:
            log.warning("wechat %s busy: errcode %s", api, errcode)
            return WeChatUnavailable(errcode=errcode, unsent=True)
        error = rejection(errcode)
        level = logging.ERROR if error.code == "wechat_misconfigured" else logging.INFO
        log.log(level, "wechat %s refused: errcode %s %s", api, errcode, exc.errmsg)
        return error

    @staticmethod
    def _unexpected(api: str) -> WeChatUnavailable:
        log.warning("wechat %s: unexpected answer", api)
        return WeChatUnavailable()


def _never_sent(exc: requests.RequestException) -> bool:
    """The connection failed before the request was written (refused, unresolvable, connect
    timeout): WeChat never saw it. A dropped connection or a read timeout may follow a send."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if isinstance(exc, requests.ConnectionError) and exc.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


class WeChat:
    """The Flask extension: `wechat.code_to_session(...)` uses the current app's gateway."""

    def init_app(self, app) -> None:
        app.extensions["wechat"] = WeChatGateway.from_app(app)

    @property
    def gateway(self) -> WeChatGateway:
        return current_app.extensions["wechat"]

    def code_to_session(self, js_code: str) -> WxSession:
        return self.gateway.code_to_session(js_code)

    def get_unlimited_code(self, scene: str, **kwargs) -> bytes:
        return self.gateway.get_unlimited_code(scene, **kwargs)

    def check_text(self, content: str, openid: str) -> TextVerdict:
        return self.gateway.check_text(content, openid)

    def send_subscribe_message(self, openid: str, template_id: str, data, page: str | None = None) -> None:
        self.gateway.send_subscribe_message(openid, template_id, data, page=page)
