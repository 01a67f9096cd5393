"""Sites as API.md shows them."""
from .models import Site


def site_view(site: Site) -> dict:
    return {"id": site.id, "kind": site.kind, "name": site.name, "address": site.address,
            "community": site.community, "phone": site.phone,
            "location": {"lat": site.lat, "lng": site.lng} if site.lat is not None else None,
            "opening_hours": site.opening_hours or [], "accessibility": site.accessibility or [],
            "timezone": site.timezone}
