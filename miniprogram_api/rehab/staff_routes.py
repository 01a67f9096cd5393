"""Rehab routes for station staff and managers."""
from backend.rehab import catalog, schedule, staff, views

from ..auth import Blueprint, current_user
from ..idempotency import idempotent
from . import schemas as s

blp = Blueprint("rehab_staff", __name__, url_prefix="/api/v1/staff",
                description="Rehab stations: services, therapists, schedules, closures, rosters")


@blp.post("/rehab/services")
@blp.login_required
@idempotent
@blp.arguments(s.ServiceIn)
@blp.response(201, s.ServiceOut)
def create_service(args):
    return views.service_view(catalog.create_service(current_user(), args))


@blp.patch("/rehab/services/<int:service_id>")
@blp.login_required
@blp.arguments(s.ServicePatch)
@blp.response(200, s.ServiceOut)
def update_service(args, service_id):
    return views.service_view(catalog.update_service(current_user(), service_id, args))


@blp.put("/rehab/services/<int:service_id>/schedule")
@blp.login_required
@blp.arguments(s.ScheduleIn)
@blp.response(200, s.ScheduleOut)
def put_schedule(args, service_id):
    """Replaces the weekly plan; future free slots follow it, booked ones stay and come back as `conflicts`."""
    return schedule.set_schedule(current_user(), service_id, args)


@blp.get("/rehab/services/<int:service_id>/schedule")
@blp.login_required
@blp.response(200, s.ScheduleOut)
def get_schedule(service_id):
    return schedule.get_schedule(current_user(), service_id)


@blp.post("/sites/<int:site_id>/therapists")
@blp.login_required
@idempotent
@blp.arguments(s.TherapistIn)
@blp.response(201, s.TherapistOut)
def create_therapist(args, site_id):
    return views.therapist_full(catalog.create_therapist(current_user(), site_id, args))


@blp.get("/sites/<int:site_id>/therapists")
@blp.login_required
@blp.response(200, s.TherapistList)
def list_therapists(site_id):
    return {"items": [views.therapist_full(t) for t in catalog.list_therapists(current_user(), site_id)]}


@blp.post("/sites/<int:site_id>/closures")
@blp.login_required
@idempotent
@blp.arguments(s.ClosureIn)
@blp.response(201, s.ClosureOut)
def close_day(args, site_id):
    """Cancels that day's booked appointments and notifies each resident's users (409 already_closed)."""
    return staff.close_day(current_user(), site_id, args["date"], args["reason"])


@blp.get("/sites/<int:site_id>/appointments")
@blp.login_required
@blp.arguments(s.RosterArgs, location="query")
@blp.response(200, s.DayRosterOut)
def day_roster(args, site_id):
    return staff.day_roster(current_user(), site_id, args.get("date"))


@blp.post("/appointments/<int:appointment_id>/status")
@blp.login_required
@blp.arguments(s.AppointmentStatusIn)
@blp.response(200, s.AppointmentOut)
def set_status(args, appointment_id):
    """booked→checked_in→completed; booked→no_show; no_show→excused (else 409 invalid_transition)."""
    return views.appointment_view(staff.set_status(current_user(), appointment_id, args["status"], args["note"]))
