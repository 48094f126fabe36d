"""Bearer tokens for workers (from POST /api/mp/v1/session)."""

from __future__ import annotations

from apiflask import HTTPTokenAuth

from app.models import Worker
from app.services import workers as worker_service

worker_auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="WorkerAuth",
    description="小程序用户令牌：POST /api/mp/v1/session 用 wx.login 的 code 换取",
)


@worker_auth.verify_token
def _verify(token: str):
    return worker_service.worker_for_token(token) if token else None


def current_worker() -> Worker:
    return worker_auth.current_user
