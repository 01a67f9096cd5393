"""Issue 13 item 4: an oversized notify is refused with a 4xx (WeChat Pay stops retrying a 4xx; a 5xx
would be retried for ever), and changes nothing."""
from sqlalchemy import func, select

from backend.cafe.models import Payment
from backend.extensions import db


def test_a_notify_over_64_kib_is_a_4xx(client, db_session):
    r = client.post("/api/v1/payments/wechat/notify", data=b"{" + b" " * 65_536 + b"}",
                    content_type="application/json")
    assert 400 <= r.status_code < 500 and r.status_code == 413
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
