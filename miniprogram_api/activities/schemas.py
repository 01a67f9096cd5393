from marshmallow import ValidationError, fields, validate, validates_schema

from backend.activities.models import ACTIVITY_STATUSES, CATEGORIES, MAX_COMPANIONS, ROLES
from backend.identity.models import DISABILITY_CATEGORIES
from backend.sites.models import ACCESSIBILITY

from ..common import Integer, LocalDate, LocalDateTime, PageArgs, Schema, page_schema

# ---- in ----


class ActivityArgs(PageArgs):
    site_id = Integer()
    from_ = LocalDate(data_key="from")
    to = LocalDate()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    has_seats = fields.Boolean()

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("结束日期不能早于开始日期", "to")


class StaffActivityArgs(PageArgs):
    site_id = Integer()
    status = fields.String(validate=validate.OneOf(ACTIVITY_STATUSES))
    from_ = LocalDate(data_key="from")
    to = LocalDate()


class ActivityPatch(Schema):
    title = fields.String(validate=validate.Length(min=1, max=100))
    description = fields.String(validate=validate.Length(max=5000))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    location = fields.String(validate=validate.Length(max=200))
    capacity = Integer(validate=validate.Range(min=1, max=10000))
    volunteer_capacity = Integer(validate=validate.Range(min=0, max=1000))
    signup_opens_at = LocalDateTime(allow_none=True)
    signup_closes_at = LocalDateTime(allow_none=True)
    accessibility = fields.List(fields.String(validate=validate.OneOf(ACCESSIBILITY)),
                                validate=validate.Length(max=len(ACCESSIBILITY)))
    eligible_categories = fields.List(fields.String(validate=validate.OneOf(DISABILITY_CATEGORIES)),
                                      validate=validate.Length(max=len(DISABILITY_CATEGORIES)))
    cover_url = fields.String(validate=validate.Length(max=500))

    @validates_schema
    def not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("至少修改一个字段")


class ActivityIn(ActivityPatch):
    site_id = Integer(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    capacity = Integer(required=True, validate=validate.Range(min=1, max=10000))


class ActivityCancelIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class SignupIn(Schema):
    role = fields.String(load_default="participant", validate=validate.OneOf(ROLES))
    resident_id = Integer()
    companions = Integer(validate=validate.Range(min=0, max=MAX_COMPANIONS))

    @validates_schema
    def party(self, data, **kwargs):
        if data.get("role", "participant") == "participant":
            if "resident_id" not in data:
                raise ValidationError("必填", "resident_id")
        else:
            for name in ("resident_id", "companions"):
                if name in data:
                    raise ValidationError("志愿者报名不填此项", name)


class MySignupArgs(PageArgs):
    when = fields.String(load_default="upcoming", validate=validate.OneOf(("upcoming", "past")))


class CheckinIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=500))


class SignupAttendanceIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("attended", "no_show")))


class VolunteerMinutesIn(Schema):
    minutes = Integer(required=True, validate=validate.Range(min=0, max=14 * 24 * 60))


# ---- out ----


class SignupOut(Schema):
    id = Integer()
    activity_id = Integer()
    role = fields.String()
    resident_id = Integer(allow_none=True)
    resident_name = fields.String(allow_none=True)
    companions = Integer()
    seats = Integer()
    status = fields.String()
    waitlist_position = Integer(allow_none=True)
    created_at = LocalDateTime()
    attended_at = LocalDateTime(allow_none=True)
    minutes_credited = Integer(allow_none=True)


class ActivityOut(Schema):
    id = Integer()
    site_id = Integer()
    title = fields.String()
    description = fields.String()
    category = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    location = fields.String()
    capacity = Integer()
    seats_left = Integer()
    waitlist_length = Integer()
    volunteer_capacity = Integer()
    volunteer_seats_left = Integer()
    signup_opens_at = LocalDateTime(allow_none=True)
    signup_closes_at = LocalDateTime(allow_none=True)
    status = fields.String()
    accessibility = fields.List(fields.String())
    eligible_categories = fields.List(fields.String())
    cover_url = fields.String()
    cancel_reason = fields.String(allow_none=True)
    my_signups = fields.List(fields.Nested(SignupOut))


ActivityPage = page_schema(ActivityOut, "ActivityPage")


class ActivityBrief(Schema):
    id = Integer()
    site_id = Integer()
    site_name = fields.String()
    title = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    location = fields.String()
    status = fields.String()


class MySignupOut(SignupOut):
    activity = fields.Nested(ActivityBrief)


MySignupPage = page_schema(MySignupOut, "MySignupPage")


class CheckinCodeOut(Schema):
    code = fields.String()
    expires_at = LocalDateTime()


class SignupResident(Schema):
    id = Integer()
    name = fields.String()
    needs = fields.List(fields.String())


class SignupVolunteer(Schema):
    user_id = Integer()
    real_name = fields.String()
    skills = fields.List(fields.String())


class StaffSignupOut(Schema):
    id = Integer()
    activity_id = Integer()
    role = fields.String()
    status = fields.String()
    companions = Integer()
    attended_at = LocalDateTime(allow_none=True)
    resident = fields.Nested(SignupResident, allow_none=True)
    volunteer = fields.Nested(SignupVolunteer, allow_none=True)
    minutes_credited = Integer(allow_none=True)


class RosterContact(Schema):
    user_id = Integer()
    nickname = fields.String()
    relation = fields.String()
    communication = fields.String(allow_none=True)


class RosterParticipant(Schema):
    signup_id = Integer()
    status = fields.String()
    companions = Integer()
    seats = Integer()
    waitlist_position = Integer(allow_none=True)
    attended_at = LocalDateTime(allow_none=True)
    resident = fields.Nested(SignupResident)
    communication = fields.List(fields.String())
    contacts = fields.List(fields.Nested(RosterContact))


class RosterVolunteer(Schema):
    signup_id = Integer()
    status = fields.String()
    user_id = Integer()
    real_name = fields.String()
    skills = fields.List(fields.String())
    waitlist_position = Integer(allow_none=True)
    attended_at = LocalDateTime(allow_none=True)
    minutes_credited = Integer(allow_none=True)


class ActivityRosterOut(Schema):
    activity = fields.Nested(ActivityOut)
    participants = fields.List(fields.Nested(RosterParticipant))
    volunteers = fields.List(fields.Nested(RosterVolunteer))
    waitlist = fields.List(fields.Nested(RosterParticipant))
    volunteer_waitlist = fields.List(fields.Nested(RosterVolunteer))


class VolunteerHoursEntry(Schema):
    signup_id = Integer()
    activity = fields.Nested(ActivityBrief)
    minutes = Integer()
    credited_at = LocalDateTime()


class VolunteerHoursOut(Schema):
    minutes_total = Integer()
    entries = fields.List(fields.Nested(VolunteerHoursEntry))
