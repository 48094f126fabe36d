"""Signing in to the console: the staff accounts of the API, a signed session cookie, and the
API's lock-out. The session names the account and its token version, so signing out anywhere
(console or API, which bump the version) ends it, and so does deactivating the account.

The lock-out is the API's own counters: the same Flask-Limiter limits under the API login's
scope and keys, so failures at the console and at POST /api/staff/v1/auth/login add up."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, session, url_for
from marshmallow import ValidationError

from app.accounts import staff as staff_service
from app.accounts.auth_schemas import LoginIn
from app.accounts.staff_models import StaffAccount
from app.api.views import auth as api_auth
from app.console import bp
from app.console.common import field_errors, safe_next
from app.core.errors import AuthenticationFailed
from app.extensions import db, limiter

# The bucket the API's login limits count in (Flask-Limiter names it after the endpoint).
API_LOGIN_SCOPE = f"{api_auth.bp.name}.{api_auth.login.__name__}"
LOCKED_MESSAGE = "登录失败次数过多，账号已暂时锁定，请稍后再试"
PUBLIC_ENDPOINTS = {"console.login", "console.login_submit", "console.static", "console.vendor"}


def _form_username() -> str:
    # The same key as the API's: login:<username as typed, trimmed, lower-case>.
    return f"login:{(request.form.get('username') or '').strip().lower()}"


def staff_for_session() -> StaffAccount | None:
    staff_id, version = session.get("staff_id"), session.get("token_version")
    if not isinstance(staff_id, int):
        return None
    staff = db.session.get(StaffAccount, staff_id)
    if staff is None or not staff.active or staff.token_version != version:
        return None
    return staff


@bp.before_request
def _require_sign_in():
    g.staff = staff_for_session()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.staff is None:
        session.pop("staff_id", None)
        return redirect(url_for("console.login", next=request.full_path.rstrip("?") if request.method == "GET" else None))
    return None


def render_login(error: str | None = None, errors: dict | None = None, status: int = 200, headers: dict | None = None):
    page = render_template(
        "console/login.html",
        error=error,
        errors=errors or {},
        username=request.form.get("username", ""),
        next=request.values.get("next", ""),
    )
    return page, status, headers or {}


@bp.get("/login")
def login():
    if g.staff is not None:
        return redirect(safe_next(request.args.get("next"), url_for("console.dashboard")))
    return render_login()


@bp.post("/login")
@limiter.shared_limit(lambda: current_app.config["LOGIN_ATTEMPTS_PER_IP"], scope=API_LOGIN_SCOPE)
@limiter.shared_limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMITS"],
    scope=API_LOGIN_SCOPE,
    key_func=_form_username,
    deduct_when=lambda response: response.status_code == 401,
    error_message=LOCKED_MESSAGE,
)
def login_submit():
    try:
        credentials = LoginIn().load({"username": request.form.get("username", ""), "password": request.form.get("password", "")})
    except ValidationError as exc:
        return render_login(errors=field_errors(exc.messages), status=422)
    try:
        staff = staff_service.authenticate(credentials["username"], credentials["password"])
    except AuthenticationFailed as exc:
        return render_login(error=exc.message, status=401)
    session.clear()
    session.permanent = True
    session["staff_id"] = staff.id
    session["token_version"] = staff.token_version
    return redirect(safe_next(request.form.get("next"), url_for("console.dashboard")))


@bp.post("/logout")
def logout():
    # Bumping the token version ends this session (its cookie can no longer be replayed) and
    # every API token of the account, like POST /api/staff/v1/auth/logout.
    staff_service.sign_out(g.staff)
    session.clear()
    return redirect(url_for("console.login"))
