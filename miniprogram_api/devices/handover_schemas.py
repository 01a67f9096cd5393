"""The signed handover (交接签收) of a device delivery or loan: what the tablet sends, what is shown
again later. Shared by the delivery route and the loan checkout."""
from marshmallow import fields, validate

from backend.devices.handovers import SIGNERS

from ..common import Integer, LocalDateTime, Schema

# The base64 PNG (≤ 200 KB decoded) is checked by the domain (backend/devices/signatures.py): a
# forged or oversized one is a 422 on `handover.signature_png`. The route's body limit is 512 KiB.
HANDOVER_BODY_MAX_BYTES = 512 * 1024


class HandoverIn(Schema):
    signed_by = fields.String(required=True, validate=validate.OneOf(SIGNERS),
                              metadata={"description": "resident 本人 | guardian 监护人 | staff_for_resident 工作人员代签"})
    signer_name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    signature_png = fields.String(required=True, validate=validate.Length(min=1, max=300_000),
                                  metadata={"description": "base64 PNG (a `data:image/png;base64,` prefix is "
                                                           "accepted), at most 200 KB decoded"})


class HandoverOut(Schema):
    id = Integer()
    kind = fields.String(metadata={"description": "delivery | loan"})
    site_id = Integer()
    resident_id = Integer()
    signed_by = fields.String()
    signed_by_name = fields.String()
    signer_name = fields.String()
    signature_png = fields.String(allow_none=True, metadata={"description": "base64 PNG; null once erased"})
    signature_bytes = Integer()
    text = fields.String(metadata={"description": "the handover text exactly as signed"})
    text_version = fields.String()
    signed_at = LocalDateTime()
    staff_user_id = Integer(allow_none=True)
    erased = fields.Boolean()
