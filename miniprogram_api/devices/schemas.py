"""Assistive devices (API.md "Assistive devices (辅具): catalogue, makers, cases")."""
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate, validates_schema

from backend.devices.case_models import OUTCOMES, STATUSES
from backend.devices.forms_catalogue import DOMAINS
from backend.devices.models import APPROVERS

from ..common import Integer, LocalDateTime, PageArgs, Schema, page_schema
from .fitting_schemas import DeliveryOut, FollowupOut, RepairOut, TrainingOut

CLASS_CODE = validate.Regexp(r"^\d{2}(\.\d{2}){0,2}$", error="分类代码格式应为 12、12.22 或 12.22.03")
KEY = validate.Regexp(r"^[a-z][a-z0-9_]{0,19}$", error="只能用小写字母、数字和下划线")


def _not_empty(data):
    if not data:
        raise ValidationError("至少修改一个字段")


# ---------------------------------------------------------------- catalogue

class DeviceClassOut(Schema):
    code = fields.String()
    name = fields.String()
    parent = fields.String(allow_none=True)


class DeviceClassList(Schema):
    items = fields.List(fields.Nested(DeviceClassOut))


class MakerBrief(Schema):
    id = Integer()
    name = fields.String()


class ProductOut(Schema):
    id = Integer()
    code = fields.String()
    name = fields.String()
    model = fields.String()
    maker = fields.Nested(MakerBrief)
    class_code = fields.String()
    description = fields.String()
    image_url = fields.String()
    price_fen = Integer()
    subsidy_standard_fen = Integer()
    useful_life_months = Integer()
    training_sessions = Integer()
    loanable = fields.Boolean()
    loan_days = Integer()
    maintenance_interval_days = Integer()
    active = fields.Boolean()


ProductPage = page_schema(ProductOut, "ProductPage")


class ProductArgs(PageArgs):
    class_code = fields.String(validate=CLASS_CODE)
    q = fields.String(validate=validate.Length(min=1, max=50))
    loanable = fields.Boolean()


class ProductPatch(Schema):
    code = fields.String(validate=validate.Length(min=1, max=40))
    name = fields.String(validate=validate.Length(min=1, max=100))
    model = fields.String(validate=validate.Length(max=100))
    class_code = fields.String(validate=CLASS_CODE)
    description = fields.String(validate=validate.Length(max=2000))
    image_url = fields.String(validate=validate.Length(max=500))
    price_fen = Integer(validate=validate.Range(min=0, max=1_000_000_000))
    subsidy_standard_fen = Integer(validate=validate.Range(min=0, max=1_000_000_000))
    useful_life_months = Integer(validate=validate.Range(min=0, max=600))
    training_sessions = Integer(validate=validate.Range(min=0, max=50))
    loanable = fields.Boolean()
    loan_days = Integer(validate=validate.Range(min=1, max=365))
    maintenance_interval_days = Integer(validate=validate.Range(min=0, max=3650))
    active = fields.Boolean()

    @validates_schema
    def not_empty(self, data, **kwargs):
        _not_empty(data)


class ProductIn(ProductPatch):
    maker_id = Integer(metadata={"description": "admins name the maker; maker staff may leave it out"})
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    class_code = fields.String(required=True, validate=CLASS_CODE)
    price_fen = Integer(required=True, validate=validate.Range(min=0, max=1_000_000_000))


class ImportProblem(Schema):
    row = Integer()
    field = fields.String()
    message = fields.String()


class ImportOut(Schema):
    created = Integer()
    updated = Integer()
    errors = fields.List(fields.Nested(ImportProblem))


class MakerPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    contact_name = fields.String(validate=validate.Length(max=64))
    phone = fields.String(validate=validate.Length(max=30))
    address = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean()

    @validates_schema
    def not_empty(self, data, **kwargs):
        _not_empty(data)


class MakerIn(MakerPatch):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class MakerOut(Schema):
    id = Integer()
    name = fields.String()
    contact_name = fields.String()
    phone = fields.String()
    address = fields.String()
    active = fields.Boolean()
    staff_user_ids = fields.List(Integer())


MakerPage = page_schema(MakerOut, "MakerPage")


class MakerStaffOut(Schema):
    maker_id = Integer()
    user_id = Integer()


# ---------------------------------------------------------------- settings, forms

class SubsidyGroupIn(Schema):
    key = fields.String(required=True, validate=KEY)
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    ratio_percent = Integer(required=True, validate=validate.Range(min=0, max=100))


class SubsidyGroupsIn(Schema):
    items = fields.List(fields.Nested(SubsidyGroupIn), required=True, validate=validate.Length(max=20))


class SubsidyGroupsOut(Schema):
    items = fields.List(fields.Nested(SubsidyGroupIn))


class ApprovalStepIn(Schema):
    key = fields.String(required=True, validate=KEY)
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    by = fields.String(required=True, validate=validate.OneOf(APPROVERS))


class ApprovalChainIn(Schema):
    steps = fields.List(fields.Nested(ApprovalStepIn), required=True, validate=validate.Length(max=10))


class ApprovalChainOut(Schema):
    steps = fields.List(fields.Nested(ApprovalStepIn))


class Question(Schema):
    key = fields.String()
    text = fields.String()
    type = fields.String()
    choices = fields.List(fields.String())
    required = fields.Boolean()
    unit = fields.String()
    min = fields.Float()
    max = fields.Float()


class FormOut(Schema):
    id = Integer()
    domain = fields.String()
    version = Integer()
    title = fields.String()
    questions = fields.List(fields.Nested(Question))


class FormList(Schema):
    items = fields.List(fields.Nested(FormOut))


class FormArgs(Schema):
    domain = fields.String(validate=validate.OneOf(DOMAINS))


class FormIn(Schema):
    domain = fields.String(required=True, validate=validate.OneOf(DOMAINS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    questions = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=100),
                            metadata={"description": "each {key, text, type: single|multi|text|number|bool, "
                                                     "choices?, required, unit?, min?, max?}"})


# ---------------------------------------------------------------- cases in

class CaseIn(Schema):
    resident_id = Integer(required=True)
    site_id = Integer(required=True)
    class_code = fields.String(required=True, validate=CLASS_CODE)
    need = fields.String(load_default="", validate=validate.Length(max=1000))
    subsidy_groups = fields.List(fields.String(validate=KEY), load_default=list, validate=validate.Length(max=10))


class CasePatch(Schema):
    class_code = fields.String(validate=CLASS_CODE)
    need = fields.String(validate=validate.Length(max=1000))
    subsidy_groups = fields.List(fields.String(validate=KEY), validate=validate.Length(max=10))

    @validates_schema
    def not_empty(self, data, **kwargs):
        _not_empty(data)


class NoteIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class Recommendation(Schema):
    class_code = fields.String(required=True, validate=CLASS_CODE)
    product_ids = fields.List(Integer(), load_default=list, validate=validate.Length(max=20))
    main = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class AssessmentIn(Schema):
    form_id = Integer(required=True)
    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=40)), required=True,
                          metadata={"description": "question key → value, checked against the form version"})
    measurements = fields.Dict(keys=fields.String(validate=validate.Length(max=40)), values=fields.Float(),
                               load_default=dict)
    findings = fields.String(load_default="", validate=validate.Length(max=5000))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    recommendations = fields.List(fields.Nested(Recommendation), load_default=list, validate=validate.Length(max=10))
    appointment_id = Integer(allow_none=True)


class ConfirmIn(Schema):
    product_id = Integer(required=True)
    opinion = fields.String(load_default="", validate=validate.Length(max=500))


class ApprovalIn(Schema):
    step = fields.String(required=True, validate=KEY)
    result = fields.String(required=True, validate=validate.OneOf(("approved", "returned", "rejected")))
    opinion = fields.String(load_default="", validate=validate.Length(max=500))


class WorklistArgs(PageArgs):
    site_id = Integer()
    status = fields.String(validate=validate.OneOf(STATUSES))
    waiting_on = fields.String(validate=validate.OneOf(("me",)))


# ---------------------------------------------------------------- cases out

class ResidentBrief(Schema):
    id = Integer()
    name = fields.String()


class WaitingOn(Schema):
    step = fields.String()
    name = fields.String()
    by = fields.String(metadata={"description": "staff | manager | admin | applicant | maker"})


class FormBrief(Schema):
    id = Integer()
    domain = fields.String()
    version = Integer()
    title = fields.String()


class AssessmentOut(Schema):
    id = Integer()
    form = fields.Nested(FormBrief)
    answers = fields.Dict()
    measurements = fields.Dict()
    findings = fields.String()
    outcome = fields.String()
    recommendations = fields.List(fields.Dict())
    appointment_id = Integer(allow_none=True)
    appointment_completed_at = LocalDateTime(allow_none=True)
    assessed_by_id = Integer(allow_none=True)
    created_at = LocalDateTime()
    voided_at = LocalDateTime(allow_none=True)
    void_reason = fields.String(allow_none=True)


class Quote(Schema):
    price_fen = Integer()
    subsidy_fen = Integer()
    self_pay_fen = Integer()
    ratio_percent = Integer()


class ProductOption(Schema):
    product = fields.Nested(ProductOut)
    quote = fields.Nested(Quote)


class RecommendationOut(Schema):
    class_code = fields.String()
    main = fields.Boolean()
    note = fields.String()
    products = fields.List(fields.Nested(ProductOption))


class Chosen(Schema):
    product = fields.Nested(ProductOut)
    price_fen = Integer()
    subsidy_fen = Integer()
    self_pay_fen = Integer()
    ratio_percent = Integer()
    opinion = fields.String()
    confirmed_at = LocalDateTime(allow_none=True)


class ApprovalOut(Schema):
    round = Integer()
    step = fields.String()
    name = fields.String()
    result = fields.String()
    opinion = fields.String()
    by_user_id = Integer(allow_none=True)
    at = LocalDateTime()


class SupplyOut(Schema):
    id = Integer()
    maker_id = Integer()
    status = fields.String()
    shipped_at = LocalDateTime(allow_none=True)
    tracking = fields.String()
    serial_nos = fields.List(fields.String())
    from_stock = fields.Boolean()
    received_at = LocalDateTime(allow_none=True)


class HistoryEntry(Schema):
    at = LocalDateTime()
    status = fields.String()
    action = fields.String()
    by_user_id = Integer(allow_none=True)
    note = fields.String()


class CaseOut(Schema):
    id = Integer()
    status = fields.String()
    status_name = fields.String()
    resident = fields.Nested(ResidentBrief)
    site_id = Integer()
    class_code = fields.String()
    class_name = fields.String()
    need = fields.String()
    subsidy_groups = fields.List(fields.String())
    by_staff = fields.Boolean()
    returned_reason = fields.String(allow_none=True)
    closed_reason = fields.String(allow_none=True)
    assessments = fields.List(fields.Nested(AssessmentOut))
    recommendations = fields.List(fields.Nested(RecommendationOut))
    chosen = fields.Nested(Chosen, allow_none=True)
    approvals = fields.List(fields.Nested(ApprovalOut))
    waiting_on = fields.Nested(WaitingOn, allow_none=True)
    supply = fields.Nested(SupplyOut, allow_none=True)
    delivery = fields.Nested(DeliveryOut, allow_none=True)
    training = fields.Nested(TrainingOut)
    followups = fields.List(fields.Nested(FollowupOut))
    repairs = fields.List(fields.Nested(RepairOut))
    history = fields.List(fields.Nested(HistoryEntry))
    created_at = LocalDateTime()


class CaseBrief(Schema):
    id = Integer()
    status = fields.String()
    status_name = fields.String()
    resident = fields.Nested(ResidentBrief)
    site_id = Integer()
    class_code = fields.String()
    class_name = fields.String()
    waiting_on = fields.Nested(WaitingOn, allow_none=True)
    created_at = LocalDateTime()


CasePage = page_schema(CaseBrief, "DeviceCasePage")


class ImportUpload(Schema):
    file = Upload(required=True, metadata={"description": ".xlsx or .csv, a header row of Product field names"})
    maker_id = Integer(metadata={"description": "applies to rows without a maker_id column"})
