from __future__ import annotations

from apiflask import APIBlueprint

from app.api.auth import current_actor, staff_auth
from app.api.error_docs import errors_doc
from app.privacy import retention
from app.privacy.schemas import RetentionPage, RetentionQuery

bp = APIBlueprint("privacy", __name__, tag={"name": "Privacy", "description": "个人信息保留期限：到期删除或匿名化的记录"})


@bp.get("/privacy/retention-runs")
@bp.auth_required(staff_auth)
@bp.input(RetentionQuery, location="query", arg_name="query")
@bp.output(RetentionPage)
@bp.doc(
    summary="保留期限任务的运行记录：每次删除或匿名化了多少（仅市总工会）",
    **errors_doc((403, "forbidden", "仅市总工会可查看"), validates=True),
)
def list_retention_runs(query):
    return retention.runs(current_actor(), **query)
