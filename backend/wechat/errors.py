"""Errors raised by our WeChat clients (mini-program API and WeChat Pay).

Callers map them to domain errors: an unavailable upstream becomes 503
`upstream_unavailable`; an API error carries WeChat's own errcode so the caller
can decide (40029 → `wechat_code_invalid`, 43101 → skipped, ...).
"""


class WeChatError(Exception):
    """Base class of every WeChat client error."""


class WeChatUnavailable(WeChatError):
    """Network error, timeout, HTTP 5xx, or WeChat's 'system busy' (-1): WeChat did not do it, as far
    as we know. Callers that must not act twice (a subscribe send) tell the two subclasses apart."""


class WeChatNotSent(WeChatUnavailable):
    """Nothing reached WeChat: the connection could not be made (refused, DNS, connect timeout, TLS
    handshake), or the access token could not be had (so the call itself was never made). Safe to
    retry: WeChat cannot have acted on a request it never received."""


class WeChatOutcomeUnknown(WeChatUnavailable):
    """The request went out, then the answer was lost: a read timeout or a dropped connection.
    WeChat may well have acted on it (a subscribe message delivered); retrying may do it twice."""


class WeChatAPIError(WeChatError):
    """WeChat answered with an error code (errcode != 0, or a Pay 4xx)."""

    def __init__(self, errcode: int | str, errmsg: str = ""):
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
