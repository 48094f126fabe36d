"""GET/POST /api/wechat/push: WeChat's URL check and its event pushes (see service.py)."""

from __future__ import annotations

from apiflask import APIBlueprint, APIKeyQueryAuth
from flask import Response, abort, current_app, request
from marshmallow import EXCLUDE

from app.api.error_docs import errors_doc
from app.schemas.base import BaseSchema, String
from app.wechat_push import service

bp = APIBlueprint("wechat_push", __name__, url_prefix="/api/wechat", tag="WeChat push")

push_auth = APIKeyQueryAuth(
    security_scheme_name="WeChatSignature",
    param_name="signature",
    description="微信消息推送签名：sha1(排序后的 Token、timestamp、nonce)，timestamp 须在时间窗内",
)


@push_auth.verify_token
def _verify(signature: str):
    return True if service.signature_ok(request.args) else None


def _short(description: str):
    return String(load_default=None, metadata={"description": description}, validate=lambda v: len(v) <= 256)


class _Query(BaseSchema):
    class Meta:
        unknown = EXCLUDE  # WeChat may add parameters; they are not ours to refuse

    # `signature` is the security scheme's parameter (WeChatSignature).
    timestamp = _short("Unix 秒")
    nonce = _short("随机数")


class VerifyQuery(_Query):
    echostr = _short("验证通过时原样返回")


class PushQuery(_Query):
    openid = _short("推送所涉用户（部分事件）")
    encrypt_type = _short("aes：安全模式，消息体加密")
    msg_signature = _short("安全模式：sha1(排序后的 Token、timestamp、nonce、Encrypt)")


# Raw text, described as the other non-JSON answers are (tests/test_openapi_document.py).
TEXT = {200: {"description": "纯文本", "content": {"text/plain": {"schema": {"type": "string", "format": "binary"}}}}}
REFUSED = (401, "unauthorized", "签名不符、timestamp 超出时间窗、推送签名已用过，或未配置 Token")
UNREADABLE = (400, "bad_push", "签名正确但内容无法解析或解密")


@bp.get("/push")
@bp.auth_required(push_auth)
@bp.input(VerifyQuery, location="query", arg_name="query")
@bp.doc(
    summary="微信消息推送：服务器地址验证（签名正确时原样返回 echostr）",
    **errors_doc(REFUSED, (400, "bad_push", "缺少 echostr"), auth=False, validates=True, responses=TEXT),
)
def verify(query):
    return Response(service.echo(request.args), mimetype="text/plain")


@bp.post("/push")
@bp.auth_required(push_auth)
@bp.input(PushQuery, location="query", arg_name="query")
@bp.doc(
    summary="微信消息推送：事件（媒体内容安全检测结果、用户授权变更等）",
    description="消息体为 JSON 或 XML；安全模式下为加密的 Encrypt。处理成功或重复推送均返回 success。",
    **errors_doc(REFUSED, UNREADABLE, (413, "payload_too_large", "推送内容过大"), auth=False, validates=True, responses=TEXT),
)
def push(query):
    limit = current_app.config["WECHAT_PUSH_MAX_BYTES"]
    if (request.content_length or 0) > limit:
        abort(413)
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        abort(413)
    service.receive(request.args, body)
    return Response("success", mimetype="text/plain")
