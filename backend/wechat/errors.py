"""Errors raised by our WeChat clients (mini-program API and WeChat Pay).

Callers map them to domain errors: an unavailable upstream becomes 503
`upstream_unavailable`; an API error carries WeChat's own errcode so the caller
can decide (40029 → `wechat_code_invalid`, 43101 → skipped, ...).
"""


class WeChatError(Exception):
    """Base class of every WeChat client error."""


class WeChatUnavailable(WeChatError):
    """Network error, timeout, HTTP 5xx, or WeChat's 'system busy' (-1): worth retrying later."""


class WeChatAPIError(WeChatError):
    """WeChat answered with an error code (errcode != 0, or a Pay 4xx)."""

    def __init__(self, errcode: int | str, errmsg: str = ""):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
