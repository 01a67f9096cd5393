"""`POST /payments/wechat/notify`: WeChat Pay's v3 notifies (payments and refunds).

Not the usual error envelope: WeChat Pay reads 2xx as "received" and anything else,
with `{"code": "FAIL", "message": ...}`, as "send again". No token (WeChat Pay calls
it); trust comes from the signature over the raw body. Never a 500.
"""
import logging

from flask import jsonify, request

from backend.cafe.payments import NotifyRejected, handle_notify
from backend.extensions import db

from ..blueprint import error_schema, mark
from ..body import raw_body
from . import schemas as s
from .routes import blp

log = logging.getLogger(__name__)



def _fail(status: int, message: str):
    resp = jsonify({"code": "FAIL", "message": message})
    resp.status_code = status
    return resp


@blp.post("/payments/wechat/notify")
@blp.response(204)
@blp.alt_response(400, schema=s.NotifyFail, description="Rejected (bad signature, stale, not our order, "
                  "wrong amount/mchid/appid): `{\"code\": \"FAIL\", \"message\"}`, WeChat Pay retries")
@blp.alt_response(503, schema=s.NotifyFail, description="Could not be processed now: WeChat Pay retries")
@blp.alt_response(413, schema=error_schema({"payload_too_large"}),
                  description="Body over 64 KiB, refused before it is read (a 4xx: WeChat Pay stops sending it)")
@raw_body(64 * 1024)
@mark(errors_by_hand=True, no_database=True)
def wechat_notify():
    """微信支付回调（支付与退款通知）

    Signed by WeChat Pay (`Wechatpay-*` headers), verified from the raw body; processed once."""
    try:
        handle_notify(request.headers, request.get_data(cache=True))
    except NotifyRejected as exc:
        return _fail(400, exc.message)
    except Exception:
        db.session.rollback()
        log.exception("WeChat Pay notify could not be processed")
        return _fail(503, "处理失败，请稍后重试")
    return None
