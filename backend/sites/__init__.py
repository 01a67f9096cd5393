"""Sites: disability homes, rehab stations, cafés.

Public: the `Site` model, `get_site`, `site_view`, opening hours (`is_open`, `next_opening`) and
the rules every site shares (`checkin_opens_at`). Local time is `backend.localtime`
(a site's zone, below every domain).
"""
from ..domains import Domain
from . import demo
from .hours import is_open, next_opening, status as opening_status
from .rules import CHECKIN_RULE, checkin_not_open_message, checkin_opens_at, checkin_opens_before
from .models import ACCESSIBILITY, SITE_KINDS, TIMEZONES, Site
from .services import create_site, get_site, list_sites, read_site, update_site
from .views import site_view

domain = Domain(name="sites", models=(Site,), demo=demo.seed)

__all__ = ["ACCESSIBILITY", "CHECKIN_RULE", "SITE_KINDS", "TIMEZONES", "Site", "checkin_not_open_message",
           "checkin_opens_at",           "checkin_opens_before", "is_open", "next_opening", "opening_status", "create_site", "domain", "get_site", "list_sites",
           "read_site", "site_view", "update_site"]
