"""Who hears about an appointment, and what the message says. Joins the caller's transaction."""
from datetime import datetime

from .. import localtime
from ..domains import NotificationKind
from ..extensions import db
from ..identity import Resident, linked_user_ids
from ..notifications import notify
from ..sites import Site
from .models import Appointment, RehabService

# The kinds this domain sends, with their default subscribe-message templates: template field
# (WeChat's value type + a number) -> the key of the `data` below.
KINDS = {
    "appointment_booked": NotificationKind("预约成功通知", {
        "thing1": "service", "time2": "starts_at", "thing3": "site", "name4": "resident"}),
    "appointment_cancelled": NotificationKind("预约取消通知", {
        "thing1": "service", "time2": "starts_at", "thing3": "reason"}),
    "appointment_rescheduled": NotificationKind("预约变更通知", {
        "thing1": "service", "time2": "starts_at", "time3": "old_starts_at", "thing4": "site"}),
    "appointment_reminder": NotificationKind("预约就诊提醒", {
        "thing1": "service", "time2": "starts_at", "thing3": "site"}),
}


def notify_residents_users(a: Appointment, kind: str, title: str, extra: str = "",
                           old_starts_at: datetime | None = None, old_site_id: int | None = None) -> None:
    """Tell every user linked to the resident (a walk-in without a linked user gets nothing to send).

    `data` keys follow this domain's template field maps (KINDS: service, starts_at, site, resident,
    reason); starts_at is ISO 8601 in the site's zone."""
    site = db.session.get(Site, a.site_id)
    service = db.session.get(RehabService, a.service_id)
    resident = db.session.get(Resident, a.resident_id)
    when = localtime.text(a.starts_at, site)
    data = {"service": service.name, "starts_at": localtime.iso(a.starts_at, site), "site": site.name,
            "resident": resident.name, "reason": extra or title, "appointment_id": a.id}
    if old_starts_at is not None:  # a reschedule: the old time as the old site's wall clock showed it
        old_site = db.session.get(Site, old_site_id or a.site_id)
        when = f"由 {localtime.text(old_starts_at, old_site)} 改为 {when}"
        data["old_starts_at"] = localtime.iso(old_starts_at, old_site)
    body = f"{service.name}，{when}，{site.name}" + (f"。{extra}" if extra else "")
    for uid in linked_user_ids(a.resident_id):
        notify(uid, kind, title, body, page=f"pages/appointments/detail?id={a.id}", data=data)
