"""The worker's privacy: the notice and their consent, their data, closing their account."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.error_docs import errors_doc
from app.privacy import consents, data_rights
from app.privacy.schemas import AccountClosedOut, ConsentIn, ConsentOut, MyDataOut, NoticeOut
from miniprogram_api.auth import current_worker, worker_auth

bp = APIBlueprint("mp_privacy", __name__, tag={"name": "Mini-program: privacy", "description": "隐私保护指引、授权、我的数据、注销账号"})


def _consent(state: consents.ConsentState) -> dict:
    return {"notice_version": state.notice_version, "needs_consent": state.needs_consent, "granted": state.granted}


@bp.get("/privacy/notice")
@bp.output(NoticeOut)
@bp.doc(summary="最新的《用户隐私保护指引》", **errors_doc(auth=False))
def get_notice():
    return consents.latest_notice()


@bp.get("/me/consent")
@bp.auth_required(worker_auth)
@bp.output(ConsentOut)
@bp.doc(summary="我对最新指引的答复（needs_consent 为真时须先展示指引）", **errors_doc())
def get_consent():
    return _consent(consents.state(current_worker().id))


@bp.put("/me/consent")
@bp.auth_required(worker_auth)
@bp.input(ConsentIn, arg_name="data")
@bp.output(ConsentOut)
@bp.doc(
    summary="答复指引：同意所列授权项，未列出的不同意或撤回",
    **errors_doc(
        (409, "privacy_notice_outdated", "指引已有新版本：重新获取并展示"),
        (422, "privacy_feature_unknown", "未知的授权项"),
        body=True,
    ),
)
def put_consent(data):
    return _consent(consents.give(current_worker().id, data["notice_version"], data["features"]))


@bp.get("/me/data")
@bp.auth_required(worker_auth)
@bp.output(MyDataOut)
@bp.doc(summary="下载本系统保存的关于我的全部信息（JSON）", **errors_doc())
def get_my_data():
    return data_rights.export(current_worker().id)


@bp.delete("/me")
@bp.auth_required(worker_auth)
@bp.output(AccountClosedOut)
@bp.doc(summary="注销账号：删除身份信息，签到等记录匿名化后仅用于统计；令牌随即失效", **errors_doc())
def close_account():
    data_rights.close_account(current_worker().id)
    return {"closed": True}
