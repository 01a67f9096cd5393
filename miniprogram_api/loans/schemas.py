"""Device loans and the centres' inventory (API.md "Assistive devices: loans (租赁借用) and maintenance")."""
from marshmallow import fields, validate

from backend.loans.models import CONDITIONS, ITEM_STATUSES, LOAN_STATUSES, PURPOSES, SOURCES

from ..common import Integer, LocalDate, LocalDateTime, PageArgs, Schema, page_schema
from ..devices.handover_schemas import HandoverIn

CLASS_CODE = validate.Regexp(r"^\d{2}(\.\d{2}){0,2}$", error="分类代码格式应为 12、12.22 或 12.22.03")
NOTE = validate.Length(max=1000)


class LoanProduct(Schema):
    id = Integer()
    code = fields.String()
    name = fields.String()
    model = fields.String()
    class_code = fields.String()
    image_url = fields.String()
    loan_days = Integer()
    maintenance_interval_days = Integer()


# ---------------------------------------------------------------- availability

class LoanableArgs(Schema):
    site_id = Integer(validate=validate.Range(min=1))
    class_code = fields.String(validate=CLASS_CODE)


class LoanableOut(Schema):
    product = fields.Nested(LoanProduct)
    site_id = Integer()
    site_name = fields.String()
    available = Integer(metadata={"description": "units that can be reserved now"})
    total = Integer(metadata={"description": "units in service (not scrapped or lost)"})


class LoanableList(Schema):
    items = fields.List(fields.Nested(LoanableOut))


# ---------------------------------------------------------------- units

class DeviceItemIn(Schema):
    product_id = Integer(required=True, validate=validate.Range(min=1))
    serial_no = fields.String(required=True, validate=validate.Length(min=1, max=64))
    condition = fields.String(required=True, validate=validate.OneOf(("new", "good", "worn")))
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    note = fields.String(load_default="", validate=NOTE)
    acquired_on = LocalDate(metadata={"description": "入库日期 (default today): the maintenance clock starts here"})


class DeviceItemPatch(Schema):
    serial_no = fields.String(validate=validate.Length(min=1, max=64))
    condition = fields.String(validate=validate.OneOf(CONDITIONS))
    note = fields.String(validate=NOTE)
    status = fields.String(validate=validate.OneOf(("available", "repair", "scrapped", "lost")),
                           metadata={"description": "available → repair | scrapped | lost; reserved → repair | "
                                                    "lost (the hold moves to another unit or the person waits); "
                                                    "repair → available | scrapped; inspection → lost"})


class DeviceItemEventOut(Schema):
    at = LocalDateTime()
    status = fields.String()
    action = fields.String()
    by_user_id = Integer(allow_none=True)
    loan_id = Integer(allow_none=True)
    note = fields.String()


class DeviceItemOut(Schema):
    id = Integer()
    site_id = Integer()
    product = fields.Nested(LoanProduct)
    serial_no = fields.String()
    condition = fields.String()
    source = fields.String()
    status = fields.String(metadata={"description": " | ".join(ITEM_STATUSES)})
    note = fields.String()
    acquired_on = fields.Date()
    last_maintained_on = fields.Date(allow_none=True)
    maintenance_due_on = fields.Date(allow_none=True)
    maintenance_due = fields.Boolean()
    loan_id = Integer(allow_none=True, metadata={"description": "the live loan holding the unit"})
    created_at = LocalDateTime()
    history = fields.List(fields.Nested(DeviceItemEventOut))


DeviceItemPageSchema = page_schema(DeviceItemOut, "DeviceItemPage")


class DeviceItemArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(ITEM_STATUSES))
    product_id = Integer(validate=validate.Range(min=1))
    maintenance = fields.String(validate=validate.OneOf(("due",)))


class DeviceMaintenanceIn(Schema):
    done_at = LocalDateTime(required=True)
    note = fields.String(load_default="", validate=NOTE)


class DeviceInspectionIn(Schema):
    result = fields.String(required=True, validate=validate.OneOf(("available", "repair", "scrapped")))
    note = fields.String(load_default="", validate=NOTE)


# ---------------------------------------------------------------- loans

class DeviceLoanIn(Schema):
    resident_id = Integer(required=True, validate=validate.Range(min=1))
    site_id = Integer(required=True, validate=validate.Range(min=1))
    product_id = Integer(required=True, validate=validate.Range(min=1))
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))


class LoanCheckoutIn(Schema):
    item_id = Integer(required=True, validate=validate.Range(min=1))
    due_on = LocalDate(required=True)
    handover = fields.Nested(HandoverIn, required=True)


class LoanReturnIn(Schema):
    condition = fields.String(required=True, validate=validate.OneOf(CONDITIONS))
    note = fields.String(load_default="", validate=NOTE)


class LoanLostIn(Schema):
    note = fields.String(load_default="", validate=NOTE)


class LoanItemBrief(Schema):
    id = Integer()
    serial_no = fields.String()
    condition = fields.String()
    status = fields.String()


class LoanResident(Schema):
    id = Integer()
    name = fields.String()


class DeviceLoanEventOut(Schema):
    at = LocalDateTime()
    status = fields.String()
    action = fields.String()
    by_user_id = Integer(allow_none=True)
    item_id = Integer(allow_none=True)
    note = fields.String()


class DeviceLoanOut(Schema):
    id = Integer()
    status = fields.String(metadata={"description": " | ".join(LOAN_STATUSES)})
    product = fields.Nested(LoanProduct)
    site_id = Integer()
    site_name = fields.String()
    resident = fields.Nested(LoanResident)
    purpose = fields.String()
    item = fields.Nested(LoanItemBrief, allow_none=True)
    hold_expires_at = LocalDateTime(allow_none=True)
    waiting = fields.Boolean(metadata={"description": "reserved, but the held unit went to repair: the next "
                                                      "freed unit is held for this loan"})
    due_on = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    renewals = Integer()
    renewals_left = Integer()
    by_staff = fields.Boolean()
    handover_id = Integer(allow_none=True)
    checked_out_at = LocalDateTime(allow_none=True)
    returned_at = LocalDateTime(allow_none=True)
    return_condition = fields.String(allow_none=True)
    created_at = LocalDateTime()
    history = fields.List(fields.Nested(DeviceLoanEventOut))


DeviceLoanPageSchema = page_schema(DeviceLoanOut, "DeviceLoanPage")


class MyLoanArgs(PageArgs):
    status = fields.String(validate=validate.OneOf((*LOAN_STATUSES, "overdue")))


class StaffLoanArgs(PageArgs):
    site_id = Integer(validate=validate.Range(min=1))
    status = fields.String(validate=validate.OneOf((*LOAN_STATUSES, "overdue")))
