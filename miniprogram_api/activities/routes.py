"""Activities for everyone: listing, signing up, cancelling, check-in codes, own signups and hours."""
from backend.activities import attendance, catalogue, signups

from ..auth import current_user, optional_user
from ..blueprint import Blueprint
from ..common import json_response
from ..idempotency import idempotent
from ..ratelimits import create_per_user
from . import schemas as s

blp = Blueprint("activities", __name__, url_prefix="/api/v1",
                description="残疾人之家的活动：浏览、报名（含陪同人员、候补）、志愿服务、签到、工作人员管理")


@blp.get("/activities")
@blp.arguments(s.ActivityArgs, location="query")
@blp.response(200, s.ActivityPage)
def list_activities(args):
    """活动列表

    Published and completed activities; `from`/`to` are local dates of the site. With a token, each
    activity also carries the caller's own signups (`my_signups`)."""
    return json_response(catalogue.list_activities(optional_user(), **args))


@blp.get("/activities/<int:activity_id>")
@blp.response(200, s.ActivityOut)
def get_activity(activity_id):
    """活动详情"""
    return catalogue.get_activity(optional_user(), activity_id)


@blp.post("/activities/<int:activity_id>/signups")
@blp.login_required
@create_per_user
@idempotent
@blp.arguments(s.SignupIn)
@blp.response(201, s.SignupOut)
def sign_up(args, activity_id):
    """报名参加活动（居民或志愿者）

    A participant takes `1 + companions` seats, confirmed or waitlisted as one unit; a volunteer
    (`role: volunteer`) signs up against the volunteer seats."""
    return signups.sign_up(current_user(), activity_id, **args)


@blp.post("/signups/<int:signup_id>/cancel")
@blp.login_required
@blp.response(200, s.SignupOut)
def cancel_signup(signup_id):
    """取消报名

    The freed seats go to the waitlist first-fit, in the same transaction."""
    return signups.cancel(current_user(), signup_id)


@blp.get("/signups/<int:signup_id>/checkin-code")
@blp.login_required
@blp.response(200, s.CheckinCodeOut)
def checkin_code(signup_id):
    """获取签到码（展示为二维码）"""
    return attendance.checkin_code(current_user(), signup_id)


@blp.get("/me/signups")
@blp.login_required
@blp.arguments(s.MySignupArgs, location="query")
@blp.response(200, s.MySignupPage)
def my_signups(args):
    """我的报名"""
    return signups.my_signups(current_user(), args["when"], args["page"], args["page_size"])


@blp.get("/me/volunteer-hours")
@blp.login_required
@blp.response(200, s.VolunteerHoursOut)
def volunteer_hours():
    """我的志愿服务时长"""
    return attendance.volunteer_hours(current_user())
