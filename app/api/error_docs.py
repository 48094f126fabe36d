"""Which error codes an operation may answer, stated in the OpenAPI document for programs.

A view lists its own refusals, `(status, code, what it means)`; `errors_doc` adds the ones every
operation of its kind can answer (no token, a malformed body, the database away, a bug) and
returns keyword arguments for `@bp.doc`:

- `responses`: each status with its codes and meanings, for people reading the document;
- `extensions`: `x-error-codes`, a list of `{"status", "code"}` on the operation, for programs
  (the mini-program's test reads it to be sure each code has a Chinese message on screen).

The error body's `code` is always one of these; tests/test_fuzz_api.py checks every answer."""

from __future__ import annotations

from collections import defaultdict

Refusal = tuple[int, str, str]

UNAUTHORIZED: Refusal = (401, "unauthorized", "未登录、令牌无效或已过期")
BAD_REQUEST: Refusal = (400, "bad_request", "请求体不是有效的 JSON")
VALIDATION: Refusal = (422, "validation_error", "提交的数据有误，details 列出字段及原因")
RATE_LIMITED: Refusal = (429, "rate_limited", "请求过于频繁，Retry-After 给出等待秒数")
NO_SUCH_PATH: Refusal = (404, "not_found", "地址中的编号格式不对（如负数）")
ALWAYS: tuple[Refusal, ...] = (
    (500, "internal_error", "服务器内部错误"),
    (503, "database_unavailable", "数据库暂时不可用，Retry-After 后重试"),
)


def errors_doc(
    *refusals: Refusal,
    auth: bool = True,
    body: bool = False,
    validates: bool | None = None,
    rate_limited: bool = False,
    int_path: bool = False,
    responses: dict | None = None,
) -> dict:
    """`@bp.doc` keyword arguments stating every error code of an operation.

    auth: needs a token (401 unauthorized); body: takes a JSON body (400 bad_request, 422);
    validates: takes query or body fields (422 validation_error; default: `body`); rate_limited:
    has a limit (429); int_path: a path parameter is an integer (404 not_found for a malformed
    one). `responses` holds the other documented answers (a 200 beside the 201, say)."""
    common = [UNAUTHORIZED] if auth else []
    if body:
        common.append(BAD_REQUEST)
    if body if validates is None else validates:
        common.append(VALIDATION)
    if rate_limited:
        common.append(RATE_LIMITED)
    if int_path:
        common.append(NO_SUCH_PATH)
    every = sorted({(status, code): meaning for status, code, meaning in [*common, *refusals, *ALWAYS]}.items())
    by_status: dict[int, list[str]] = defaultdict(list)
    for (status, code), meaning in every:
        by_status[status].append(f"{code}：{meaning}")
    return {
        "responses": {**(responses or {}), **{status: "；".join(lines) for status, lines in by_status.items()}},
        "extensions": {"x-error-codes": [{"status": status, "code": code} for (status, code), _ in every]},
    }
