"""The devices domain's worker jobs: follow-up reminders, each exactly once however many workers run.

- `device_followup_reminders`: the family gets `device_followup_due` DEVICE_FOLLOWUP_REMIND_DAYS
  (3) days before a pending follow-up is due (not once it is past: then it is the staff's).
- `device_followup_overdue`: a pending follow-up past its due day (the site's local calendar) gives
  the fitter — or, if they no longer work there, the site's managers — one inbox item.

Each row is claimed with a conditional UPDATE (`… WHERE reminded_at IS NULL`) in the transaction
that writes the notification: a second worker's UPDATE waits for the first's commit, then matches
nothing, so two processes at once still notify once.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from .. import localtime
from ..db import utcnow
from ..extensions import db
from ..identity import Resident, StaffAssignment, linked_user_ids
from ..notifications import notify
from ..sites import Site
from ..units import transaction
from .case_models import DeviceCase
from .catalogue import class_name
from .fitting_models import Delivery, FollowUp

BATCH = 500


def _candidates(marker, latest_due) -> list[FollowUp]:
    with transaction():
        return list(db.session.scalars(select(FollowUp).where(
            FollowUp.status == "pending", marker.is_(None), FollowUp.due_on <= latest_due)
            .order_by(FollowUp.due_on, FollowUp.id).limit(BATCH)))


def _claim(followup_id: int, column: str) -> bool:
    marker = getattr(FollowUp, column)
    return db.session.execute(update(FollowUp).where(FollowUp.id == followup_id, FollowUp.status == "pending",
                                                     marker.is_(None))
                              .values({column: utcnow()}).execution_options(synchronize_session=False)).rowcount == 1


def _data(f: FollowUp) -> tuple[DeviceCase, Site, dict]:
    case = db.session.get(DeviceCase, f.case_id)
    site = db.session.get(Site, f.site_id)
    return case, site, {"case_id": case.id, "followup_id": f.id, "class_name": class_name(case.class_code),
                        "due_on": f.due_on.isoformat(), "site": site.name}


def send_due_reminders() -> int:
    days = current_app.config.get("DEVICE_FOLLOWUP_REMIND_DAYS", 3)
    # Loose bound in UTC (a day either way covers every zone), exact per site below.
    latest = utcnow().date() + timedelta(days=days + 1)
    sent = 0
    for f in _candidates(FollowUp.reminded_at, latest):
        today = localtime.today(f.site_id)
        if not today <= f.due_on <= today + timedelta(days=days):
            continue
        with transaction():
            if not _claim(f.id, "reminded_at"):
                continue
            case, site, data = _data(f)
            body = f"{data['class_name']}的第 {f.seq} 次回访将于 {f.due_on:%Y-%m-%d} 进行（{site.name}），请保持电话畅通"
            for uid in linked_user_ids(case.resident_id):
                notify(uid, "device_followup_due", "辅具回访提醒", body, page=f"pages/devices/case?id={case.id}",
                       data=data)
            sent += 1
    return sent


def _staff_to_tell(f: FollowUp) -> list[int]:
    fitter = db.session.scalar(select(Delivery.fitted_by_id).where(Delivery.id == f.delivery_id))
    roles = dict(db.session.execute(select(StaffAssignment.user_id, StaffAssignment.role)
                                    .where(StaffAssignment.site_id == f.site_id)).all())
    if fitter is not None and fitter in roles:
        return [fitter]
    return sorted(uid for uid, role in roles.items() if role == "manager")


def flag_overdue() -> int:
    latest = utcnow().date() + timedelta(days=1)
    flagged = 0
    for f in _candidates(FollowUp.overdue_notified_at, latest):
        if not f.due_on < localtime.today(f.site_id):
            continue
        with transaction():
            if not _claim(f.id, "overdue_notified_at"):
                continue
            case, site, data = _data(f)
            resident = db.session.get(Resident, case.resident_id)
            data["resident"] = resident.name
            body = (f"{resident.name}的{data['class_name']}第 {f.seq} 次回访应于 {f.due_on:%Y-%m-%d} 完成，"
                    f"尚未记录（{site.name}）")
            for uid in _staff_to_tell(f):
                notify(uid, "device_followup_overdue", "辅具回访已逾期", body, page="pages/staff/device-followups",
                       data=data)
            flagged += 1
    return flagged


JOBS = {"device_followup_reminders": send_due_reminders, "device_followup_overdue": flag_overdue}
