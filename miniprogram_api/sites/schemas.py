from marshmallow import ValidationError, fields, validate, validates_schema

from backend.sites import ACCESSIBILITY, SITE_KINDS, TIMEZONES

from ..common import Integer, LocalDateTime, PageArgs, Schema, page_schema

HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="时间格式应为 时:分，如 09:30")
# A closing time may be 24:00, the end of the day (open around the clock: 00:00–24:00).
CLOSING = validate.Regexp(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", error="时间格式应为 时:分，如 17:30（全天营业到 24:00）")


class OpeningHours(Schema):
    weekday = Integer(required=True, validate=validate.Range(min=1, max=7))
    open = fields.String(required=True, validate=HHMM)
    close = fields.String(required=True, validate=CLOSING)

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("open") and data.get("close") and data["open"] >= data["close"]:
            raise ValidationError("关门时间须晚于开门时间", "close")


class Location(Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lng = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


class SitePatch(Schema):
    kind = fields.String(validate=validate.OneOf(SITE_KINDS))
    name = fields.String(validate=validate.Length(min=1, max=100))
    address = fields.String(validate=validate.Length(max=200))
    community = fields.String(validate=validate.Length(max=100))
    phone = fields.String(validate=validate.Length(max=30))
    location = fields.Nested(Location, allow_none=True)
    opening_hours = fields.List(fields.Nested(OpeningHours), validate=validate.Length(max=21))
    accessibility = fields.List(fields.String(validate=validate.OneOf(ACCESSIBILITY)),
                                validate=validate.Length(max=len(ACCESSIBILITY)))
    timezone = fields.String(validate=validate.OneOf(TIMEZONES))
    rules = fields.Dict(keys=fields.String(validate=validate.Length(max=40)), values=Integer())


class SiteIn(SitePatch):
    kind = fields.String(required=True, validate=validate.OneOf(SITE_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class SiteOut(Schema):
    id = Integer()
    kind = fields.String()
    name = fields.String()
    address = fields.String()
    community = fields.String()
    phone = fields.String()
    location = fields.Nested(Location, allow_none=True)
    opening_hours = fields.List(fields.Nested(OpeningHours))
    accessibility = fields.List(fields.String())
    timezone = fields.String()
    open_now = fields.Boolean(metadata={"description": "inside its opening hours now (no hours published: true)"})
    next_opens_at = LocalDateTime(allow_none=True, metadata={"description": "when closed: when it next opens, in its zone; null when open"})


SitePage = page_schema(SiteOut, "SitePage")


class SiteArgs(PageArgs):
    kind = fields.String(validate=validate.OneOf(SITE_KINDS))
