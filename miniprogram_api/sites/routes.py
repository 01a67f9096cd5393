from backend.sites import services

from ..auth import Blueprint
from .schemas import SiteArgs, SiteOut, SitePage, site_view

blp = Blueprint("sites", __name__, url_prefix="/api/v1", description="Disability homes, rehab stations, cafés")


@blp.get("/sites")
@blp.arguments(SiteArgs, location="query")
@blp.response(200, SitePage)
def list_sites(args):
    page = services.list_sites(args.get("kind"), args["page"], args["page_size"])
    page["items"] = [site_view(s) for s in page["items"]]
    return page


@blp.get("/sites/<int:site_id>")
@blp.response(200, SiteOut)
def get_site(site_id):
    return site_view(services.get_site(site_id))
