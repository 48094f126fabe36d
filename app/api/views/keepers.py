"""Staff endpoints for a station's keepers: binding codes, the keeper list, revoking, and the
history of what keepers posted. Scoped by the services like every per-station endpoint."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.auth import current_actor, staff_auth
from app.api.error_docs import errors_doc
from app.core.schemas import PageQuery
from app.keepers import codes as keeper_codes
from app.keepers import roster as keeper_roster
from app.station_pages import status_posts
from app.station_pages.keeper_schemas import KeeperCodeOut, KeeperCodeStateOut, KeeperOut, StatusUpdatePage

bp = APIBlueprint("keepers", __name__, tag={"name": "Keepers", "description": "站点管理员：绑定码、名单、实时状态记录"})
NOT_FOUND = (404, "station_not_found", "站点不存在，或不属于本区县")


@bp.post("/stations/<code>/keeper-codes")
@bp.auth_required(staff_auth)
@bp.output(KeeperCodeOut, status_code=201)
@bp.doc(
    summary="签发站点管理员绑定码（一次性，默认 72 小时内有效；只保存其散列，签发记入审计日志）",
    **errors_doc(NOT_FOUND, (409, "station_retired", "站点已撤销")),
)
def issue_keeper_code(code):
    return keeper_codes.issue_code(current_actor(), code)


@bp.get("/stations/<code>/keeper-codes")
@bp.auth_required(staff_auth)
@bp.output(KeeperCodeStateOut(many=True))
@bp.doc(summary="站点最近签发的绑定码及其状态（不含绑定码本身）", **errors_doc(NOT_FOUND))
def list_keeper_codes(code):
    return keeper_codes.list_codes(current_actor(), code)


@bp.post("/stations/<code>/keeper-codes/<int:code_id>/revoke")
@bp.auth_required(staff_auth)
@bp.output(KeeperCodeStateOut)
@bp.doc(
    summary="作废尚未使用的绑定码（记入审计日志）",
    **errors_doc(
        NOT_FOUND,
        (404, "keeper_code_not_found", "该站点没有这个绑定码"),
        (409, "keeper_code_used", "已被使用（请解除管理员绑定）"),
        (409, "keeper_code_already_revoked", "已作废"),
        int_path=True,
    ),
)
def revoke_keeper_code(code, code_id):
    return keeper_codes.revoke_code(current_actor(), code, code_id)


@bp.get("/stations/<code>/keepers")
@bp.auth_required(staff_auth)
@bp.output(KeeperOut(many=True))
@bp.doc(summary="站点管理员名单（在任的在前，含已解除绑定的；不含微信 openid）", **errors_doc(NOT_FOUND))
def list_keepers(code):
    return keeper_roster.list_keepers(current_actor(), code)


@bp.post("/stations/<code>/keepers/<int:keeper_id>/revoke")
@bp.auth_required(staff_auth)
@bp.output(KeeperOut)
@bp.doc(
    summary="解除站点管理员绑定（记录保留，记入审计日志）",
    **errors_doc(
        NOT_FOUND,
        (404, "keeper_not_found", "该站点没有这条绑定"),
        (409, "keeper_already_revoked", "已解除绑定"),
        int_path=True,
    ),
)
def revoke_keeper(code, keeper_id):
    return keeper_roster.revoke_keeper(current_actor(), code, keeper_id)


@bp.get("/stations/<code>/status-history")
@bp.auth_required(staff_auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(StatusUpdatePage)
@bp.doc(
    summary="站点实时状态的发布记录（最新在前）：哪位管理员、何时、提交了什么",
    **errors_doc(NOT_FOUND, validates=True),
)
def status_history(code, query):
    return status_posts.status_history(current_actor(), code, **query)
