"""The audit log, for the federation's admins."""
from backend import audit

from ..auth import current_user
from ..blueprint import Blueprint
from . import schemas as s

blp = Blueprint("audit", __name__, url_prefix="/api/v1",
                description="审计日志")


@blp.get("/admin/audit")
@blp.login_required
@blp.arguments(s.AuditArgs, location="query")
@blp.response(200, s.AuditPage)
def audit_log(args):
    """审计日志（敏感信息的查看与修改；角色、站点、排班的变更）"""
    return audit.list_entries(current_user(), resident_id=args.get("resident_id"), actor_id=args.get("actor_id"),
                              since=args.get("from_"), until=args.get("to"), subject=args.get("subject"),
                              site_id=args.get("site_id"),
                              page=args["page"], page_size=args["page_size"])
