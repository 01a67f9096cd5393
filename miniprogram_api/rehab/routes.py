"""Rehab routes for everyone: services, bookable slots, booking and one's appointments."""
from backend.rehab import booking, catalog, slots, views

from ..auth import Blueprint, current_user
from ..common import json_response
from ..idempotency import idempotent
from ..ratelimits import create_per_user
from . import schemas as s

blp = Blueprint("rehab", __name__, url_prefix="/api/v1", description="Rehab stations: services and appointments")


@blp.get("/rehab/services")
@blp.arguments(s.ServiceArgs, location="query")
@blp.response(200, s.ServicePage)
def list_services(args):
    page = catalog.list_services(args.get("site_id"), args["page"], args["page_size"])
    page["items"] = [views.service_view(x) for x in page["items"]]
    return page


@blp.get("/rehab/services/<int:service_id>/slots")
@blp.arguments(s.SlotArgs, location="query")
@blp.response(200, s.SlotOut(many=True))
def list_slots(args, service_id):
    """Bookable slots only; `from`/`to` are local dates of the site (default: today to the horizon)."""
    return json_response(slots.bookable_slots(service_id, args.get("from_"), args.get("to")), localised=True)


@blp.post("/appointments")
@blp.login_required
@create_per_user
@idempotent
@blp.arguments(s.AppointmentIn)
@blp.response(201, s.AppointmentOut)
def book(args):
    """409: slot_full, overlapping_appointment, outside_booking_window, resident_not_verified, booking_restricted."""
    return views.appointment_view(booking.book(current_user(), args["slot_id"], args["resident_id"], args["note"]))


@blp.get("/me/appointments")
@blp.login_required
@blp.arguments(s.MyAppointmentsArgs, location="query")
@blp.response(200, s.AppointmentPage)
def my_appointments(args):
    page = booking.my_appointments(current_user(), args["when"], args["page"], args["page_size"])
    page["items"] = views.appointment_views(page["items"])
    return page


@blp.get("/appointments/<int:appointment_id>")
@blp.login_required
@blp.response(200, s.AppointmentOut)
def get_appointment(appointment_id):
    return views.appointment_view(booking.get_appointment(current_user(), appointment_id))


@blp.post("/appointments/<int:appointment_id>/cancel")
@blp.login_required
@blp.arguments(s.CancelIn)
@blp.response(200, s.AppointmentOut)
def cancel(args, appointment_id):
    """Linked user up to `cancel_cutoff_hours` before (409 cancel_cutoff_passed); staff of the site any time."""
    return views.appointment_view(booking.cancel(current_user(), appointment_id, args["reason"]))


@blp.post("/appointments/<int:appointment_id>/reschedule")
@blp.login_required
@create_per_user
@blp.arguments(s.RescheduleIn)
@blp.response(200, s.AppointmentOut)
def reschedule(args, appointment_id):
    return views.appointment_view(booking.reschedule(current_user(), appointment_id, args["slot_id"]))
