"""Demo data for the local server (`flask seed-demo --if-empty`): each domain seeds its part, in the
order of the domains, sharing what earlier ones created (sites, users, the demo resident)."""
from sqlalchemy import select

from . import domains
from .extensions import db
from .sites import Site
from .units import transaction


def seed(if_empty: bool = True) -> str:
    if if_empty and db.session.scalar(select(Site.id).limit(1)) is not None:
        return "database already has data; demo seed skipped"
    ctx: dict = {}
    with transaction():
        for d in domains.registered():
            if d.demo is not None:
                d.demo(ctx)
        summary = (f"demo data created: sites home={ctx['home'].id} rehab={ctx['rehab'].id} cafe={ctx['cafe'].id}; "
                   f"log in with codes {', '.join(ctx['users'])}")
    return summary

