"""Admin routes: users, sites, staff assignments, the audit log."""
from backend.audit import services as audit
from backend.identity import services
from backend.sites import services as sites

from ..auth import Blueprint, current_user
from ..idempotency import idempotent
from ..sites.schemas import SiteIn, SiteOut, SitePatch, site_view
from . import schemas as s

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="Federation-level administration")


@blp.get("/users")
@blp.login_required
@blp.arguments(s.UserArgs, location="query")
@blp.response(200, s.UserPage)
def find_users(args):
    return services.find_users(current_user(), args.get("q"), args.get("phone"), args["page"], args["page_size"])


@blp.post("/sites")
@blp.login_required
@idempotent
@blp.arguments(SiteIn)
@blp.response(201, SiteOut)
def create_site(args):
    return site_view(sites.create_site(current_user(), args))


@blp.patch("/sites/<int:site_id>")
@blp.login_required
@blp.arguments(SitePatch)
@blp.response(200, SiteOut)
def update_site(args, site_id):
    return site_view(sites.update_site(current_user(), site_id, args))


@blp.put("/sites/<int:site_id>/staff/<int:user_id>")
@blp.login_required
@blp.arguments(s.StaffRoleIn)
@blp.response(200, s.StaffSite)
def assign_staff(args, site_id, user_id):
    a = sites.assign_staff(current_user(), site_id, user_id, args["role"])
    return {"site_id": a.site_id, "role": a.role}


@blp.delete("/sites/<int:site_id>/staff/<int:user_id>")
@blp.login_required
@blp.response(204)
def unassign_staff(site_id, user_id):
    sites.unassign_staff(current_user(), site_id, user_id)


@blp.get("/audit")
@blp.login_required
@blp.arguments(s.AuditArgs, location="query")
@blp.response(200, s.AuditPage)
def audit_log(args):
    return audit.list_entries(current_user(), resident_id=args.get("resident_id"), actor_id=args.get("actor_id"),
                              since=args.get("from_"), until=args.get("to"),
                              page=args["page"], page_size=args["page_size"])
