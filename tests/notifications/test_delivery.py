"""The outbox and the sending job, end to end through the WeChat fake over HTTP."""
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import User, VolunteerProfile
from backend.notifications.models import Notification
from backend.notifications.outbox import notify
from backend.units import transaction
from tests.factories import SiteFactory, UserFactory, staff_of

from .conftest import credit_left, make_due, queue, rows

LONG_NOTE = "欢迎加入！\n请于本周六上午九点到阳光残疾人之家参加志愿者培训，带好身份证。"


def review_volunteer(app, login, note=LONG_NOTE, status="approved"):
    """A user applies, staff reviews over HTTP: the review use case calls notify()."""
    volunteer = login()
    assert volunteer.post("/me/volunteer", {"real_name": "李四", "skills": ["sign_language"]}).status_code == 200
    staff = login()
    with app.app_context():
        staff_of(db.session.get(User, staff.user_id), SiteFactory())
        db.session.remove()
    r = staff.post(f"/staff/volunteers/{volunteer.user_id}/review", {"status": status, "note": note})
    assert r.status_code == 200, r.get_json()
    return volunteer


def test_volunteer_review_with_a_credit_reaches_wechat(app, login, send, fake):
    volunteer = login()
    volunteer.post("/me/subscriptions", {"accepted": ["tmpl_volunteer_reviewed"]})
    # Same account reviewed: apply + review through the routes.
    assert volunteer.post("/me/volunteer", {"real_name": "李四", "skills": ["guide"]}).status_code == 200
    staff = login()
    with app.app_context():
        staff_of(db.session.get(User, staff.user_id), SiteFactory())
        db.session.remove()
    assert staff.post(f"/staff/volunteers/{volunteer.user_id}/review",
                      {"status": "approved", "note": LONG_NOTE}).status_code == 200
    inbox = volunteer.get("/me/notifications").get_json()["items"]
    assert [(i["kind"], i["delivery"]) for i in inbox] == [("volunteer_reviewed", "pending")]

    assert send() == 1
    messages = fake.messages(volunteer.openid)
    assert len(messages) == 1
    m = messages[0]
    assert m["template_id"] == "tmpl_volunteer_reviewed"
    assert m["page"] == "pages/volunteer/index"
    assert m["miniprogram_state"] == app.config["WECHAT_MINIPROGRAM_STATE"] == "developer"
    data = {k: v["value"] for k, v in m["data"].items()}
    assert set(data) == {"phrase1", "thing2", "time3"}
    assert data["phrase1"] == "已通过"
    assert len(data["thing2"]) <= 20 and "\n" not in data["thing2"]
    assert data["thing2"].startswith("欢迎加入！ 请于本周六") and data["thing2"].endswith("…")
    assert data["time3"].startswith("20") and "年" in data["time3"] and len(data["time3"]) == 17

    item = volunteer.get("/me/notifications").get_json()["items"][0]
    assert item["delivery"] == "sent"
    assert credit_left(app, volunteer.user_id, "tmpl_volunteer_reviewed") == 0
    [row] = rows(app)
    assert row.attempts == 1 and row.sent_at is not None and row.last_error is None
    # Nothing is sent twice: the next pass has nothing to do.
    assert send() == 0
    assert len(fake.messages(volunteer.openid)) == 1


def test_without_a_credit_it_lands_in_the_inbox_only(app, login, send, fake):
    volunteer = review_volunteer(app, login, status="rejected")
    assert send() == 1
    assert fake.messages(volunteer.openid) == []
    [item] = volunteer.get("/me/notifications").get_json()["items"]
    assert item["delivery"] == "skipped" and item["title"] == "志愿者申请未通过"
    [row] = rows(app)
    assert row.last_error == "no credit" and row.template_id == "tmpl_volunteer_reviewed"


def test_one_credit_sends_one_of_two(app, login, send, fake):
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_volunteer_reviewed"]})
    queue(app, api.user_id)
    queue(app, api.user_id)
    assert send() == 2
    assert len(fake.messages(api.openid)) == 1
    assert sorted(r.delivery for r in rows(app)) == ["sent", "skipped"]


def test_a_rolled_back_change_leaves_no_notification(app, send, fake):
    with app.app_context():
        user = UserFactory()
        db.session.add(VolunteerProfile(user_id=user.id, real_name="王五", status="pending"))
        db.session.commit()
        uid, openid = user.id, user.openid
        # The review use case's writes, then a failure before its commit.
        with pytest.raises(RuntimeError):
            with transaction():
                profile = db.session.get(VolunteerProfile, uid)
                profile.status = "approved"
                notify(uid, "volunteer_reviewed", "志愿者申请已通过", data={"result": "已通过"})
                db.session.flush()
                raise RuntimeError("a failure before the commit")
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
        assert db.session.get(VolunteerProfile, uid).status == "pending"
        db.session.remove()
    assert send() == 0
    assert fake.messages(openid) == []


def test_a_failed_review_request_notifies_nobody(app, login, send):
    volunteer = review_volunteer(app, login)
    staff = login()
    with app.app_context():
        staff_of(db.session.get(User, staff.user_id), SiteFactory())
        db.session.remove()
    # Reviewing to the same status is a 409: nothing changes, nothing is queued.
    r = staff.post(f"/staff/volunteers/{volunteer.user_id}/review", {"status": "approved"})
    assert r.status_code == 409
    assert len(rows(app)) == 1


def test_unknown_kind_is_a_programming_error(app):
    with app.app_context():
        with pytest.raises(ValueError):
            notify(1, "signup_confirmd", "x")
        assert notify(None, "order_ready", "x") is None  # a resident without an account


def test_a_timed_out_send_is_settled_not_resent(app, login, send, fake, short_timeout):
    """The request reached WeChat and the answer was lost: it may have been delivered, so it is
    never sent again (tests/reliability has the fake's side: exactly one message)."""
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    queue(app, api.user_id, "order_ready", data={"number": "A023", "cafe": "手语咖啡"})
    fake.fault("timeout", times=1)
    assert send() == 1
    [row] = rows(app)
    assert (row.delivery, row.attempts, row.sent_at) == ("failed", 1, None)
    assert row.last_error.startswith("outcome unknown") and "ReadTimeout" in row.last_error
    # WeChat most likely used the user's one-time quota: the credit counts as spent.
    assert credit_left(app, api.user_id, "tmpl_order_ready") == 0
    make_due(app)
    assert send() == 0
    assert api.get("/me/notifications").get_json()["items"][0]["delivery"] == "failed"


def test_backoff_grows_exponentially(app, login, send, fake, config):
    config(NOTIFY_BACKOFF_SECONDS=60, NOTIFY_BACKOFF_MAX_SECONDS=200)
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    queue(app, api.user_id, "order_ready")
    fake.fault("error", times=4, errcode=-1)  # WeChat "system busy"
    for expected in (60, 120, 200, 200):  # 60 * 2**(n-1), capped
        before = utcnow()
        assert send() == 1
        after = utcnow()
        [row] = rows(app)
        assert before + timedelta(seconds=expected) <= row.next_attempt_at <= after + timedelta(seconds=expected)
        make_due(app)
    assert fake.messages(api.openid) == []
    assert send() == 1
    assert len(fake.messages(api.openid)) == 1


def test_user_refusal_43101_is_skipped_without_retry(app, login, send, fake):
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    queue(app, api.user_id, "order_ready")
    fake.fault("error", times=1, errcode=43101)
    assert send() == 1
    make_due(app)
    assert send() == 0
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("skipped", 1)
    assert "43101" in row.last_error
    assert fake.messages(api.openid) == []
    # Only a successful send spends a credit.
    assert credit_left(app, api.user_id, "tmpl_order_ready") == 1


def test_retries_are_bounded(app, login, send, fake, config):
    config(NOTIFY_MAX_ATTEMPTS=3)
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    queue(app, api.user_id, "order_ready")
    fake.fault("error", times=10, errcode=-1)
    for _ in range(5):
        send()
        make_due(app)
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("failed", 3)
    assert "busy" in row.last_error and "gave up after 3 attempts" in row.last_error
    assert fake.messages(api.openid) == []
    assert credit_left(app, api.user_id, "tmpl_order_ready") == 1
    assert api.get("/me/notifications").get_json()["items"][0]["delivery"] == "failed"


def test_a_token_that_cannot_be_fetched_is_retried_bounded(app, login, send, fake, config, short_timeout):
    """The token fetch timed out: the message itself was never sent, so it is retried (credit back)."""
    config(NOTIFY_MAX_ATTEMPTS=2)
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    queue(app, api.user_id, "order_ready")
    requests.post(f"{app.config['FAKE_URL']}/_fake/faults", json={"api": "stable_token", "mode": "timeout",
                                                                   "times": 5}, timeout=5).raise_for_status()
    send()
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("not sent: access token unavailable")
    assert credit_left(app, api.user_id, "tmpl_order_ready") == 1
    make_due(app)
    send()
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("failed", 2)
    assert "gave up after 2 attempts" in row.last_error
    assert fake.messages(api.openid) == []
    assert credit_left(app, api.user_id, "tmpl_order_ready") == 1


def test_other_wechat_errors_fail_at_once_with_the_reason(app, login, send, fake):
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    queue(app, api.user_id, "order_ready")
    fake.fault("error", times=1, errcode=40037)
    send()
    make_due(app)
    send()
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("failed", 1)
    assert "40037" in row.last_error
    assert credit_left(app, api.user_id, "tmpl_order_ready") == 1


def test_kind_without_template_is_skipped(app, login, send, fake, config):
    templates = dict(app.config["WECHAT_SUBSCRIBE_TEMPLATES"])
    del templates["order_ready"]
    config(WECHAT_SUBSCRIBE_TEMPLATES=templates)
    api = login()
    queue(app, api.user_id, "order_ready")
    send()
    [row] = rows(app)
    assert (row.delivery, row.last_error) == ("skipped", "no template for this kind")
    assert fake.messages(api.openid) == []


def test_deleted_user_gets_nothing(app, login, send, fake):
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    queue(app, api.user_id, "order_ready")
    # A user marked deleted with the row still there (e.g. queued after the deletion).
    with app.app_context():
        db.session.get(User, api.user_id).deleted_at = utcnow()
        db.session.commit()
        db.session.remove()
    send()
    [row] = rows(app)
    assert (row.delivery, row.last_error) == ("skipped", "user deleted")
    assert fake.messages(api.openid) == []


def test_account_deletion_erases_notifications_and_credits(app, login, send, fake):
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    queue(app, api.user_id, "order_ready")
    keep = login()
    queue(app, keep.user_id, "order_ready")
    assert api.delete("/me").status_code == 204
    assert [r.user_id for r in rows(app)] == [keep.user_id]
    assert credit_left(app, api.user_id, "tmpl_order_ready") == 0
    send()
    assert fake.messages(api.openid) == []


def test_export_includes_notifications_and_credits(app, login, send):
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready", "tmpl_order_ready"]})
    nid = queue(app, api.user_id, "order_ready", title="您的 A023 已做好", data={"number": "A023"})
    queue(app, login().user_id, "order_ready", title="别人的")
    send()
    r = api.get("/me/export")
    assert r.status_code == 200
    exported = r.get_json()["notifications"]
    [item] = exported["inbox"]
    assert item["id"] == nid and item["title"] == "您的 A023 已做好" and item["delivery"] == "sent"
    assert item["data"] == {"number": "A023"}
    assert exported["subscriptions"] == [{"template_id": "tmpl_order_ready", "remaining": 0}]


def _crash_state(app, nid, delivery):
    """What a worker killed mid-batch leaves: its claim, and a lease that has run out."""
    from sqlalchemy import update
    with app.app_context():
        db.session.execute(update(Notification).where(Notification.id == nid).values(
            delivery=delivery, claim_token="dead-worker", attempts=1 if delivery == "sending" else 0,
            lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        db.session.remove()


def test_a_send_interrupted_by_a_crash_is_not_repeated(app, login, send, fake):
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    nid = queue(app, api.user_id, "order_ready")
    _crash_state(app, nid, "sending")  # the worker died during the WeChat call
    send()
    [row] = rows(app)
    assert row.delivery == "failed" and "outcome unknown" in row.last_error
    assert fake.messages(api.openid) == []


def test_rows_claimed_by_a_dead_worker_are_taken_over(app, login, send, fake):
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    nid = queue(app, api.user_id, "order_ready")
    _crash_state(app, nid, "pending")  # claimed, never started
    assert send() == 1
    [row] = rows(app)
    assert (row.delivery, row.attempts) == ("sent", 1)
    assert len(fake.messages(api.openid)) == 1


def test_a_live_claim_is_not_taken(app, login, send, fake):
    from sqlalchemy import update
    api = login()
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    nid = queue(app, api.user_id, "order_ready")
    with app.app_context():
        db.session.execute(update(Notification).where(Notification.id == nid).values(
            claim_token="other-worker", lease_until=utcnow() + timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()
    assert send() == 0
    assert fake.messages(api.openid) == []
