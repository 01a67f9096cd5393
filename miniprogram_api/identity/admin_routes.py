"""The federation's admins: finding users, assigning staff to sites."""
from backend.identity import services, staff

from ..auth import current_user
from . import schemas as s
from .routes import blp



@blp.get("/admin/users")
@blp.login_required
@blp.arguments(s.UserArgs, location="query")
@blp.response(200, s.UserPage)
def find_users(args):
    """查找用户（含角色与任职站点；可按站点筛选）"""
    return services.find_users(current_user(), args.get("q"), args.get("phone"), args["page"], args["page_size"],
                               site_id=args.get("site_id"), role=args.get("role"))


@blp.put("/admin/sites/<int:site_id>/staff/<int:user_id>")
@blp.login_required
@blp.arguments(s.StaffRoleIn)
@blp.response(200, s.StaffSite)
def assign_staff(args, site_id, user_id):
    """任命站点工作人员"""
    return staff.assign_staff(current_user(), site_id, user_id, args["role"])


@blp.delete("/admin/sites/<int:site_id>/staff/<int:user_id>")
@blp.login_required
@blp.response(204)
def unassign_staff(site_id, user_id):
    """撤销站点工作人员"""
    staff.unassign_staff(current_user(), site_id, user_id)
