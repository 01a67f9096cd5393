"""Assistive devices for everyone: the catalogue, applying, one's cases, choosing a product."""
from backend.devices import cases, catalogue, choices, settings

from ..auth import current_user
from ..blueprint import Blueprint
from ..idempotency import idempotent
from ..ratelimits import create_per_user
from . import schemas as s

blp = Blueprint("devices", __name__, url_prefix="/api/v1",
                description="辅具精准适配：目录、厂家、申请、评估、选择产品与补贴、审批、供货、适配、训练、回访")


@blp.get("/devices/classes")
@blp.response(200, s.DeviceClassList)
def list_device_classes():
    """辅具分类（ISO 9999 / GB/T 16432）"""
    return catalogue.list_classes()


@blp.get("/devices/subsidy-groups")
@blp.response(200, s.SubsidyGroupsOut)
def public_subsidy_groups():
    """补贴分组（申请时选择）"""
    return settings.subsidy_groups()


@blp.get("/devices/products")
@blp.arguments(s.ProductArgs, location="query")
@blp.response(200, s.ProductPage)
def list_products(args):
    """辅具产品

    `class_code=12` matches everything under 12."""
    return catalogue.list_products(class_code=args.get("class_code"), q=args.get("q"),
                                   loanable=args.get("loanable"), page=args["page"], page_size=args["page_size"])


@blp.post("/me/device-cases")
@blp.login_required
@create_per_user
@idempotent
@blp.arguments(s.CaseIn)
@blp.response(201, s.CaseOut)
def apply_for_device(args):
    """申请辅具（本人或家属）"""
    return cases.apply(current_user(), args)


@blp.get("/me/device-cases")
@blp.login_required
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.CasePage)
def my_device_cases(args):
    """我的辅具申请"""
    return cases.my_cases(current_user(), args["page"], args["page_size"])


@blp.get("/device-cases/<int:case_id>")
@blp.login_required
@blp.response(200, s.CaseOut)
def get_device_case(case_id):
    """辅具申请详情

    With the recommended products and what confirming each would cost (`recommendations`)."""
    return cases.read(current_user(), case_id)


@blp.patch("/device-cases/<int:case_id>")
@blp.login_required
@blp.arguments(s.CasePatch)
@blp.response(200, s.CaseOut)
def edit_device_case(args, case_id):
    """补正被退回的申请"""
    return cases.edit_returned(current_user(), case_id, args)


@blp.post("/device-cases/<int:case_id>/resubmit")
@blp.login_required
@blp.response(200, s.CaseOut)
def resubmit_device_case(case_id):
    """重新提交被退回的申请"""
    return cases.resubmit(current_user(), case_id)


@blp.post("/device-cases/<int:case_id>/withdraw")
@blp.login_required
@blp.response(200, s.CaseOut)
def withdraw_device_case(case_id):
    """撤回申请（订购之前）"""
    return cases.withdraw(current_user(), case_id)


@blp.post("/device-cases/<int:case_id>/confirm")
@blp.login_required
@blp.arguments(s.ConfirmIn)
@blp.response(200, s.CaseOut)
def confirm_product(args, case_id):
    """确认选择的产品（计算补贴与自付）"""
    return choices.confirm(current_user(), case_id, args["product_id"], args["opinion"])
