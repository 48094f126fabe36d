"""A keeper's walk-ins: visits by workers who did not scan (app/visits/walkins.py)."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.error_docs import errors_doc
from app.keepers.service import keeper_of
from app.visits import walkins as walkin_service
from app.visits.walkin_schemas import CorrectionIn, WalkInIn, WalkInListOut, WalkInOut, WalkInQuery
from miniprogram_api.auth import current_worker, worker_auth

bp = APIBlueprint("mp_walkins", __name__, tag={"name": "Mini-program: keeper walk-ins", "description": "站点管理员登记未扫码的服务人次"})
NOT_YOURS = (
    (403, "not_a_keeper", "还不是（或已不再是）站点管理员"),
    (404, "station_not_found", "站点不存在、已撤销，或不是您管理的站点"),
)


@bp.post("/keeper/stations/<code>/walk-ins")
@bp.auth_required(worker_auth)
@bp.input(WalkInIn, arg_name="data")
@bp.output(WalkInOut, status_code=201)
@bp.doc(
    summary="登记未扫码的服务人次（source 为 manual，与扫码分开统计）",
    description="当天登记计入登记时刻；补登（之前 7 天内）计入当天中午（北京时间）。",
    **errors_doc(
        *NOT_YOURS,
        (409, "station_not_in_service", "站点尚未建成投入使用"),
        (422, "walk_in_date_out_of_range", "日期不在今天及之前 7 天内"),
        (422, "walk_in_count_out_of_range", "人次不在 1 到上限（默认 200）之间"),
        body=True,
    ),
)
def record_walk_in(code, data):
    binding = keeper_of(current_worker(), code)
    return walkin_service.record_walk_in(binding, **data)


@bp.post("/keeper/stations/<code>/walk-ins/<int:entry_id>/corrections")
@bp.auth_required(worker_auth)
@bp.input(CorrectionIn, arg_name="data")
@bp.output(WalkInOut, status_code=201)
@bp.doc(
    summary="更正一条登记：新增一条更正记录（增减差额），原登记不改写",
    description="count 为该登记更正后的正确人次；返回原登记及其全部更正与计入的人次。",
    **errors_doc(
        *NOT_YOURS,
        (404, "walk_in_not_found", "本站没有这条登记"),
        (409, "walk_in_is_correction", "这是一条更正记录，请更正原登记"),
        (409, "walk_in_too_old", "已超过可更正的日期"),
        (409, "walk_in_unchanged", "人次未变，无需更正"),
        (422, "walk_in_count_out_of_range", "更正后人次不在 0 到上限之间"),
        body=True,
        int_path=True,
    ),
)
def correct_walk_in(code, entry_id, data):
    binding = keeper_of(current_worker(), code)
    return walkin_service.correct_walk_in(binding, entry_id, **data)


@bp.get("/keeper/stations/<code>/walk-ins")
@bp.auth_required(worker_auth)
@bp.input(WalkInQuery, location="query", arg_name="query")
@bp.output(WalkInListOut)
@bp.doc(
    summary="本站的登记（按北京时间的日期区间，最多 92 天），每条含更正与计入的人次",
    **errors_doc(*NOT_YOURS, validates=True),
)
def list_walk_ins(code, query):
    binding = keeper_of(current_worker(), code)
    return walkin_service.list_walk_ins(binding, **query)
