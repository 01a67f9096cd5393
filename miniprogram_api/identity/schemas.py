from marshmallow import ValidationError, fields, post_dump, validate, validates_schema

from backend.identity import COMMUNICATION, DISABILITY_CATEGORIES, NEEDS, RELATIONS, VOLUNTEER_SKILLS

from ..common import Integer, LocalDate, LocalDateTime, PageArgs, Schema, page_schema

PHONE = validate.Regexp(r"^1\d{10}$", error="手机号应为 11 位数字")


class LoginIn(Schema):
    # wx.login codes are 32 characters; 64 also bounds the fake's `NAME#x` openids to the column.
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))


class Preferences(Schema):
    communication = fields.String(validate=validate.OneOf(COMMUNICATION), allow_none=True)
    large_text = fields.Boolean()
    notes = fields.String(validate=validate.Length(max=500))


class StaffSite(Schema):
    site_id = Integer()
    role = fields.String()


class VolunteerBrief(Schema):
    status = fields.String()
    skills = fields.List(fields.String())
    minutes_total = Integer()


class MakerRole(Schema):
    maker_id = Integer()
    name = fields.String()


class MeOut(Schema):
    id = Integer()
    nickname = fields.String()
    avatar_url = fields.String()
    phone_masked = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    staff_sites = fields.List(fields.Nested(StaffSite))
    preferences = fields.Nested(Preferences)
    volunteer = fields.Nested(VolunteerBrief, allow_none=True)
    makers = fields.List(fields.Nested(MakerRole), metadata={"description": "the device makers the user works for"})


class LoginOut(Schema):
    token = fields.String()
    expires_at = LocalDateTime()
    user = fields.Nested(MeOut)


class MePatch(Schema):
    nickname = fields.String(validate=validate.Length(max=64))
    avatar_url = fields.String(validate=validate.Length(max=500))
    preferences = fields.Nested(Preferences)


class PhoneIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class Consent(Schema):
    sensitive_info = fields.Boolean(load_default=False)
    guardian = fields.Boolean(load_default=False)


class ResidentFields(Schema):
    name = fields.String(validate=validate.Length(min=1, max=64))
    disability_category = fields.String(validate=validate.OneOf(DISABILITY_CATEGORIES))
    disability_level = Integer(validate=validate.Range(min=1, max=4))
    certificate_no = fields.String(validate=validate.Length(max=32), allow_none=True)
    birth_date = LocalDate(allow_none=True)
    phone = fields.String(validate=PHONE, allow_none=True)
    needs = fields.List(fields.String(validate=validate.OneOf(NEEDS)), validate=validate.Length(max=len(NEEDS)))
    notes = fields.String(validate=validate.Length(max=500))


class ResidentIn(ResidentFields):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    disability_category = fields.String(required=True, validate=validate.OneOf(DISABILITY_CATEGORIES))
    disability_level = Integer(required=True, validate=validate.Range(min=1, max=4))
    consent = fields.Nested(Consent, load_default=dict)
    site_id = Integer(metadata={"description": "the station that will verify the certificate in person "
                                               "(a home, rehab station or device centre): the resident is in "
                                               "its staff's `verification=pending` list"})


class WalkInIn(ResidentFields):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    disability_category = fields.String(required=True, validate=validate.OneOf(DISABILITY_CATEGORIES))
    disability_level = Integer(required=True, validate=validate.Range(min=1, max=4))
    site_id = Integer()
    consent = fields.Nested(Consent, load_default=dict)


class ResidentPatch(ResidentFields):
    @validates_schema
    def not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("至少修改一个字段")


class ResidentOut(Schema):
    id = Integer()
    name = fields.String()
    relation = fields.String(allow_none=True)
    disability_category = fields.String()
    disability_level = Integer()
    has_certificate = fields.Boolean()
    certificate_tail = fields.String(allow_none=True)
    birth_year = Integer(allow_none=True)
    under_14 = fields.Boolean(allow_none=True)
    phone_masked = fields.String(allow_none=True)
    needs = fields.List(fields.String())
    verification = fields.String()
    verification_note = fields.String()
    registered_site_id = Integer(allow_none=True)
    created_at = LocalDateTime()


class ResidentList(Schema):
    items = fields.List(fields.Nested(ResidentOut))


ResidentPage = page_schema(ResidentOut, "ResidentPage")


class StaffResidentArgs(PageArgs):
    site_id = Integer()
    verification = fields.String(validate=validate.OneOf(("pending", "verified", "rejected")))
    q = fields.String(validate=validate.Length(min=1, max=64))
    certificate_no = fields.String(validate=validate.Length(min=1, max=32))


class VerificationIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("verified", "rejected")))
    note = fields.String(load_default="", validate=validate.Length(max=500))
    site_id = Integer()


class VolunteerIn(Schema):
    real_name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    skills = fields.List(fields.String(validate=validate.OneOf(VOLUNTEER_SKILLS)), required=True,
                         validate=validate.Length(max=len(VOLUNTEER_SKILLS)))
    intro = fields.String(load_default="", validate=validate.Length(max=1000))


class VolunteerOut(Schema):
    user_id = Integer()
    real_name = fields.String()
    skills = fields.List(fields.String())
    intro = fields.String()
    status = fields.String()
    review_note = fields.String()
    reviewed_at = LocalDateTime(allow_none=True)
    minutes_total = Integer()
    created_at = LocalDateTime()


VolunteerPage = page_schema(VolunteerOut, "VolunteerPage")


class VolunteerArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("pending", "approved", "rejected")))


class ReviewIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("approved", "rejected")))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class AdminStaffSite(Schema):
    site_id = Integer()
    role = fields.String()
    site_name = fields.String()


class UserOut(Schema):
    id = Integer()
    nickname = fields.String()
    avatar_url = fields.String()
    phone_masked = fields.String(allow_none=True)
    is_admin = fields.Boolean()
    roles = fields.List(fields.String())
    staff_sites = fields.List(fields.Nested(AdminStaffSite))
    created_at = LocalDateTime()


UserPage = page_schema(UserOut, "UserPage")


class UserArgs(PageArgs):
    q = fields.String(validate=validate.Length(min=1, max=64))
    phone = fields.String(validate=PHONE)
    site_id = Integer(metadata={"description": "only users who work at this site"})
    role = fields.String(validate=validate.OneOf(("staff", "manager")),
                         metadata={"description": "only users with this staff role (at `site_id` if given)"})


class StaffRoleIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(("staff", "manager")))


class ExportOut(Schema):
    class Meta:
        unknown = "include"
    exported_at = fields.String()
    user = fields.Dict()
    residents = fields.List(fields.Dict())
    volunteer = fields.Dict(allow_none=True)

    @post_dump(pass_original=True)
    def keep_domain_sections(self, data, original, **kwargs):
        """Sections added by domain exporters (`Domain.privacy`) are not declared
        fields, and dump() keeps declared fields only: pass them through as they are."""
        for key, value in original.items():
            data.setdefault(key, value)
        return data
