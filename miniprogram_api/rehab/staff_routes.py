"""Rehab routes for station staff and managers."""
from backend.rehab import catalogue, schedule, staff

from ..auth import BEARER_OR_SCREEN, current_user
from ..idempotency import idempotent
from . import schemas as s
from .routes import blp



@blp.post("/staff/rehab/services")
@blp.login_required
@idempotent
@blp.arguments(s.ServiceIn)
@blp.response(201, s.ServiceOut)
def create_service(args):
    """新增康复服务"""
    return catalogue.create_service(current_user(), args)


@blp.patch("/staff/rehab/services/<int:service_id>")
@blp.login_required
@blp.arguments(s.ServicePatch)
@blp.response(200, s.ServiceOut)
def update_service(args, service_id):
    """修改康复服务"""
    return catalogue.update_service(current_user(), service_id, args)


@blp.put("/staff/rehab/services/<int:service_id>/schedule")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.ScheduleIn)
@blp.response(200, s.ScheduleOut)
def put_schedule(args, service_id):
    """设置每周排班

    Replaces the weekly plan; future free slots follow it, booked ones stay and come back as `conflicts`."""
    return schedule.set_schedule(current_user(), service_id, args)


@blp.post("/staff/rehab/services/<int:service_id>/schedule/preview")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.ScheduleIn)
@blp.response(200, s.ScheduleOut)
def preview_schedule(args, service_id):
    """预览每周排班（不保存）

    The answer `PUT .../schedule` would give for this plan (`created`, `removed`, `conflicts`),
    with nothing saved: staff see the conflicts before they save."""
    return schedule.preview_schedule(current_user(), service_id, args)


@blp.get("/staff/rehab/services/<int:service_id>/schedule")
@blp.login_required
@blp.response(200, s.ScheduleOut)
def get_schedule(service_id):
    """查看每周排班"""
    return schedule.get_schedule(current_user(), service_id)


@blp.post("/staff/sites/<int:site_id>/therapists")
@blp.login_required
@idempotent
@blp.arguments(s.TherapistIn)
@blp.response(201, s.TherapistOut)
def create_therapist(args, site_id):
    """新增康复师"""
    return catalogue.create_therapist(current_user(), site_id, args)


@blp.get("/staff/sites/<int:site_id>/therapists")
@blp.login_required
@blp.response(200, s.TherapistList)
def list_therapists(site_id):
    """本站点的康复师"""
    return {"items": catalogue.list_therapists(current_user(), site_id)}


@blp.post("/staff/sites/<int:site_id>/closures")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@idempotent
@blp.arguments(s.ClosureIn)
@blp.response(201, s.ClosureOut)
def close_day(args, site_id):
    """设置闭站日

    Cancels that day's booked appointments and notifies each resident's users (409 already_closed)."""
    return staff.close_day(current_user(), site_id, args["date"], args["reason"])


@blp.get("/staff/sites/<int:site_id>/appointments")
@blp.login_required
@blp.arguments(s.RosterArgs, location="query")
@blp.response(200, s.DayRosterOut)
def day_roster(args, site_id):
    """当日预约名单"""
    return staff.day_roster(current_user(), site_id, args.get("date"))


@blp.post("/staff/appointments/<int:appointment_id>/status")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.AppointmentStatusIn)
@blp.response(200, s.AppointmentOut)
def set_appointment_status(args, appointment_id):
    """更新预约状态（签到、完成、爽约、免责）

    booked → checked_in → completed; booked → no_show; no_show → excused."""
    return staff.set_status(current_user(), appointment_id, args["status"], args["note"])
