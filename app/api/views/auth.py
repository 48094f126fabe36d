from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app, request
from werkzeug.exceptions import HTTPException

from app.accounts import staff as staff_service
from app.accounts.auth_schemas import LoginIn, StaffOut, TokenOut
from app.api.auth import staff_auth
from app.extensions import limiter

bp = APIBlueprint("auth", __name__, tag={"name": "Auth", "description": "员工登录"})


def _login_username() -> str:
    # A key function must never raise: Flask-Limiter takes any error while it evaluates limits
    # for its storage failing, and falls back to in-memory limits, of which we configure none.
    # One oversized body (413 when read) so switched every rate limit of the process off,
    # the lock-out included, until the limiter next probed its storage.
    try:
        body = request.get_json(silent=True)
    except HTTPException:  # too large to read: the view answers 413 all the same
        body = None
    username = body.get("username") if isinstance(body, dict) else None
    return f"login:{str(username or '').strip().lower()}"


@bp.post("/auth/login")
@limiter.limit(lambda: current_app.config["LOGIN_ATTEMPTS_PER_IP"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMITS"],
    key_func=_login_username,
    deduct_when=lambda response: response.status_code == 401,
    error_message="登录失败次数过多，账号已暂时锁定，请稍后再试",
)
@bp.input(LoginIn, arg_name="credentials")
@bp.output(TokenOut)
@bp.doc(summary="员工登录，获取令牌", responses={401: "用户名或密码错误", 429: "失败次数过多，暂时锁定"})
def login(credentials):
    staff = staff_service.authenticate(credentials["username"], credentials["password"])
    issued = staff_service.issue_token(staff)
    return {"token": issued.token, "token_type": "Bearer", "expires_at": issued.expires_at, "staff": staff}


@bp.get("/auth/me")
@bp.auth_required(staff_auth)
@bp.output(StaffOut)
@bp.doc(summary="当前登录的员工")
def me():
    return staff_auth.current_user


@bp.post("/auth/logout")
@bp.auth_required(staff_auth)
@bp.output({}, status_code=204)
@bp.doc(summary="退出登录：使本账号的所有令牌失效")
def logout():
    staff_service.sign_out(staff_auth.current_user)
    return ""
