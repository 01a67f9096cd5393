"""Text written by users is checked with WeChat's msg_sec_check v2 before it is stored.

`risky` → 422 `content_rejected`. If WeChat cannot be reached, or no access token can be had, the
text is accepted and the miss is logged: residents must not be locked out of booking because a
content check is down. (Redis down is not such a case: the token is then fetched directly.)
"""
import logging

from .errors import Invalid
from .wechat import mp_client
from .wechat.errors import WeChatError

log = logging.getLogger(__name__)


def check_text(openid: str, *texts: str | None) -> None:
    content = "\n".join(t for t in texts if t and t.strip())
    if not content:
        return
    try:
        suggest = mp_client().msg_sec_check_v2(openid, content[:2500])
    except WeChatError as e:
        log.warning("msg_sec_check unavailable, text accepted unchecked: %s", type(e).__name__)
        return
    if suggest == "risky":
        raise Invalid("content_rejected", "内容含有不当信息，请修改后再提交")
