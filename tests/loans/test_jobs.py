"""What the worker does for loans: holds lapse by themselves (the clock moved by the test through the
jobs' `now`), and the due / overdue reminders arrive once each — even with two worker processes."""
from collections import Counter
from datetime import datetime, time, timedelta, timezone

import pytest
import requests
from sqlalchemy import func, select, update

from backend import localtime
from backend.db import utcnow
from backend.extensions import db
from backend.loans import jobs, lending
from backend.loans.models import DeviceItem, DeviceLoan
from backend.notifications.jobs import send_notifications
from backend.notifications.models import Notification, SubscriptionCredit
from backend.identity.models import User

from ..notifications.test_worker_process import pass_counts, spawn
from .conftest import add_units, lend, reserve


def kinds(user_id: int) -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(Notification.kind).where(Notification.user_id == user_id)))


def test_a_hold_lapses_and_the_unit_is_reservable_again(world, app):
    w = world
    (unit,) = add_units(w, w.wheelchair, 1)
    loan = reserve(w)
    assert reserve(w, client=w.other_family, resident=w.other_resident, expect=409)["error"]["code"] == "none_available"
    assert jobs.lapse_holds() == 0  # not yet
    later = utcnow() + timedelta(days=7, minutes=1)
    # Read at that moment (computed at read, before anything ends it): the hold shows as expired and
    # the unit as available.
    user = db.session.get(User, w.other_family.user_id)
    got = lending.reserve(user, {"resident_id": w.other_resident.id, "site_id": w.centre.id,
                                 "product_id": w.wheelchair.id, "purpose": "trial"}, now=later)
    assert got["status"] == "reserved" and got["item"]["id"] == unit["id"]
    first = w.family.get(f"/device-loans/{loan['id']}").get_json()
    assert first["status"] == "expired" and first["history"][-1]["action"] == "expired"
    assert kinds(w.family.user_id)["device_loan_update"] == 1  # told the hold lapsed


def test_the_worker_ends_lapsed_holds(world, client):
    w = world
    add_units(w, w.walker, 1)
    loan = reserve(w, w.walker)
    assert jobs.lapse_holds(now=utcnow() + timedelta(days=8)) == 1
    assert jobs.lapse_holds(now=utcnow() + timedelta(days=8)) == 0
    assert w.family.get(f"/device-loans/{loan['id']}").get_json()["status"] == "expired"
    items = client.get(f"/devices/loanable?site_id={w.centre.id}").get_json()["items"]
    assert [i["available"] for i in items] == [1]
    again = reserve(w, w.walker)
    assert again["status"] == "reserved"


def _set_due(loan_id: int, due) -> None:
    db.session.execute(update(DeviceLoan).where(DeviceLoan.id == loan_id).values(due_on=due))
    db.session.commit()


def test_due_and_overdue_reminders_once_each_and_a_renewal_rearms_them(world):
    w = world
    add_units(w, w.wheelchair, 1)
    loan = lend(w, days=3)  # due in 3 days: the due reminder is due now
    assert jobs.send_reminders() == 1 and jobs.send_reminders() == 0
    assert kinds(w.family.user_id)["device_loan_due"] == 1
    # The day after the due date: overdue, once.
    day_after = datetime.combine(localtime.today(w.centre.id) + timedelta(days=4), time(10),
                                 tzinfo=localtime.zone_of(w.centre.id)).astimezone(timezone.utc)
    assert jobs.send_reminders(now=day_after) == 1 and jobs.send_reminders(now=day_after) == 0
    assert kinds(w.family.user_id)["device_loan_overdue"] == 1
    # Renewed (before it was overdue, in real time): the new due date re-arms the due reminder.
    assert w.family.post(f"/device-loans/{loan['id']}/renew").status_code == 200
    renewed_due = localtime.today(w.centre.id) + timedelta(days=63)
    four_days_before = datetime.combine(renewed_due - timedelta(days=3), time(9),
                                        tzinfo=localtime.zone_of(w.centre.id)).astimezone(timezone.utc)
    assert jobs.send_reminders(now=four_days_before - timedelta(days=1)) == 0
    assert jobs.send_reminders(now=four_days_before) == 1 and jobs.send_reminders(now=four_days_before) == 0
    assert kinds(w.family.user_id) == {"device_loan_due": 2, "device_loan_overdue": 1}
    n = db.session.scalars(select(Notification).where(Notification.kind == "device_loan_due")
                           .order_by(Notification.id.desc())).first()
    assert n.data["due_on"] == renewed_due.isoformat() and n.data["product"] == "轻便轮椅"
    assert n.data["site"] == "东营区辅具中心"


def test_returned_loans_are_not_reminded(world):
    w = world
    add_units(w, w.wheelchair, 1)
    loan = lend(w, days=2)
    w.staff.post(f"/staff/device-loans/{loan['id']}/return", {"condition": "good", "note": ""})
    assert jobs.send_reminders() == 0


def test_two_worker_processes_send_each_reminder_once(world, app):
    w = world
    n_loans = 6
    add_units(w, w.wheelchair, n_loans)
    add_units(w, w.walker, n_loans)
    from ..factories import ResidentFactory, link
    clients = [w.family if i % 3 == 0 else w.other_family for i in range(n_loans)]
    people = []
    for i, c in enumerate(clients):
        resident = ResidentFactory(name=f"借用人{i}")
        link(c.user_id, resident)
        people.append(resident)
    loans = [lend(w, w.wheelchair if i % 2 else w.walker, days=2, client=c, resident=r)
             for i, (c, r) in enumerate(zip(clients, people))]
    clients = {c.user_id: c for c in clients}
    # Half of them past due (the day after): an overdue reminder instead.
    yesterday = localtime.today(w.centre.id) - timedelta(days=1)
    overdue_ids = [loan["id"] for loan in loans[::2]]
    for loan_id in overdue_ids:
        _set_due(loan_id, yesterday)
    for uid in clients:
        for kind in ("device_loan_due", "device_loan_overdue"):
            db.session.add(SubscriptionCredit(user_id=uid, template_id=f"tmpl_{kind}", remaining=50))
    db.session.commit()
    db.session.remove()

    for _round in range(2):  # the reminders claimed, then sent (each pass runs every job once)
        procs = [spawn(app, "--once") for _ in range(2)]
        results = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
        if _round == 0:
            made = [pass_counts(out)["loan_reminders"] for out, _ in results]
            assert sum(made) == len(loans), made
    db.session.expire_all()
    per_loan = Counter((n.data["loan_id"], n.kind) for n in db.session.scalars(
        select(Notification).where(Notification.kind.in_(("device_loan_due", "device_loan_overdue")))))
    expected = {(loan["id"], "device_loan_overdue" if loan["id"] in overdue_ids else "device_loan_due"): 1
                for loan in loans}
    assert per_loan == expected
    base = app.config["FAKE_URL"]
    got = []
    for openid in (w.family.openid, w.other_family.openid):
        got += requests.get(f"{base}/_fake/messages", params={"touser": openid}, timeout=5).json()["items"]
    assert Counter(m["template_id"] for m in got) == {"tmpl_device_loan_overdue": len(overdue_ids),
                                                     "tmpl_device_loan_due": len(loans) - len(overdue_ids)}
