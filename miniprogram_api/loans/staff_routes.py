"""Device loans for the centres' staff: the inventory, lending to walk-ins, checkout with the signed
handover, returns, inspection, maintenance."""
from backend.loans import inventory, lending

from ..auth import current_user
from ..body import json_body
from ..devices.handover_schemas import HANDOVER_BODY_MAX_BYTES
from ..idempotency import idempotent
from . import schemas as s
from .routes import blp


@blp.post("/staff/sites/<int:site_id>/device-items")
@blp.login_required
@idempotent
@blp.arguments(s.DeviceItemIn)
@blp.response(201, s.DeviceItemOut)
def add_device_item(args, site_id):
    """登记一台借用设备（序列号、状况、来源）"""
    return inventory.add_item(current_user(), site_id, args)


@blp.get("/staff/sites/<int:site_id>/device-items")
@blp.login_required
@blp.arguments(s.DeviceItemArgs, location="query")
@blp.response(200, s.DeviceItemPageSchema)
def list_device_items(args, site_id):
    """中心的借用设备（maintenance=due：到期待保养的）"""
    return inventory.list_items(current_user(), site_id, status=args.get("status"),
                                product_id=args.get("product_id"), maintenance_due=args.get("maintenance") == "due",
                                page=args["page"], page_size=args["page_size"])


@blp.get("/staff/device-items/<int:item_id>")
@blp.login_required
@blp.response(200, s.DeviceItemOut)
def get_device_item(item_id):
    """借用设备详情（含状态历史）"""
    return inventory.read_item(current_user(), item_id)


@blp.patch("/staff/device-items/<int:item_id>")
@blp.login_required
@blp.arguments(s.DeviceItemPatch)
@blp.response(200, s.DeviceItemOut)
def update_device_item(args, item_id):
    """修改设备信息或状态（送修、修好、报废、丢失）"""
    return inventory.update_item(current_user(), item_id, args)


@blp.post("/staff/device-items/<int:item_id>/maintenance")
@blp.login_required
@blp.arguments(s.DeviceMaintenanceIn)
@blp.response(200, s.DeviceItemOut)
def record_device_maintenance(args, item_id):
    """记录一次保养（保养周期从此重新计算）"""
    return inventory.record_maintenance(current_user(), item_id, args["done_at"], args["note"])


@blp.post("/staff/device-items/<int:item_id>/inspection")
@blp.login_required
@blp.arguments(s.DeviceInspectionIn)
@blp.response(200, s.DeviceItemOut)
def inspect_device_item(args, item_id):
    """归还设备清洁检查（可借、送修或报废）"""
    return inventory.inspect(current_user(), item_id, args["result"], args["note"])


@blp.post("/staff/device-loans")
@blp.login_required
@idempotent
@blp.arguments(s.DeviceLoanIn)
@blp.response(201, s.DeviceLoanOut)
def reserve_device_for_walk_in(args):
    """为到场居民预留借用（代借，记入审计）"""
    return lending.reserve_for_walk_in(current_user(), args)


@blp.get("/staff/device-loans")
@blp.login_required
@blp.arguments(s.StaffLoanArgs, location="query")
@blp.response(200, s.DeviceLoanPageSchema)
def staff_device_loans(args):
    """中心的借用清单（status=overdue：逾期未还的）"""
    return lending.site_loans(current_user(), args.get("site_id"), args.get("status"), args["page"],
                              args["page_size"])


@blp.post("/staff/device-loans/<int:loan_id>/checkout")
@blp.login_required
@json_body(HANDOVER_BODY_MAX_BYTES)
@blp.arguments(s.LoanCheckoutIn)
@blp.response(200, s.DeviceLoanOut)
def checkout_device_loan(args, loan_id):
    """借出交接（签名确认，约定归还日期）"""
    return lending.checkout(current_user(), loan_id, args)


@blp.post("/staff/device-loans/<int:loan_id>/return")
@blp.login_required
@blp.arguments(s.LoanReturnIn)
@blp.response(200, s.DeviceLoanOut)
def return_device_loan(args, loan_id):
    """归还（设备进入清洁检查）"""
    return lending.return_loan(current_user(), loan_id, args["condition"], args["note"])


@blp.post("/staff/device-loans/<int:loan_id>/lost")
@blp.login_required
@blp.arguments(s.LoanLostIn)
@blp.response(200, s.DeviceLoanOut)
def report_device_loan_lost(args, loan_id):
    """登记借用设备丢失"""
    return lending.report_lost(current_user(), loan_id, args["note"])
