from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from app.accounts import workers as worker_service
from app.accounts.schemas import SessionIn, SessionOut, WorkerGroupIn, WorkerOut
from app.api.error_docs import errors_doc
from app.extensions import limiter
from miniprogram_api.auth import current_worker, worker_auth

bp = APIBlueprint("mp_session", __name__, tag={"name": "Mini-program: me", "description": "小程序登录与个人信息"})


@bp.post("/session")
@limiter.limit(lambda: current_app.config["MP_SESSION_LIMIT_PER_IP"])
@bp.input(SessionIn, arg_name="data")
@bp.output(SessionOut)
@bp.doc(
    summary="用 wx.login 的 code 登录，换取本系统的令牌",
    **errors_doc(
        (401, "wechat_code_invalid", "code 无效、已使用或已过期：请重新 wx.login"),
        (403, "wechat_user_blocked", "微信判定该用户有风险，拒绝登录"),
        (429, "wechat_rate_limited", "微信限制了登录频率"),
        (502, "wechat_error", "微信拒绝了请求"),
        (502, "wechat_misconfigured", "小程序的微信接口配置有误"),
        (503, "wechat_unavailable", "微信服务暂时不可用，Retry-After 后重试"),
        auth=False,
        body=True,
        rate_limited=True,
    ),
)
def create_session(data):
    worker, issued = worker_service.sign_in(data["code"])
    return {"token": issued.token, "token_type": "Bearer", "expires_at": issued.expires_at, "worker": worker}


@bp.get("/me")
@bp.auth_required(worker_auth)
@bp.output(WorkerOut)
@bp.doc(summary="我的信息", **errors_doc())
def get_me():
    return current_worker()


@bp.put("/me")
@bp.auth_required(worker_auth)
@bp.input(WorkerGroupIn, arg_name="data")
@bp.output(WorkerOut)
@bp.doc(summary="说明我属于哪个群体（可改，可为空）", **errors_doc(body=True))
def put_me(data):
    return worker_service.set_group(current_worker(), data["worker_group"])
