"""The worker's follow-up reminders: the family once, 3 days before; staff once when one is overdue,
however many times the worker runs — two worker processes at once included (PostgreSQL)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from backend import localtime
from backend.devices import jobs
from backend.devices.fitting_models import FollowUp
from backend.extensions import db
from backend.identity.models import StaffAssignment
from backend.notifications.models import Notification

from .conftest import to_follow_up


def notes(kind: str) -> list[tuple[int, str]]:
    db.session.commit()
    return list(db.session.execute(select(Notification.user_id, Notification.body).where(Notification.kind == kind)
                                   .order_by(Notification.id)).all())


def set_due(fid: int, days_from_today: int, site_id: int) -> None:
    db.session.execute(update(FollowUp).where(FollowUp.id == fid)
                       .values(due_on=localtime.today(site_id) + timedelta(days=days_from_today)))
    db.session.commit()


def far_future(case: dict, site_id: int) -> None:
    for f in case["followups"]:
        set_due(f["id"], 100 + f["seq"], site_id)


def test_the_family_is_reminded_once_three_days_before(app, devices):
    w = devices
    case = to_follow_up(w)
    far_future(case, w.centre.id)
    f30 = case["followups"][0]["id"]
    set_due(f30, 4, w.centre.id)
    with app.app_context():
        assert jobs.send_due_reminders() == 0  # 4 days ahead: not yet
    set_due(f30, 3, w.centre.id)
    with app.app_context():
        assert jobs.send_due_reminders() == 1
        assert jobs.send_due_reminders() == 0
    sent = notes("device_followup_due")
    assert [uid for uid, _ in sent] == [w.family.user_id]
    assert "第 1 次回访" in sent[0][1]
    inbox = w.family.get("/me/notifications").get_json()["items"]
    assert [n["kind"] for n in inbox].count("device_followup_due") == 1
    # Past due it is no longer the family's reminder but the staff's overdue item.
    set_due(case["followups"][1]["id"], -1, w.centre.id)
    with app.app_context():
        assert jobs.send_due_reminders() == 0


def test_an_overdue_follow_up_is_listed_and_told_to_the_fitter_once(app, devices):
    w = devices
    case = to_follow_up(w)
    far_future(case, w.centre.id)
    f30, f90, _ = [f["id"] for f in case["followups"]]
    set_due(f30, -1, w.centre.id)
    set_due(f90, 0, w.centre.id)  # due today: not overdue yet
    overdue = w.staff.get(f"/staff/device-followups?site_id={w.centre.id}&status=overdue").get_json()
    assert [f["id"] for f in overdue["items"]] == [f30] and overdue["items"][0]["overdue"] is True
    assert overdue["items"][0]["case"]["resident"]["name"] == "张阿姨"
    due = w.staff.get("/staff/device-followups?status=due").get_json()
    assert [f["id"] for f in due["items"]][:1] == [f90]
    with app.app_context():
        assert jobs.flag_overdue() == 1
        assert jobs.flag_overdue() == 0
    assert [uid for uid, _ in notes("device_followup_overdue")] == [w.staff.user_id]  # the fitter
    # Recorded, it leaves the overdue list for the done list.
    w.staff.post(f"/staff/device-followups/{f30}", {"method": "visit", "in_use": True, "satisfaction": 4,
                                                     "outcome": "continue"})
    assert w.staff.get("/staff/device-followups?status=overdue").get_json()["items"] == []
    assert [f["id"] for f in w.staff.get("/staff/device-followups?status=done").get_json()["items"]] == [f30]


def test_when_the_fitter_has_left_the_sites_managers_are_told(app, devices):
    w = devices
    case = to_follow_up(w)
    far_future(case, w.centre.id)
    # The fitter no longer works at the centre; the plain staff member became its manager.
    db.session.execute(StaffAssignment.__table__.delete().where(StaffAssignment.user_id == w.staff.user_id))
    db.session.execute(update(StaffAssignment).where(StaffAssignment.user_id == w.plain_staff.user_id)
                       .values(role="manager"))
    db.session.commit()
    set_due(case["followups"][0]["id"], -2, w.centre.id)
    with app.app_context():
        assert jobs.flag_overdue() == 1
    assert [uid for uid, _ in notes("device_followup_overdue")] == [w.plain_staff.user_id]


@pytest.mark.postgres
def test_two_worker_processes_at_once_tell_staff_exactly_once(app, devices):
    from ..notifications.test_worker_process import pass_counts, spawn
    w = devices
    case = to_follow_up(w)
    f = db.session.get(FollowUp, case["followups"][0]["id"])
    # Many overdue follow-ups, so that the two workers really meet on the same rows.
    today = localtime.today(w.centre.id)
    db.session.add_all([FollowUp(case_id=f.case_id, delivery_id=f.delivery_id, site_id=f.site_id, seq=10 + i,
                                 offset_days=1, due_on=today - timedelta(days=1 + i % 5), status="pending")
                        for i in range(60)])
    db.session.execute(update(FollowUp).where(FollowUp.seq <= 3).values(due_on=today + timedelta(days=100)))
    db.session.commit()
    procs = [spawn(app, "--once", FIELD_ENCRYPTION_KEY=app.config["FIELD_ENCRYPTION_KEY"]) for _ in range(2)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outs.append(pass_counts(out))
    assert sum(o["device_followup_overdue"] for o in outs) == 60
    # And once more, for good measure: nothing left to tell.
    again = spawn(app, "--once", FIELD_ENCRYPTION_KEY=app.config["FIELD_ENCRYPTION_KEY"])
    out, err = again.communicate(timeout=120)
    assert pass_counts(out)["device_followup_overdue"] == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "device_followup_overdue")) == 60
    assert db.session.scalar(select(func.count(func.distinct(Notification.data["followup_id"].as_integer())))
                             .where(Notification.kind == "device_followup_overdue")) == 60
