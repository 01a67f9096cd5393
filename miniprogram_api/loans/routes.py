"""Device loans for everyone: what can be borrowed where, reserving, one's loans, renewing, cancelling."""
from backend.loans import inventory, lending

from ..auth import current_user
from ..blueprint import Blueprint
from ..idempotency import idempotent
from ..ratelimits import create_per_user
from . import schemas as s

blp = Blueprint("loans", __name__, url_prefix="/api/v1",
                description="辅具租赁借用：可借数量、预留、借出交接签收、续借、归还检查、维修保养")


@blp.get("/devices/loanable")
@blp.arguments(s.LoanableArgs, location="query")
@blp.response(200, s.LoanableList)
def loanable_devices(args):
    """可借辅具（按中心与产品，现在可预留的台数）"""
    return inventory.loanable(args.get("site_id"), args.get("class_code"))


@blp.post("/device-loans")
@blp.login_required
@create_per_user
@idempotent
@blp.arguments(s.DeviceLoanIn)
@blp.response(201, s.DeviceLoanOut)
def reserve_device(args):
    """预留借用一台辅具（本人或家属；保留 DEVICE_HOLD_DAYS 天）"""
    return lending.reserve(current_user(), args)


@blp.get("/me/device-loans")
@blp.login_required
@blp.arguments(s.MyLoanArgs, location="query")
@blp.response(200, s.DeviceLoanPageSchema)
def my_device_loans(args):
    """我的辅具借用"""
    return lending.my_loans(current_user(), args.get("status"), args["page"], args["page_size"])


@blp.get("/device-loans/<int:loan_id>")
@blp.login_required
@blp.response(200, s.DeviceLoanOut)
def get_device_loan(loan_id):
    """辅具借用详情（含历史）"""
    return lending.read(current_user(), loan_id)


@blp.post("/device-loans/<int:loan_id>/renew")
@blp.login_required
@blp.response(200, s.DeviceLoanOut)
def renew_device_loan(loan_id):
    """续借（延长一个借用期）"""
    return lending.renew(current_user(), loan_id)


@blp.post("/device-loans/<int:loan_id>/cancel")
@blp.login_required
@blp.response(200, s.DeviceLoanOut)
def cancel_device_loan(loan_id):
    """取消预留"""
    return lending.cancel(current_user(), loan_id)
