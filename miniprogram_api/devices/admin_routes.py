"""Assistive devices for the federation's admins and the makers: makers and their staff, products and
their import, subsidy groups, the approval chain, assessment form versions."""
from backend.devices import catalogue, forms, makers, settings

from ..auth import current_user
from ..body import upload
from ..idempotency import idempotent
from . import schemas as s
from .routes import blp

IMPORT_MAX_BYTES = 5 * 1024 * 1024  # a 5,000-row workbook with room to spare


@blp.get("/admin/makers")
@blp.login_required
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.MakerPage)
def list_makers(args):
    """厂家列表"""
    return makers.list_makers(current_user(), args["page"], args["page_size"])


@blp.post("/admin/makers")
@blp.login_required
@idempotent
@blp.arguments(s.MakerIn)
@blp.response(201, s.MakerOut)
def create_maker(args):
    """新增厂家"""
    return makers.create_maker(current_user(), args)


@blp.patch("/admin/makers/<int:maker_id>")
@blp.login_required
@blp.arguments(s.MakerPatch)
@blp.response(200, s.MakerOut)
def update_maker(args, maker_id):
    """修改厂家"""
    return makers.update_maker(current_user(), maker_id, args)


@blp.put("/admin/makers/<int:maker_id>/staff/<int:user_id>")
@blp.login_required
@blp.response(200, s.MakerStaffOut)
def assign_maker_staff(maker_id, user_id):
    """任命厂家人员"""
    return makers.assign_staff(current_user(), maker_id, user_id)


@blp.delete("/admin/makers/<int:maker_id>/staff/<int:user_id>")
@blp.login_required
@blp.response(204)
def unassign_maker_staff(maker_id, user_id):
    """撤销厂家人员"""
    makers.unassign_staff(current_user(), maker_id, user_id)


@blp.post("/maker/products")
@blp.login_required
@idempotent
@blp.arguments(s.ProductIn)
@blp.response(201, s.ProductOut)
def create_product(args):
    """新增产品（厂家人员：本厂；管理员：须指定厂家）"""
    return catalogue.create_product(current_user(), args)


@blp.patch("/maker/products/<int:product_id>")
@blp.login_required
@blp.arguments(s.ProductPatch)
@blp.response(200, s.ProductOut)
def update_product(args, product_id):
    """修改产品"""
    return catalogue.update_product(current_user(), product_id, args)


@blp.post("/admin/devices/products/import")
@blp.login_required
@upload(max_bytes=IMPORT_MAX_BYTES)
@blp.arguments(s.ImportUpload, location="multipart")
@blp.response(200, s.ImportOut)
def import_products(args):
    """导入产品（.xlsx 或 .csv，有错误的行则整份不导入）"""
    f = args["file"]
    return catalogue.import_products(current_user(), f.filename or "", f.read(), args.get("maker_id"))


@blp.get("/admin/devices/subsidy-groups")
@blp.login_required
@blp.response(200, s.SubsidyGroupsOut)
def get_subsidy_groups():
    """补贴分组"""
    return settings.subsidy_groups_for(current_user())


@blp.put("/admin/devices/subsidy-groups")
@blp.login_required
@blp.arguments(s.SubsidyGroupsIn)
@blp.response(200, s.SubsidyGroupsOut)
def put_subsidy_groups(args):
    """设置补贴分组"""
    return settings.set_subsidy_groups(current_user(), args["items"])


@blp.get("/admin/devices/approval-chain")
@blp.login_required
@blp.response(200, s.ApprovalChainOut)
def get_approval_chain():
    """审批流程"""
    return settings.approval_chain_for(current_user())


@blp.put("/admin/devices/approval-chain")
@blp.login_required
@blp.arguments(s.ApprovalChainIn)
@blp.response(200, s.ApprovalChainOut)
def put_approval_chain(args):
    """设置审批流程（已进入审批的申请不受影响）"""
    return settings.set_approval_chain(current_user(), args["steps"])


@blp.post("/admin/device-assessment-forms")
@blp.login_required
@blp.arguments(s.FormIn)
@blp.response(201, s.FormOut)
def publish_form(args):
    """发布评估表的新版本"""
    return forms.publish(current_user(), args)
