"""Sites as API.md shows them."""
from ..db import utcnow
from .hours import status
from .models import Site


def site_view(site: Site) -> dict:
    return {"id": site.id, "kind": site.kind, "name": site.name, "address": site.address,
            "community": site.community, "phone": site.phone,
            "location": {"lat": site.lat, "lng": site.lng} if site.lat is not None else None,
            "opening_hours": site.opening_hours or [], "accessibility": site.accessibility or [],
            "timezone": site.timezone, **_now_open(site)}


def _now_open(site: Site) -> dict:
    """Whether it is open now and, when closed, when it next opens (in its zone)."""
    return status(site, utcnow())
