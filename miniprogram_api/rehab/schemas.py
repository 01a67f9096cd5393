"""Rehab schemas (API.md "Rehab appointments")."""
from marshmallow import fields, validate

from backend.rehab.models import APPOINTMENT_STATUSES, SERVICE_KINDS

from ..common import Integer, LocalDate, LocalDateTime, PageArgs, Schema, page_schema

HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="时间格式应为 时:分，如 09:30")
HHMM_END = validate.Regexp(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", error="时间格式应为 时:分，如 09:30（可为 24:00）")


# ---------------------------------------------------------------- services, therapists

class ServiceArgs(PageArgs):
    site_id = Integer(validate=validate.Range(min=1))


class ServicePatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=64))
    kind = fields.String(validate=validate.OneOf(SERVICE_KINDS))
    duration_min = Integer(validate=validate.Range(min=5, max=480))
    buffer_min = Integer(validate=validate.Range(min=0, max=240))
    description = fields.String(validate=validate.Length(max=2000))
    requires_verified = fields.Boolean()
    active = fields.Boolean()


class ServiceIn(ServicePatch):
    site_id = Integer(required=True, validate=validate.Range(min=1))
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    kind = fields.String(required=True, validate=validate.OneOf(SERVICE_KINDS))
    duration_min = Integer(required=True, validate=validate.Range(min=5, max=480))


class ServiceOut(Schema):
    id = Integer()
    site_id = Integer()
    name = fields.String()
    kind = fields.String()
    duration_min = Integer()
    buffer_min = Integer()
    description = fields.String()
    requires_verified = fields.Boolean()
    active = fields.Boolean()


ServicePage = page_schema(ServiceOut, "RehabServicePage")


class TherapistIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    user_id = Integer(allow_none=True, validate=validate.Range(min=1))


class TherapistBrief(Schema):
    id = Integer()
    name = fields.String()


class TherapistOut(TherapistBrief):
    site_id = Integer()
    user_id = Integer(allow_none=True)
    active = fields.Boolean()


class TherapistList(Schema):
    items = fields.List(fields.Nested(TherapistOut))


# ---------------------------------------------------------------- schedules, slots

class WeeklyEntry(Schema):
    weekday = Integer(required=True, validate=validate.Range(min=1, max=7))
    start = fields.String(required=True, validate=HHMM)
    # At or before `start`: the range runs past midnight into the next day; "24:00" is midnight.
    end = fields.String(required=True, validate=HHMM_END)
    therapist_id = Integer(required=True, validate=validate.Range(min=1))
    capacity = Integer(load_default=1, validate=validate.Range(min=1, max=50))


class ScheduleIn(Schema):
    slot_min = Integer(required=True, validate=validate.Range(min=5, max=480))
    weekly = fields.List(fields.Nested(WeeklyEntry), required=True, validate=validate.Length(max=100))
    valid_from = LocalDate(required=True)
    valid_to = LocalDate(load_default=None, allow_none=True)


class ScheduleConflict(Schema):
    reason = fields.String(metadata={"description": "booked_slot_not_in_plan | capacity_below_booked | "
                                                   "therapist_busy"})
    slot_id = Integer(allow_none=True)
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    therapist = fields.Nested(TherapistBrief)
    booked = Integer()
    other_slot_id = Integer(allow_none=True)


class ScheduleOut(Schema):
    service_id = Integer()
    slot_min = Integer()
    weekly = fields.List(fields.Nested(WeeklyEntry))
    valid_from = fields.String(allow_none=True)
    valid_to = fields.String(allow_none=True)
    created = Integer()
    removed = Integer()
    conflicts = fields.List(fields.Nested(ScheduleConflict))


class SlotArgs(Schema):
    from_ = LocalDate(data_key="from")
    to = LocalDate()


class SlotOut(Schema):
    id = Integer()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    therapist = fields.Nested(TherapistBrief)
    capacity = Integer()
    remaining = Integer()


# ---------------------------------------------------------------- appointments

class AppointmentIn(Schema):
    slot_id = Integer(required=True, validate=validate.Range(min=1))
    resident_id = Integer(required=True, validate=validate.Range(min=1))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class AppointmentSlot(Schema):
    id = Integer()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    therapist = fields.Nested(TherapistBrief)


class AppointmentService(Schema):
    id = Integer()
    site_id = Integer()
    name = fields.String()
    kind = fields.String()
    duration_min = Integer()


class AppointmentResident(Schema):
    id = Integer()
    name = fields.String()


class AppointmentSite(Schema):
    id = Integer()
    name = fields.String()
    address = fields.String()


class AppointmentOut(Schema):
    id = Integer()
    status = fields.String(metadata={"enum": list(APPOINTMENT_STATUSES)})
    slot = fields.Nested(AppointmentSlot)
    service = fields.Nested(AppointmentService)
    resident = fields.Nested(AppointmentResident)
    note = fields.String()
    site = fields.Nested(AppointmentSite)
    cancel_reason = fields.String(allow_none=True)
    created_at = LocalDateTime()


AppointmentPage = page_schema(AppointmentOut, "AppointmentPage")


class MyAppointmentsArgs(PageArgs):
    when = fields.String(load_default="upcoming", validate=validate.OneOf(("upcoming", "past")))


class CancelIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class RescheduleIn(Schema):
    slot_id = Integer(required=True, validate=validate.Range(min=1))


# ---------------------------------------------------------------- staff

class ClosureIn(Schema):
    date = LocalDate(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class ClosureOut(Schema):
    id = Integer()
    site_id = Integer()
    date = LocalDate()
    reason = fields.String()
    cancelled_appointments = Integer()


class RosterArgs(Schema):
    date = LocalDate()


class RosterResident(Schema):
    id = Integer()
    name = fields.String()
    needs = fields.List(fields.String())
    disability_category = fields.String()
    disability_level = Integer()
    verification = fields.String()
    communication = fields.List(fields.String(), metadata={
        "description": "preferences.communication of the users linked to the resident"})


class RosterItem(AppointmentOut):
    resident = fields.Nested(RosterResident)
    status_note = fields.String()


class DayRosterOut(Schema):
    site_id = Integer()
    date = LocalDate()
    items = fields.List(fields.Nested(RosterItem))


class AppointmentStatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("checked_in", "completed", "no_show", "excused")))
    note = fields.String(load_default="", validate=validate.Length(max=200))
