from marshmallow import fields, validate

from ..common import Integer, LocalDateTime, PageArgs, Schema, page_schema


class TemplateOut(Schema):
    kind = fields.String()
    template_id = fields.String()
    title = fields.String()


class TemplateList(Schema):
    items = fields.List(fields.Nested(TemplateOut))


class SubscriptionsIn(Schema):
    accepted = fields.List(fields.String(validate=validate.Length(min=1, max=64)), required=True,
                           validate=validate.Length(max=50))


class SubscriptionOut(Schema):
    template_id = fields.String()
    kind = fields.String()
    title = fields.String()
    remaining = Integer()


class SubscriptionList(Schema):
    items = fields.List(fields.Nested(SubscriptionOut))


class InboxArgs(PageArgs):
    unread = fields.Boolean(load_default=None, allow_none=True)


class NotificationOut(Schema):
    id = Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    page = fields.String(allow_none=True)
    created_at = LocalDateTime()
    read_at = LocalDateTime(allow_none=True)
    delivery = fields.String(metadata={"enum": ["pending", "sent", "skipped", "failed"]})


NotificationPage = page_schema(NotificationOut, "NotificationPage")
