"""Staff of a disability home: manage activities, roster, check-in, attendance, volunteer credits."""
from backend.activities import attendance, catalogue, manage, roster

from ..auth import Blueprint, current_user
from ..idempotency import idempotent
from . import schemas as s

blp = Blueprint("activities_staff", __name__, url_prefix="/api/v1/staff",
                description="Staff: activities, roster, check-in, volunteer credits")


@blp.get("/activities")
@blp.login_required
@blp.arguments(s.StaffActivityArgs, location="query")
@blp.response(200, s.ActivityPage)
def list_activities(args):
    return catalogue.staff_list(current_user(), **args)


@blp.post("/activities")
@blp.login_required
@idempotent
@blp.arguments(s.ActivityIn)
@blp.response(201, s.ActivityOut)
def create_activity(args):
    return manage.create(current_user(), args)


@blp.patch("/activities/<int:activity_id>")
@blp.login_required
@blp.arguments(s.ActivityPatch)
@blp.response(200, s.ActivityOut)
def edit_activity(args, activity_id):
    return manage.edit(current_user(), activity_id, args)


@blp.post("/activities/<int:activity_id>/publish")
@blp.login_required
@blp.response(200, s.ActivityOut)
def publish_activity(activity_id):
    return manage.publish(current_user(), activity_id)


@blp.post("/activities/<int:activity_id>/cancel")
@blp.login_required
@blp.arguments(s.ActivityCancelIn)
@blp.response(200, s.ActivityOut)
def cancel_activity(args, activity_id):
    return manage.cancel(current_user(), activity_id, args["reason"])


@blp.post("/activities/<int:activity_id>/complete")
@blp.login_required
@blp.response(200, s.ActivityOut)
def complete_activity(activity_id):
    return manage.complete(current_user(), activity_id)


@blp.get("/activities/<int:activity_id>/roster")
@blp.login_required
@blp.response(200, s.ActivityRosterOut)
def activity_roster(activity_id):
    return roster.roster(current_user(), activity_id)


@blp.post("/checkins")
@blp.login_required
@blp.arguments(s.CheckinIn)
@blp.response(200, s.StaffSignupOut)
def check_in(args):
    return attendance.scan(current_user(), args["code"])


@blp.post("/signups/<int:signup_id>/attendance")
@blp.login_required
@blp.arguments(s.SignupAttendanceIn)
@blp.response(200, s.StaffSignupOut)
def set_attendance(args, signup_id):
    return attendance.set_attendance(current_user(), signup_id, args["status"])


@blp.put("/signups/<int:signup_id>/volunteer-minutes")
@blp.login_required
@blp.arguments(s.VolunteerMinutesIn)
@blp.response(200, s.StaffSignupOut)
def correct_minutes(args, signup_id):
    return attendance.correct_minutes(current_user(), signup_id, args["minutes"])
