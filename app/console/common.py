"""What every console page shares: the acting staff member, errors shown as pages in Chinese,
labels for codes, and small helpers for forms."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app, flash, g, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.accounts.actor import Actor
from app.api.errors import status_of
from app.console import bp
from app.core import clock
from app.core.errors import DomainError
from app.reference import data as ref

DISTRICT_NAMES = {d.code: d.name for d in ref.DISTRICTS}
LABELS = {
    "status": ref.names(ref.STATION_STATUSES),
    "host_type": ref.names(ref.HOST_TYPES),
    "build_mode": {code: name for code, name, _ in ref.BUILD_MODES},
    "amenity": ref.names(ref.AMENITIES),
    "worker_group": ref.names(ref.WORKER_GROUPS),
    "six_has": ref.names(ref.SIX_HAS_ITEMS),
    "comment_status": ref.names(ref.RATING_COMMENT_STATUSES),
    "rating_tag": ref.names(ref.RATING_TAGS),
    "district": DISTRICT_NAMES,
    "water": {"available": "充足", "low": "不多", "out": "没有", "unknown": "未知"},
    "toilet": {"open": "可用", "cleaning": "清洁中", "closed": "关闭", "unknown": "未知"},
    "rest_seats": {"available": "有空位", "full": "已满", "unknown": "未知"},
    "station_state": {"open": "正常开放", "closed_temporarily": "临时关闭", "unknown": "未知"},
}
HTTP_MESSAGES = {
    400: "请求格式有误",
    403: "没有权限执行该操作",
    404: "页面不存在，或不属于本区县",
    405: "不支持该请求方法",
    413: "上传内容过大（最大 10 MB）",
}


def actor() -> Actor:
    return Actor(staff=g.staff, remote_addr=request.remote_addr)


def visible_districts() -> list[tuple[str, str]]:
    """The districts the signed-in staff member may choose: all for city staff, else their own."""
    staff = g.staff
    return [(d.code, d.name) for d in ref.DISTRICTS if staff.can_see_district(d.code)]


def field_errors(details) -> dict[str, list[str]]:
    """A service's or schema's errors, {field: [message]} (nested ones flattened onto their
    top-level field), for showing next to the fields."""
    out: dict[str, list[str]] = {}
    if not isinstance(details, dict):
        return out

    def collect(value) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [m for v in value for m in collect(v)]
        if isinstance(value, dict):
            return [m for v in value.values() for m in collect(v)]
        return []

    for name, value in details.items():
        out.setdefault(str(name), []).extend(collect(value))
    return out


def flash_error(error: DomainError) -> None:
    flash(error.message, "error")


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this console: never an absolute URL to elsewhere."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or target.startswith("//"):
        return default
    return target


@bp.app_template_filter("local_time")
def local_time(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            from datetime import UTC

            value = value.replace(tzinfo=UTC)
        return clock.china_time(value).strftime(fmt)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@bp.app_template_filter("label")
def label(code, kind: str) -> str:
    if code is None or code == "":
        return "—"
    return LABELS.get(kind, {}).get(code, code)


@bp.context_processor
def _console_globals():
    return {
        "staff": g.get("staff"),
        "labels": LABELS,
        "district_names": DISTRICT_NAMES,
        "tile_url": current_app.config.get("CONSOLE_TILE_URL") or "",
    }


def _problem(status: int, message: str, headers: dict | None = None):
    return render_template("console/problem.html", status=status, message=message), status, headers or {}


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    return _problem(status_of(error), error.message)


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError):
    return _problem(400, "页面已过期或来源不明（CSRF 校验未通过），请刷新页面后重试")


@bp.errorhandler(RateLimitExceeded)
def _rate_limited(error: RateLimitExceeded):
    from app.api.errors import retry_after_seconds

    retry = retry_after_seconds(error)
    if request.endpoint == "console.login_submit":
        from app.console.auth import render_login

        message = error.description if error.limit.error_message else "请求过于频繁，请稍后再试"
        return render_login(error=message, status=429, headers={"Retry-After": str(retry)})
    return _problem(429, "请求过于频繁，请稍后再试", {"Retry-After": str(retry)})


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    code = error.code or 500
    return _problem(code, HTTP_MESSAGES.get(code, error.description or "请求无法处理"))


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    import logging

    logging.getLogger(__name__).exception("unhandled error on %s %s", request.method, request.path)
    return _problem(500, "服务器内部错误，请稍后再试")
