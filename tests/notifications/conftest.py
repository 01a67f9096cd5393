"""Helpers for the notification tests: run the sending job in-process, read the fake's log, arm faults."""
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select, update

from backend.db import utcnow
from backend.extensions import db
from backend.notifications.models import Notification, SubscriptionCredit


@pytest.fixture
def send(app):
    """One pass of the sending job (the same function `flask worker` runs); rows handled."""
    from backend.notifications.jobs import send_notifications

    def run() -> int:
        with app.app_context():
            try:
                return send_notifications()
            finally:
                db.session.remove()
    return run


@pytest.fixture
def fake(app):
    base = app.config["FAKE_URL"]

    class Fake:
        def messages(self, touser=None) -> list[dict]:
            params = {"touser": touser} if touser else {}
            return requests.get(f"{base}/_fake/messages", params=params, timeout=5).json()["items"]

        def fault(self, mode: str, times: int, errcode: int | None = None) -> None:
            r = requests.post(f"{base}/_fake/faults", json={"api": "subscribe_send", "mode": mode,
                                                            "errcode": errcode, "times": times}, timeout=5)
            assert r.status_code < 300, r.text
    return Fake()


@pytest.fixture
def short_timeout(app):
    """The WeChat call times out after 1.5 s (the fake's timeout fault sleeps 10 s); long enough
    that a normal call on a loaded machine does not time out."""
    old = app.config["WECHAT_TIMEOUT_SECONDS"]
    app.config["WECHAT_TIMEOUT_SECONDS"] = 1.5
    app.extensions.pop("wechat_mp", None)
    yield
    app.config["WECHAT_TIMEOUT_SECONDS"] = old
    app.extensions.pop("wechat_mp", None)


@pytest.fixture
def config(app):
    """Change app config for one test."""
    saved = {}

    def set_(**values):
        for k, v in values.items():
            saved.setdefault(k, app.config.get(k))
            app.config[k] = v
    yield set_
    app.config.update(saved)


def rows(app, **where) -> list[Notification]:
    with app.app_context():
        stmt = select(Notification).order_by(Notification.id)
        for k, v in where.items():
            stmt = stmt.where(getattr(Notification, k) == v)
        found = db.session.scalars(stmt).all()
        db.session.expunge_all()
        db.session.remove()
        return list(found)


def credit_left(app, user_id: int, template_id: str) -> int:
    with app.app_context():
        n = db.session.scalar(select(SubscriptionCredit.remaining).where(
            SubscriptionCredit.user_id == user_id, SubscriptionCredit.template_id == template_id))
        db.session.remove()
        return n or 0


def make_due(app) -> None:
    """Skip the backoff wait: every pending row is due now."""
    with app.app_context():
        db.session.execute(update(Notification).where(Notification.delivery == "pending")
                           .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        db.session.remove()


def queue(app, user_id: int, kind: str = "volunteer_reviewed", **kw) -> int:
    """A committed notification, as a domain's use case would leave it."""
    from backend.notifications.outbox import notify
    with app.app_context():
        n = notify(user_id, kind, kw.pop("title", "标题"), kw.pop("body", "正文"), kw.pop("page", "pages/index"),
                   kw.pop("data", {"result": "已通过", "note": "欢迎", "time": utcnow()}))
        db.session.commit()
        nid = n.id
        db.session.remove()
        return nid
