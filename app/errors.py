"""Domain errors. Services raise these; the API layer turns them into HTTP answers
(`app.api.errors`), so services never speak HTTP. Each carries a stable English code for
programs and a Chinese message for people."""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"
    message = "操作无法完成"

    def __init__(self, message: str | None = None, *, code: str | None = None, details=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.details = details


class NotFound(DomainError):
    code = "not_found"
    message = "未找到该资源"


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a rule (details: field -> [messages])."""

    code = "validation_error"
    message = "提交的数据有误"


class Conflict(DomainError):
    code = "conflict"
    message = "当前状态下不能执行该操作"


class Forbidden(DomainError):
    code = "forbidden"
    message = "没有权限执行该操作"


class RateLimited(DomainError):
    """Too many requests: try again in `retry_after` seconds."""

    code = "rate_limited"
    message = "请求过于频繁，请稍后再试"

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


class Gone(DomainError):
    """It existed, and is no more: a retired station, an old sign."""

    code = "gone"
    message = "该资源已不再可用"


class Misconfigured(DomainError):
    """The server lacks something it needs (a font, a key); people can only wait."""

    code = "service_misconfigured"
    message = "服务配置不完整，请联系管理员"


class AuthenticationFailed(DomainError):
    code = "invalid_credentials"
    message = "用户名或密码错误"
