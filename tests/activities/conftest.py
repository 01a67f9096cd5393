"""Helpers for the activities tests: a home, its staff, families with residents, activities."""
from datetime import timedelta

import pytest

from backend.activities.models import Activity, Signup
from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import User, VolunteerProfile

from ..factories import ResidentFactory, SiteFactory, approved_volunteer, link, staff_of


def iso(dt) -> str:
    return dt.isoformat()


def make_activity(site, *, status="published", capacity=10, volunteer_capacity=2, starts_in=timedelta(days=3),
                  hours=2, **kw) -> Activity:
    starts = utcnow().replace(microsecond=0) + starts_in
    a = Activity(site_id=site.id, title=kw.pop("title", "手工编织课"), category=kw.pop("category", "skills"),
                 starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=capacity,
                 volunteer_capacity=volunteer_capacity, status=status, location="二楼活动室", **kw)
    db.session.add(a)
    db.session.commit()
    return a


def reload(model, pk):
    db.session.expire_all()
    return db.session.get(model, pk)


def signup_row(signup_id) -> Signup:
    return reload(Signup, signup_id)


def minutes_total(user_id) -> int:
    return reload(VolunteerProfile, user_id).minutes_total


class World:
    """A home with staff, an admin, another home with its staff, and a way to make families."""

    def __init__(self, login, db_session):
        self.login = login
        self.home = SiteFactory(kind="home", name="阳光之家")
        self.other = SiteFactory(kind="home", name="月亮之家")
        self.staff = self.staff_at(self.home)
        self.other_staff = self.staff_at(self.other)
        self.admin = login()
        db.session.get(User, self.admin.user_id).is_admin = True
        db.session.commit()

    def staff_at(self, site, role="staff"):
        api = self.login()
        staff_of(db.session.get(User, api.user_id), site, role)
        return api

    def family(self, category="physical", needs=("wheelchair",), known_at=None):
        """A logged-in user linked to a fresh resident; returns (api, resident_id)."""
        api = self.login()
        resident = ResidentFactory(disability_category=category, needs=list(needs))
        link(api.user_id, resident)
        if known_at is not None:
            from backend.identity.residents import mark_known
            mark_known(resident.id, known_at.id, "registered")
            db.session.commit()
        return api, resident.id

    def volunteer(self, skills=("sign_language",)):
        api = self.login()
        approved_volunteer(api.user_id, skills)
        return api


@pytest.fixture
def world(app, login, db_session) -> World:
    return World(login, db_session)


def sign(api, activity_id, resident_id=None, companions=0, **kw):
    body = {"role": "volunteer"} if resident_id is None else {"resident_id": resident_id, "companions": companions}
    return api.post(f"/activities/{activity_id}/signups", body, **kw)


__all__ = ["World", "make_activity", "reload", "sign", "signup_row", "minutes_total", "iso"]
