"""Sites: disability homes, rehab stations, cafés.

Public: the `Site` model, `get_site`, `site_view`. Local time is `backend.localtime`
(a site's zone, below every domain).
"""
from ..domains import Domain
from . import demo
from .models import ACCESSIBILITY, SITE_KINDS, TIMEZONES, Site
from .services import create_site, get_site, list_sites, read_site, update_site
from .views import site_view

domain = Domain(name="sites", models=(Site,), demo=demo.seed)

__all__ = ["ACCESSIBILITY", "SITE_KINDS", "TIMEZONES", "Site", "create_site", "domain", "get_site", "list_sites",
           "read_site", "site_view", "update_site"]
