"""Sites: the public listing and one site; the federation's admins create and edit them."""
from backend import sites

from ..auth import current_user
from ..blueprint import Blueprint
from ..idempotency import idempotent
from .schemas import SiteArgs, SiteIn, SiteOut, SitePage, SitePatch

blp = Blueprint("sites", __name__, url_prefix="/api/v1",
                description="站点：残疾人之家、康复站、手语咖啡")


@blp.get("/sites")
@blp.arguments(SiteArgs, location="query")
@blp.response(200, SitePage)
def list_sites(args):
    """站点列表"""
    return sites.list_sites(args.get("kind"), args["page"], args["page_size"])


@blp.get("/sites/<int:site_id>")
@blp.response(200, SiteOut)
def get_site(site_id):
    """站点详情"""
    return sites.read_site(site_id)


@blp.post("/admin/sites")
@blp.login_required
@idempotent
@blp.arguments(SiteIn)
@blp.response(201, SiteOut)
def create_site(args):
    """新增站点"""
    return sites.create_site(current_user(), args)


@blp.patch("/admin/sites/<int:site_id>")
@blp.login_required
@blp.arguments(SitePatch)
@blp.response(200, SiteOut)
def update_site(args, site_id):
    """修改站点"""
    return sites.update_site(current_user(), site_id, args)
