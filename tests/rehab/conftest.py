"""Rehab fixtures: a rehab station with a manager, a therapist, a service, and slots placed relative
to utcnow() (so no clock is frozen and nothing sleeps)."""
from dataclasses import dataclass
from datetime import timedelta

import pytest

from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import User
from backend.rehab.models import RehabService, RehabSlot, Therapist
from backend.sites.models import Site

from ..factories import ResidentFactory, SiteFactory, link, staff_of


def make_service(site: Site, **kw) -> RehabService:
    fields = {"name": "物理治疗", "kind": "physio", "duration_min": 30, "buffer_min": 0, "description": "",
              "requires_verified": False, **kw}
    s = RehabService(site_id=site.id, **fields)
    db.session.add(s)
    db.session.commit()
    return s


def make_therapist(site: Site, name: str = "张治疗师") -> Therapist:
    t = Therapist(site_id=site.id, name=name)
    db.session.add(t)
    db.session.commit()
    return t


def make_slot(service: RehabService, therapist: Therapist, *, hours: float = 24, minutes: int | None = None,
              capacity: int = 1, booked: int = 0, starts_at=None) -> RehabSlot:
    start = starts_at or (utcnow() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    length = timedelta(minutes=minutes or service.duration_min)
    slot = RehabSlot(site_id=service.site_id, service_id=service.id, therapist_id=therapist.id,
                     starts_at=start, ends_at=start + length,
                     blocked_until=start + length + timedelta(minutes=service.buffer_min),
                     capacity=capacity, booked=booked, status="open")
    db.session.add(slot)
    db.session.commit()
    return slot


@dataclass
class Station:
    site: Site
    service: RehabService
    therapist: Therapist
    manager: object  # Api
    staff: object  # Api


@pytest.fixture
def station(app, db_session, login) -> Station:
    site = SiteFactory(kind="rehab", name="康复站")
    manager, staff = login(), login()
    staff_of(db.session.get(User, manager.user_id), site, "manager")
    staff_of(db.session.get(User, staff.user_id), site, "staff")
    return Station(site, make_service(site), make_therapist(site), manager, staff)


@pytest.fixture
def family(login):
    """family() → (Api of a user linked to a fresh resident, resident)."""
    def make(**resident_fields):
        api = login()
        resident = ResidentFactory(**resident_fields)
        link(api.user_id, resident)
        return api, resident
    return make
