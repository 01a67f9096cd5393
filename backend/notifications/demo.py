"""Demo notifications: one to send, one without a credit (inbox only)."""
from .. import localtime
from ..db import utcnow
from . import credits
from .outbox import notify


def seed(ctx: dict) -> None:
    """The volunteer has accepted the review template and has a welcome in the inbox;
    `flask worker` then sends it to the fake (GET /_fake/messages?touser=volunteer)."""
    users = ctx["users"]
    volunteer = users["volunteer"]
    credits.add(volunteer.id, "tmpl_volunteer_reviewed")
    notify(volunteer.id, "volunteer_reviewed", "志愿者申请已通过", "欢迎加入志愿者队伍",
           page="pages/volunteer/index", data={"result": "已通过", "note": "欢迎加入", "time": localtime.iso(utcnow())})
    notify(users["family"].id, "order_ready", "您的 A001 已做好", "请到柜台取餐",
           page="pages/orders/index", data={"order_no": "A001", "cafe": "手语咖啡（示范）", "ready_at": utcnow()})
