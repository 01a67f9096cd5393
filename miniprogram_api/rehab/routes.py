"""Rehab routes for everyone: services, bookable slots, booking and one's appointments."""
from backend.rehab import booking, catalogue, slots

from ..auth import current_user
from ..blueprint import Blueprint
from ..common import json_response
from ..idempotency import idempotent
from ..ratelimits import create_per_user
from . import schemas as s

blp = Blueprint("rehab", __name__, url_prefix="/api/v1",
                description="社区康复站：服务、时段、预约；工作人员的排班、闭站、当日名单")


@blp.get("/rehab/services")
@blp.arguments(s.ServiceArgs, location="query")
@blp.response(200, s.ServicePage)
def list_services(args):
    """康复服务列表"""
    return catalogue.list_services(args.get("site_id"), args["page"], args["page_size"])


@blp.get("/rehab/services/<int:service_id>/slots")
@blp.arguments(s.SlotArgs, location="query")
@blp.response(200, s.SlotOut(many=True))
def list_slots(args, service_id):
    """可预约的时段

    Bookable slots only; `from`/`to` are local dates of the site (default: today to the horizon)."""
    return json_response(slots.bookable_slots(service_id, args.get("from_"), args.get("to")))


@blp.post("/appointments")
@blp.login_required
@create_per_user
@idempotent
@blp.arguments(s.AppointmentIn)
@blp.response(201, s.AppointmentOut)
def book(args):
    """预约康复服务

    By a linked user, or by staff of the site for a walk-in (no minimum notice, no no-show rule)."""
    return booking.book(current_user(), args["slot_id"], args["resident_id"], args["note"])


@blp.get("/me/appointments")
@blp.login_required
@blp.arguments(s.MyAppointmentsArgs, location="query")
@blp.response(200, s.AppointmentPage)
def my_appointments(args):
    """我的预约"""
    return booking.my_appointments(current_user(), args["when"], args["page"], args["page_size"])


@blp.get("/appointments/<int:appointment_id>")
@blp.login_required
@blp.response(200, s.AppointmentOut)
def get_appointment(appointment_id):
    """预约详情"""
    return booking.get_appointment(current_user(), appointment_id)


@blp.post("/appointments/<int:appointment_id>/cancel")
@blp.login_required
@blp.arguments(s.CancelIn)
@blp.response(200, s.AppointmentOut)
def cancel_appointment(args, appointment_id):
    """取消预约

    Linked user up to `cancel_cutoff_hours` before (409 cancel_cutoff_passed); staff of the site any time."""
    return booking.cancel(current_user(), appointment_id, args["reason"])


@blp.post("/appointments/<int:appointment_id>/reschedule")
@blp.login_required
@create_per_user
@blp.arguments(s.RescheduleIn)
@blp.response(200, s.AppointmentOut)
def reschedule(args, appointment_id):
    """改约到另一个时段"""
    return booking.reschedule(current_user(), appointment_id, args["slot_id"])
