"""Who hears about a signup, and what the message says. Joins the caller's transaction."""
from .. import localtime
from ..domains import NotificationKind
from ..extensions import db
from ..identity import Resident, linked_user_ids
from ..notifications import notify
from ..sites import Site
from .models import Activity, Signup

# The kinds this domain sends, with their default subscribe-message templates: template field
# (WeChat's value type + a number) -> the key of `template_data` it shows.
KINDS = {
    "signup_confirmed": NotificationKind("活动报名成功通知", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "location", "name4": "resident_name"}),
    "signup_promoted": NotificationKind("候补转正通知", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "location", "name4": "resident_name"}),
    "activity_cancelled": NotificationKind("活动取消通知", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "reason"}),
    "activity_changed": NotificationKind("活动变更通知", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "location"}),
    "activity_reminder": NotificationKind("活动开始提醒", {
        "thing1": "activity_title", "time2": "starts_at", "thing3": "location"}),
}

TITLES = {
    "signup_confirmed": "活动报名成功",
    "signup_promoted": "候补转为报名成功",
    "activity_cancelled": "活动已取消",
    "activity_changed": "活动时间或地点有变",
    "activity_reminder": "活动即将开始",
}


def recipients(signup: Signup) -> list[int]:
    """The volunteer themself, or every user linked to the resident (none for a walk-in without family)."""
    if signup.role == "volunteer":
        return [signup.user_id] if signup.user_id else []
    return linked_user_ids(signup.resident_id)


def template_data(activity: Activity, signup: Signup | None = None, **extra) -> dict:
    """Values the subscribe-message templates are filled from (JSON-safe); times in the site's zone:
    `starts_at` as ISO 8601 with its offset, `starts_at_text` as people read it."""
    site = db.session.get(Site, activity.site_id)
    data = {"activity_id": activity.id, "activity_title": activity.title,
            "starts_at": localtime.iso(activity.starts_at, site),
            "starts_at_text": localtime.text(activity.starts_at, site), "site_name": site.name if site else "",
            "location": activity.location or (site.address if site else "")}
    if signup is not None:
        data["signup_id"] = signup.id
        data["role"] = signup.role
        if signup.resident_id:
            resident = db.session.get(Resident, signup.resident_id)
            data["resident_name"] = resident.name if resident else ""
            data["companions"] = signup.companions
    data.update(extra)
    return data


def _body(kind: str, data: dict) -> str:
    name = data.get("resident_name") or "您"
    title = f"“{data['activity_title']}”"
    where = f"{data['site_name']} {data['location']}".strip()
    when = data["starts_at_text"]
    if kind == "activity_cancelled":
        reason = data.get("reason") or ""
        return f"{name}报名的{title}（{when}）已取消" + (f"：{reason}" if reason else "")
    if kind == "activity_changed":
        return f"{name}报名的{title}时间或地点有变：{when} 在 {where}"
    if kind == "activity_reminder":
        return f"{name}报名的{title}将于 {when} 在 {where} 开始"
    if kind == "signup_promoted":
        return f"{name}报名的{title}已由候补转为正式报名，{when} 在 {where}"
    return f"{name}已成功报名{title}，{when} 在 {where}"


def notify_signup(signup: Signup, activity: Activity, kind: str, **extra) -> int:
    """Notify everyone who should hear about `signup`; returns how many notifications were queued."""
    users = recipients(signup)
    if not users:
        return 0
    data = template_data(activity, signup, **extra)
    body = _body(kind, data)
    for user_id in users:
        notify(user_id, kind, TITLES[kind], body, page=f"pages/activities/detail?id={activity.id}", data=data)
    return len(users)
