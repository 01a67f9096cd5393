"""Issue 15, item 4: the activity notices read as sentences (no "报名的…报名成功", no dangling colon)."""
from backend.activities.notices import _body

DATA = {"activity_title": "手工编织课", "site_name": "阳光之家", "location": "二楼活动室",
        "starts_at_text": "2026-12-05 09:00"}


def test_bodies_read_as_sentences():
    assert _body("signup_confirmed", {**DATA, "resident_name": "王大爷"}) == \
        "王大爷已成功报名“手工编织课”，2026-12-05 09:00 在 阳光之家 二楼活动室"
    assert _body("signup_confirmed", DATA) == "您已成功报名“手工编织课”，2026-12-05 09:00 在 阳光之家 二楼活动室"
    assert _body("signup_promoted", DATA) == \
        "您报名的“手工编织课”已由候补转为正式报名，2026-12-05 09:00 在 阳光之家 二楼活动室"
    assert _body("activity_cancelled", DATA) == "您报名的“手工编织课”（2026-12-05 09:00）已取消"
    assert _body("activity_cancelled", {**DATA, "reason": "场地维修"}) == \
        "您报名的“手工编织课”（2026-12-05 09:00）已取消：场地维修"
