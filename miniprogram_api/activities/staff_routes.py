"""Staff of a disability home: manage activities, roster, check-in, attendance, volunteer credits."""
from backend.activities import attendance, catalogue, manage, roster

from ..auth import BEARER_OR_SCREEN, current_user
from ..idempotency import idempotent
from . import schemas as s
from .routes import blp


@blp.get("/staff/activities")
@blp.login_required
@blp.arguments(s.StaffActivityArgs, location="query")
@blp.response(200, s.ActivityPage)
def staff_list_activities(args):
    """本站点的活动（含草稿）"""
    return catalogue.staff_list(current_user(), **args)


@blp.post("/staff/activities")
@blp.login_required
@idempotent
@blp.arguments(s.ActivityIn)
@blp.response(201, s.ActivityOut)
def create_activity(args):
    """创建活动（草稿）"""
    return manage.create(current_user(), args)


@blp.patch("/staff/activities/<int:activity_id>")
@blp.login_required
@blp.arguments(s.ActivityPatch)
@blp.response(200, s.ActivityOut)
def edit_activity(args, activity_id):
    """修改活动

    Capacity may not drop below the seats confirmed; raising it promotes the waitlist; a change of
    time or place notifies everyone booked."""
    return manage.edit(current_user(), activity_id, args)


@blp.post("/staff/activities/<int:activity_id>/publish")
@blp.login_required
@blp.response(200, s.ActivityOut)
def publish_activity(activity_id):
    """发布活动"""
    return manage.publish(current_user(), activity_id)


@blp.post("/staff/activities/<int:activity_id>/cancel")
@blp.login_required
@blp.arguments(s.ActivityCancelIn)
@blp.response(200, s.ActivityOut)
def cancel_activity(args, activity_id):
    """取消活动（通知所有报名者）"""
    return manage.cancel(current_user(), activity_id, args["reason"])


@blp.post("/staff/activities/<int:activity_id>/complete")
@blp.login_required
@blp.response(200, s.ActivityOut)
def complete_activity(activity_id):
    """结束活动（为出勤的志愿者记录时长）"""
    return manage.complete(current_user(), activity_id)


@blp.get("/staff/activities/<int:activity_id>/roster")
@blp.login_required
@blp.response(200, s.ActivityRosterOut)
def activity_roster(activity_id):
    """活动名单（参与者的需求与沟通方式、志愿者、候补）"""
    return roster.roster(current_user(), activity_id)


@blp.post("/staff/checkins")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.CheckinIn)
@blp.response(200, s.StaffSignupOut)
def check_in(args):
    """扫码签到"""
    return attendance.scan(current_user(), args["code"])


@blp.post("/staff/signups/<int:signup_id>/attendance")
@blp.doc(security=BEARER_OR_SCREEN)
@blp.login_required
@blp.arguments(s.SignupAttendanceIn)
@blp.response(200, s.StaffSignupOut)
def set_attendance(args, signup_id):
    """手动记录出勤或缺席"""
    return attendance.set_attendance(current_user(), signup_id, args["status"])


@blp.put("/staff/signups/<int:signup_id>/volunteer-minutes")
@blp.login_required
@blp.arguments(s.VolunteerMinutesIn)
@blp.response(200, s.StaffSignupOut)
def correct_minutes(args, signup_id):
    """更正志愿服务时长"""
    return attendance.correct_minutes(current_user(), signup_id, args["minutes"])
