"""Activities for everyone: listing, signing up, cancelling, check-in codes, own signups and hours."""
from backend.activities import attendance, catalogue, signups

from ..auth import Blueprint, current_user, optional_user
from ..common import json_response
from ..idempotency import idempotent
from ..ratelimits import create_per_user
from . import schemas as s

blp = Blueprint("activities", __name__, url_prefix="/api/v1",
                description="Activities at disability homes: listing, signups, volunteering")


@blp.get("/activities")
@blp.arguments(s.ActivityArgs, location="query")
@blp.response(200, s.ActivityPage)
def list_activities(args):
    return json_response(catalogue.list_activities(optional_user(), **args))


@blp.get("/activities/<int:activity_id>")
@blp.response(200, s.ActivityOut)
def get_activity(activity_id):
    return catalogue.get_activity(optional_user(), activity_id)


@blp.post("/activities/<int:activity_id>/signups")
@blp.login_required
@create_per_user
@idempotent
@blp.arguments(s.SignupIn)
@blp.response(201, s.SignupOut)
def sign_up(args, activity_id):
    return signups.sign_up(current_user(), activity_id, **args)


@blp.post("/signups/<int:signup_id>/cancel")
@blp.login_required
@blp.response(200, s.SignupOut)
def cancel_signup(signup_id):
    return signups.cancel(current_user(), signup_id)


@blp.get("/signups/<int:signup_id>/checkin-code")
@blp.login_required
@blp.response(200, s.CheckinCodeOut)
def checkin_code(signup_id):
    return attendance.checkin_code(current_user(), signup_id)


@blp.get("/me/signups")
@blp.login_required
@blp.arguments(s.MySignupArgs, location="query")
@blp.response(200, s.MySignupPage)
def my_signups(args):
    return signups.my_signups(current_user(), args["when"], args["page"], args["page_size"])


@blp.get("/me/volunteer-hours")
@blp.login_required
@blp.response(200, s.VolunteerHoursOut)
def volunteer_hours():
    return attendance.volunteer_hours(current_user())
