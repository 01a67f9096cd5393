"""Domain errors: a stable `code` the mini-program branches on, a zh-CN message, an HTTP status.

Services raise these; `miniprogram_api/errors.py` turns them into the error envelope.
"""


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "请求无效"
    retry_after: int | None = None  # seconds, sent as Retry-After (503s the client may retry)

    def __init__(self, code: str | None = None, message: str | None = None,
                 fields: dict | None = None, status: int | None = None):
        self.code = code or self.code
        self.message = message or self.message
        self.fields = fields
        if status is not None:
            self.status = status
        super().__init__(self.code)


class NotFound(DomainError):
    status, code, message = 404, "not_found", "未找到"


class Unauthenticated(DomainError):
    status, code, message = 401, "unauthenticated", "请先登录"


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", "没有权限"


class Conflict(DomainError):
    """A state conflict (409); always raised with a specific code."""
    status, code, message = 409, "conflict", "状态冲突"


class Invalid(DomainError):
    """A validation failure found by a service (422), e.g. a certificate number that does not match."""
    status, code, message = 422, "validation_error", "输入有误"


class UpstreamUnavailable(DomainError):
    status, code, message = 503, "upstream_unavailable", "微信服务暂时不可用，请稍后再试"
