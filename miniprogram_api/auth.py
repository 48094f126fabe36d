"""Bearer tokens for workers (from POST /api/mp/v1/session).

Verifying a token reads no row: the token names the worker. Views that need the worker load it
with `current_worker()`; the check-in path locks the worker's row itself and needs only the id."""

from __future__ import annotations

from dataclasses import dataclass

from apiflask import HTTPTokenAuth

from app.accounts import workers as worker_service
from app.accounts.worker_models import Worker

worker_auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="WorkerAuth",
    description="小程序用户令牌：POST /api/mp/v1/session 用 wx.login 的 code 换取",
)


@dataclass(frozen=True)
class WorkerToken:
    worker_id: int


@worker_auth.verify_token
def _verify(token: str) -> WorkerToken | None:
    worker_id = worker_service.worker_id_for_token(token) if token else None
    return WorkerToken(worker_id) if worker_id is not None else None


def current_worker_id() -> int:
    return worker_auth.current_user.worker_id


def current_worker() -> Worker:
    """The signed-in worker's row (401 unauthorized if it is gone)."""
    return worker_service.worker(current_worker_id())
