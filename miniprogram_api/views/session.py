from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from app.extensions import limiter
from app.schemas.workers import SessionIn, SessionOut, WorkerGroupIn, WorkerOut
from app.services import workers as worker_service
from miniprogram_api.auth import current_worker, worker_auth

bp = APIBlueprint("mp_session", __name__, tag={"name": "Mini-program: me", "description": "小程序登录与个人信息"})


@bp.post("/session")
@limiter.limit(lambda: current_app.config["MP_SESSION_LIMIT_PER_IP"])
@bp.input(SessionIn, arg_name="data")
@bp.output(SessionOut)
@bp.doc(
    summary="用 wx.login 的 code 登录，换取本系统的令牌",
    responses={401: "code 无效或已使用", 429: "请求过于频繁", 503: "微信服务暂时不可用"},
)
def create_session(data):
    worker, issued = worker_service.sign_in(data["code"])
    return {"token": issued.token, "token_type": "Bearer", "expires_at": issued.expires_at, "worker": worker}


@bp.get("/me")
@bp.auth_required(worker_auth)
@bp.output(WorkerOut)
@bp.doc(summary="我的信息")
def get_me():
    return current_worker()


@bp.put("/me")
@bp.auth_required(worker_auth)
@bp.input(WorkerGroupIn, arg_name="data")
@bp.output(WorkerOut)
@bp.doc(summary="说明我属于哪个群体（可改，可为空）")
def put_me(data):
    return worker_service.set_group(current_worker(), data["worker_group"])
