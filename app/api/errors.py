"""One error shape for the whole API: {"error": {"code", "message", "details"?}}.

Domain errors from services get their HTTP status here; HTTP errors from the framework
(validation, auth, 404/405, 429) go through APIFlask's error processor; anything else is
logged and answered with a generic 500 that never carries the exception's text."""

from __future__ import annotations

import logging

from apiflask import APIFlask, HTTPError
from flask import abort, request
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.adapters.wechat import WeChatCodeInvalid, WeChatRateLimited, WeChatRejected, WeChatUnavailable, WeChatUserBlocked
from app.errors import AuthenticationFailed, Conflict, DomainError, Forbidden, Gone, InvalidInput, Misconfigured, NotFound, RateLimited

log = logging.getLogger(__name__)

DOMAIN_STATUS = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    AuthenticationFailed: 401,
    Gone: 410,
    Misconfigured: 503,
    WeChatUnavailable: 503,
    WeChatRejected: 502,
    WeChatCodeInvalid: 401,
    WeChatRateLimited: 429,
    RateLimited: 429,
    WeChatUserBlocked: 403,
}

# Codes and Chinese messages for the framework's HTTP errors.
HTTP_ERRORS = {
    400: ("bad_request", "请求格式有误"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限执行该操作"),
    404: ("not_found", "请求的地址不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("payload_too_large", "上传内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("validation_error", "提交的数据有误，请检查后重试"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误，请稍后再试"),
    503: ("service_unavailable", "服务暂时不可用，请稍后再试"),
}


# The database cannot be reached (down, restarting, refusing, or too slow to connect).
DATABASE_UNAVAILABLE = ("database_unavailable", "数据库暂时不可用，请稍后再试")
DATABASE_RETRY_AFTER = 5  # seconds


def database_unreachable(error: BaseException) -> bool:
    """A connection problem rather than a bad statement: refused, dropped, timed out."""
    if isinstance(error, PoolTimeout | OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__


def error_body(code: str, message: str, details=None) -> dict:
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return {"error": body}


def status_of(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in DOMAIN_STATUS:
            return DOMAIN_STATUS[cls]
    return 400


def register_error_handlers(app: APIFlask) -> None:
    @app.before_request
    def _refuse_nul_in_path():
        # No route names a NUL character, and PostgreSQL cannot compare one (psycopg raises, a
        # 500): a path with one is a path that does not exist. Query and body strings are
        # refused by the schemas' String field (422).
        if "\x00" in request.path:
            abort(404)

    @app.error_processor
    def _http_error(error: HTTPError):
        code, message = HTTP_ERRORS.get(error.status_code, ("http_error", "请求无法处理"))
        details = _field_errors(error.detail) or None
        if error.extra_data.get("code"):
            code, message = error.extra_data["code"], error.message
        return error_body(code, message, details), error.status_code, error.headers

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        # Errors that pass with time (WeChat down, rate limits) say when to try again.
        retry_after = getattr(error, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else {}
        return error_body(error.code, error.message, error.details), status_of(error), headers

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(error: RateLimitExceeded):
        code, message = HTTP_ERRORS[429]
        if error.limit.error_message:
            code, message = "login_locked", error.description
        headers = {"Retry-After": str(_retry_after(error))}
        return error_body(code, message), 429, headers

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def _database_down(error: SQLAlchemyError):
        if not database_unreachable(error):
            return _unexpected(error)
        # One line, no traceback: an outage would otherwise flood the log with identical stacks.
        log.error("database unavailable on %s %s: %s", request.method, request.path, _first_line(error))
        return error_body(*DATABASE_UNAVAILABLE), 503, {"Retry-After": str(DATABASE_RETRY_AFTER)}

    @app.teardown_appcontext
    def _close_session(_exc):
        # Registered after Flask-SQLAlchemy's own teardown, so it runs first. Rolling back on a
        # connection the database dropped raises; the answer is already made (a visit may have
        # been committed and answered 201), so that must not turn it into a 500.
        from app.extensions import db

        try:
            db.session.remove()
        except SQLAlchemyError as error:
            log.warning("database connection lost while closing the session: %s", _first_line(error))
            db.session.registry.clear()

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        code, message = HTTP_ERRORS[500]
        return error_body(code, message), 500


REQUEST_LOCATIONS = {"json", "query", "form", "files", "headers", "cookies", "path", "json_or_form", "view_args"}


def _field_errors(detail):
    """webargs nests field errors under where they came from ({"json": {"name": [...]}}); the
    services report {"name": [...]}. Clients get the second shape from both."""
    if isinstance(detail, dict) and detail and set(detail) <= REQUEST_LOCATIONS:
        merged: dict = {}
        for fields in detail.values():
            merged.update(fields if isinstance(fields, dict) else {"_request": fields})
        return merged
    return detail


def _retry_after(error: RateLimitExceeded) -> int:
    # Flask-Limiter has already computed the reset time for its own headers.
    window = getattr(error.limit.limit, "get_expiry", lambda: 60)()
    return max(1, int(window))
