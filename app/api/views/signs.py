"""Staff endpoints for station signs: print files, the signed URL, re-issue, batches."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response, stream_with_context

from app.api.auth import current_actor, staff_auth
from app.api.views import PDF, PNG, file_answer
from app.core.downloads import download
from app.signs import service as sign_service
from app.signs.schemas import BatchQuery, SignOut

bp = APIBlueprint("signs", __name__, tag={"name": "Signs", "description": "站点标牌（300 × 500 mm）与二维码"})
NOT_FOUND = {404: "站点不存在，或不属于本区县"}
PDF_ANSWER = {200: file_answer("PDF 文件", PDF)}
PNG_ANSWER = {200: file_answer("PNG 图片", PNG)}


def _file(content: bytes, mimetype: str, filename: str) -> Response:
    return download(content, mimetype, filename, "inline")


@bp.get("/stations/<code>/sign")
@bp.auth_required(staff_auth)
@bp.output(SignOut)
@bp.doc(summary="标牌二维码的签名地址与版本", responses=NOT_FOUND)
def get_sign(code):
    return sign_service.sign_info(current_actor(), code)


@bp.get("/stations/<code>/sign.pdf")
@bp.auth_required(staff_auth)
@bp.doc(summary="印刷用标牌 PDF（矢量，300 × 500 mm，CMYK 会徽色）", responses={**PDF_ANSWER, **NOT_FOUND, 409: "站点已撤销"})
def sign_pdf(code):
    content, filename = sign_service.sign_pdf_for(current_actor(), code)
    return _file(content, PDF, filename)


@bp.get("/stations/<code>/sign.png")
@bp.auth_required(staff_auth)
@bp.doc(summary="标牌预览 PNG（300 dpi，与 PDF 同一设计）", responses={**PNG_ANSWER, **NOT_FOUND, 409: "站点已撤销"})
def sign_png(code):
    content, filename = sign_service.sign_png_for(current_actor(), code)
    return _file(content, PNG, filename)


@bp.get("/stations/<code>/wxacode.png")
@bp.auth_required(staff_auth)
@bp.doc(
    summary="小程序码（微信 getwxacodeunlimit，scene 含站点编码与签名）",
    responses={**PNG_ANSWER, **NOT_FOUND, 409: "站点已撤销", 502: "微信拒绝了请求", 503: "微信服务暂时不可用"},
)
def wxacode(code):
    content, filename = sign_service.wxacode_png(current_actor(), code)
    return _file(content, PNG, filename)


@bp.post("/stations/<code>/sign/reissue")
@bp.auth_required(staff_auth)
@bp.output(SignOut)
@bp.doc(summary="重新制作标牌：版本加一，旧标牌的二维码随即失效", responses={**NOT_FOUND, 409: "站点已撤销"})
def reissue_sign(code):
    return sign_service.reissue(current_actor(), code)


@bp.get("/signs.pdf")
@bp.auth_required(staff_auth)
@bp.input(BatchQuery, location="query", arg_name="query")
@bp.doc(
    summary="批量标牌 PDF（一个区县或全市，多页，边生成边发送）",
    responses={**PDF_ANSWER, 403: "只能印制本区县的标牌（district_out_of_scope）", 404: "该范围内没有可印制标牌的站点（no_stations）"},
)
def batch_pdf(query):
    actor = current_actor()
    codes = sign_service.batch_stations(actor, query.get("district"))
    stream = stream_with_context(sign_service.batch_pdf(actor, codes))
    name = f"signs-{query.get('district') or actor.district_code or 'all'}.pdf"
    return download(stream, PDF, name)
