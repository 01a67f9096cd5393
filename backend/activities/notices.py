"""Who hears about a signup, and what the message says. Joins the caller's transaction."""
from zoneinfo import ZoneInfo

from ..extensions import db
from ..identity.models import Resident
from ..identity.residents import linked_user_ids
from ..notifications.outbox import notify
from ..sites.models import Site
from .models import Activity, Signup

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


def local_time(activity: Activity, site: Site | None) -> str:
    zone = ZoneInfo(site.timezone if site else "Asia/Shanghai")
    return activity.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def template_data(activity: Activity, signup: Signup | None = None, **extra) -> dict:
    """Values the subscribe-message templates are filled from (strings only; JSON-safe)."""
    site = db.session.get(Site, activity.site_id)
    data = {"activity_id": activity.id, "activity_title": activity.title,
            "starts_at": local_time(activity, site), "site_name": site.name if site else "",
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
    who = f"{data['resident_name']}报名的" if data.get("resident_name") else "您报名的"
    where = f"{data['site_name']} {data['location']}".strip()
    if kind == "activity_cancelled":
        return f"{who}“{data['activity_title']}”（{data['starts_at']}）已取消：{data.get('reason', '')}"
    if kind == "activity_changed":
        return f"{who}“{data['activity_title']}”时间或地点有变：{data['starts_at']} 在 {where}"
    if kind == "activity_reminder":
        return f"{who}“{data['activity_title']}”将于 {data['starts_at']} 在 {where} 开始"
    if kind == "signup_promoted":
        return f"{who}“{data['activity_title']}”已由候补转为报名成功，{data['starts_at']} 在 {where}"
    return f"{who}“{data['activity_title']}”报名成功，{data['starts_at']} 在 {where}"


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
