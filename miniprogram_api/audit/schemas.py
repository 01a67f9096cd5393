from marshmallow import fields

from ..common import Integer, LocalDateTime, PageArgs, Schema, page_schema


class AuditArgs(PageArgs):
    resident_id = Integer()
    actor_id = Integer()
    from_ = LocalDateTime(data_key="from")
    to = LocalDateTime()


class AuditOut(Schema):
    id = Integer()
    at = LocalDateTime()
    actor_id = Integer()
    resident_id = Integer(allow_none=True)
    action = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    site_id = Integer(allow_none=True)


AuditPage = page_schema(AuditOut, "AuditPage")
