"""Who hears about a loan and what the message says. Joins the caller's transaction (the inbox row is
the outbox row). A walk-in without family has nobody to tell: the staff's overdue list covers them."""
from .. import localtime
from ..domains import NotificationKind
from ..extensions import db
from ..identity import linked_user_ids
from ..notifications import notify
from ..sites import Site
from ..devices import Product

KINDS = {
    "device_loan_due": NotificationKind("辅具借用到期提醒", {
        "thing1": "product", "date2": "due_on", "thing3": "site"}),
    "device_loan_overdue": NotificationKind("辅具借用逾期提醒", {
        "thing1": "product", "date2": "due_on", "thing3": "site"}),
    # Changes the person did not make: a held unit moved to another or lost (repair), a unit now held
    # for someone who was waiting, a hold that lapsed.
    "device_loan_update": NotificationKind("辅具借用进度通知", {
        "thing1": "product", "phrase2": "status", "thing3": "note"}),
}


def _tell(loan, kind: str, title: str, body: str, data: dict) -> None:
    site = db.session.get(Site, loan.site_id)
    product = db.session.get(Product, loan.product_id)
    payload = {"loan_id": loan.id, "product": product.name, "site": site.name, **data}
    for uid in linked_user_ids(loan.resident_id):
        notify(uid, kind, title, f"{body}（{product.name}，{site.name}）", page=f"pages/devices/loan?id={loan.id}",
               data=payload)


def _update(loan, status: str, sentence: str) -> None:
    _tell(loan, "device_loan_update", f"辅具借用{status}", sentence, {"status": status, "note": sentence})


def hold_moved(loan) -> None:
    _update(loan, "已换台", "您预留的辅具需要维修，已为您改留同型号的另一台")


def hold_lost(loan) -> None:
    _update(loan, "待分配", "您预留的辅具需要维修，暂无其他可借，有空闲时将自动为您预留")


def unit_ready(loan) -> None:
    expires = localtime.text(loan.hold_expires_at, loan.site_id)
    _update(loan, "已预留", f"已为您预留一台辅具，请在 {expires} 前到中心领取")


def hold_lapsed(loan) -> None:
    _update(loan, "已过期", "您预留的辅具未在预留期内领取，预留已取消")


def due(loan) -> None:
    _tell(loan, "device_loan_due", "辅具借用即将到期", f"您借用的辅具将于 {loan.due_on.isoformat()} 到期，请按时归还或续借",
          {"due_on": loan.due_on.isoformat()})


def overdue(loan) -> None:
    _tell(loan, "device_loan_overdue", "辅具借用已逾期", f"您借用的辅具已于 {loan.due_on.isoformat()} 到期，请尽快归还",
          {"due_on": loan.due_on.isoformat()})
