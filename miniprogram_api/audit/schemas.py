from marshmallow import fields, validate

from backend.audit import SUBJECTS

from ..common import Integer, LocalDateTime, PageArgs, Schema, page_schema


class AuditArgs(PageArgs):
    resident_id = Integer()
    actor_id = Integer()
    from_ = LocalDateTime(data_key="from")
    to = LocalDateTime()
    subject = fields.String(validate=validate.OneOf(SUBJECTS),
                            metadata={"description": "only administrative changes of this kind"})
    site_id = Integer()


class Change(Schema):
    before = fields.Raw(metadata={"description": "the value before (null: none)"})
    after = fields.Raw(metadata={"description": "the value after (null: none)"})


class AuditOut(Schema):
    id = Integer()
    at = LocalDateTime()
    actor_id = Integer(allow_none=True, metadata={"description": "null for a change made from the CLI"})
    resident_id = Integer(allow_none=True)
    action = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    site_id = Integer(allow_none=True)
    subject = fields.String(allow_none=True, metadata={
        "description": "what an administrative change applied to (null for residents' data)",
        "enum": list(SUBJECTS)})
    subject_id = Integer(allow_none=True)
    changes = fields.Dict(keys=fields.String(), values=fields.Nested(Change), allow_none=True,
                          metadata={"description": "field → {before, after}, for administrative changes"})


AuditPage = page_schema(AuditOut, "AuditPage")
