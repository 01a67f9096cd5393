"""Who hears about a device case, and what the message says. Joins the caller's transaction."""
from .. import localtime
from ..db import utcnow
from ..domains import NotificationKind
from ..extensions import db
from ..identity import linked_user_ids
from ..notifications import notify
from ..sites import Site
from .case_models import DeviceCase
from .catalogue import class_name

KINDS = {
    "device_case_update": NotificationKind("辅具申请进度通知", {
        "thing1": "class_name", "phrase2": "status", "thing3": "note", "time4": "at"}),
    "device_followup_due": NotificationKind("辅具回访提醒", {
        "thing1": "class_name", "date2": "due_on", "thing3": "site"}),
    # To staff (the fitter, else the site's managers): a follow-up passed its due day undone.
    "device_followup_overdue": NotificationKind("辅具回访逾期提醒", {
        "thing1": "class_name", "date2": "due_on", "thing3": "resident"}),
}

# What the person is told at each moment of the case (phrase: at most 5 characters).
UPDATES = {
    "accepted": ("已受理", "您的辅具申请已受理，请等待评估"),
    "returned": ("已退回", "您的辅具申请被退回，请补正后重新提交"),
    "approved": ("已批准", "您的辅具申请已审批通过，正在为您订购"),
    "rejected": ("未通过", "您的辅具申请未通过审批"),
    "ready": ("待适配", "您的辅具已到，请等待中心联系适配交付"),
    "closed": ("已结案", "您的辅具服务已结案"),
    "delivered": ("已交付", "您的辅具已适配交付，中心将按期回访"),
    "reassess": ("再评估", "根据回访情况，中心将为您重新评估"),
    "repair_requested": ("已报修", "您的辅具维修申请已登记"),
    "repair_in_progress": ("维修中", "您的辅具正在维修"),
    "repair_done": ("已修好", "您的辅具已维修完成"),
    "repair_replaced": ("已更换", "您的辅具已更换"),
}


def notify_case(case: DeviceCase, what: str, note: str = "") -> None:
    """Tell every user linked to the case's resident (a walk-in without family gets nothing to send)."""
    status, sentence = UPDATES[what]
    site = db.session.get(Site, case.site_id)
    name = class_name(case.class_code)
    body = f"{sentence}（{name}，{site.name}）" + (f"：{note}" if note else "")
    data = {"case_id": case.id, "class_name": name, "status": status, "note": note or sentence,
            "at": localtime.iso(utcnow(), site)}
    for uid in linked_user_ids(case.resident_id):
        notify(uid, "device_case_update", f"辅具申请{status}", body, page=f"pages/devices/case?id={case.id}",
               data=data)
