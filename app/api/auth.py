"""Bearer-token authentication for staff, and the acting user for services."""

from __future__ import annotations

from apiflask import HTTPTokenAuth
from flask import request

from app.accounts import staff as staff_service
from app.accounts.actor import Actor

staff_auth = HTTPTokenAuth(scheme="Bearer", description="员工登录后获得的令牌：POST /api/staff/v1/auth/login")


@staff_auth.verify_token
def _verify(token: str):
    return staff_service.staff_for_token(token) if token else None


def current_actor() -> Actor:
    return Actor(staff=staff_auth.current_user, remote_addr=request.remote_addr)
