"""Assistive devices after approval (API.md "Assistive devices (辅具)", from supply orders on):
makers' orders, receiving, delivery with the signed handover, training, follow-ups, repairs."""
from marshmallow import fields, validate

from backend.devices.fitting_models import FOLLOWUP_METHODS, FOLLOWUP_OUTCOMES, REPAIR_STATUSES

from ..common import Integer, LocalDate, LocalDateTime, PageArgs, Schema, page_schema
from .handover_schemas import HandoverIn, HandoverOut

TEXT = validate.Length(max=2000)


# ---------------------------------------------------------------- supply

class MakerOrderArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("open", "shipped", "received")))


class OrderProduct(Schema):
    id = Integer()
    code = fields.String()
    name = fields.String()
    model = fields.String()
    class_code = fields.String()


class OrderSite(Schema):
    id = Integer()
    name = fields.String()
    address = fields.String()
    phone = fields.String()


class MakerOrderOut(Schema):
    id = Integer()
    status = fields.String()
    quantity = Integer()
    product = fields.Nested(OrderProduct)
    site = fields.Nested(OrderSite)
    resident_name = fields.String(metadata={"description": "masked: the surname only (张**)"})
    created_at = LocalDateTime()
    shipped_at = LocalDateTime(allow_none=True)
    tracking = fields.String()
    serial_nos = fields.List(fields.String())


MakerOrderPage = page_schema(MakerOrderOut, "MakerOrderPage")


class ShipIn(Schema):
    shipped_at = LocalDateTime(required=True)
    tracking = fields.String(load_default="", validate=validate.Length(max=100))
    serial_nos = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list,
                             validate=validate.Length(max=50),
                             metadata={"description": "one per unit ordered (or none for devices without)"})


class ReceivedIn(Schema):
    from_stock = fields.Boolean(required=True)
    serial_no = fields.String(load_default="", validate=validate.Length(max=64))


# ---------------------------------------------------------------- fitting, training

class DeliveryIn(Schema):
    serial_no = fields.String(required=True, validate=validate.Length(min=1, max=64))
    fitted_at = LocalDateTime(required=True)
    notes = fields.String(load_default="", validate=TEXT)
    handover = fields.Nested(HandoverIn, required=True)


class TrainingIn(Schema):
    at = LocalDateTime(required=True)
    minutes = Integer(required=True, validate=validate.Range(min=1, max=600))
    content = fields.String(load_default="", validate=TEXT)
    outcome = fields.String(load_default="", validate=TEXT)


class HandoverBrief(HandoverOut):
    class Meta:
        exclude = ("signature_png",)


class DeliveryOut(Schema):
    id = Integer()
    serial_no = fields.String()
    fitted_at = LocalDateTime()
    notes = fields.String()
    fitted_by_id = Integer(allow_none=True)
    handover = fields.Nested(HandoverBrief)


class TrainingSessionOut(Schema):
    id = Integer()
    at = LocalDateTime()
    minutes = Integer()
    content = fields.String()
    outcome = fields.String()
    by_user_id = Integer(allow_none=True)
    appointment_id = Integer(allow_none=True)


class TrainingOut(Schema):
    planned = Integer()
    done = Integer()
    sessions = fields.List(fields.Nested(TrainingSessionOut))


# ---------------------------------------------------------------- follow-ups, repairs

class FollowupOut(Schema):
    id = Integer()
    case_id = Integer()
    site_id = Integer()
    seq = Integer()
    offset_days = Integer()
    due_on = fields.Date()
    status = fields.String(metadata={"description": "pending | done | cancelled"})
    method = fields.String(allow_none=True)
    in_use = fields.Boolean(allow_none=True)
    not_used_reason = fields.String(allow_none=True)
    satisfaction = Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    recorded_at = LocalDateTime(allow_none=True)
    recorded_by_id = Integer(allow_none=True)


class FollowupCaseBrief(Schema):
    id = Integer()
    status = fields.String()
    class_code = fields.String()
    class_name = fields.String()
    resident = fields.Dict()


class FollowupListed(FollowupOut):
    overdue = fields.Boolean()
    case = fields.Nested(FollowupCaseBrief)


FollowupPage = page_schema(FollowupListed, "DeviceFollowupPage")


class FollowupArgs(PageArgs):
    site_id = Integer()
    status = fields.String(validate=validate.OneOf(("due", "overdue", "done")))


class FollowupIn(Schema):
    method = fields.String(required=True, validate=validate.OneOf(FOLLOWUP_METHODS))
    in_use = fields.Boolean(required=True)
    not_used_reason = fields.String(load_default="", validate=validate.Length(max=500))
    satisfaction = Integer(required=True, validate=validate.Range(min=1, max=4))
    outcome = fields.String(required=True, validate=validate.OneOf(FOLLOWUP_OUTCOMES))
    note = fields.String(load_default="", validate=TEXT)


class RepairOut(Schema):
    id = Integer()
    case_id = Integer()
    site_id = Integer()
    status = fields.String()
    problem = fields.String()
    note = fields.String(allow_none=True)
    cost_fen = Integer()
    followup_id = Integer(allow_none=True)
    requested_by_id = Integer(allow_none=True)
    handled_by_id = Integer(allow_none=True)
    created_at = LocalDateTime()
    finished_at = LocalDateTime(allow_none=True)


RepairPage = page_schema(RepairOut, "DeviceRepairPage")


class RepairArgs(PageArgs):
    site_id = Integer()
    status = fields.String(validate=validate.OneOf(REPAIR_STATUSES))


class RepairIn(Schema):
    problem = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class RepairUpdateIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("in_progress", "done", "replaced")))
    note = fields.String(load_default="", validate=TEXT)
    cost_fen = Integer(validate=validate.Range(min=0, max=100_000_000))
