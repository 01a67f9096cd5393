"""What the notifications domain says on other domains' events (those whose message it owns)."""
from .. import localtime
from .outbox import notify


def volunteer_reviewed(_sender, *, user_id: int, status: str, note: str, at) -> None:
    """identity reviewed a volunteer application: tell the applicant."""
    approved = status == "approved"
    notify(user_id, "volunteer_reviewed",
           title="志愿者申请已通过" if approved else "志愿者申请未通过",
           body=note or ("欢迎加入志愿者队伍" if approved else "如有疑问请联系工作人员"),
           page="pages/volunteer/index",
           data={"result": "已通过" if approved else "未通过", "note": note, "time": localtime.iso(at)})
