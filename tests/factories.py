"""factory_boy factories writing through the app's session (commit after create)."""
import itertools
from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from backend.extensions import db
from backend.identity.certificates import CATEGORY_DIGITS, id_check_digit
from backend.identity.models import Resident, ResidentLink, User, VolunteerProfile
from backend.identity.models import StaffAssignment
from backend.sites.models import Site

from .conftest import CANARIES

_seq = itertools.count(1)
WEEK = [{"weekday": d, "open": "00:00", "close": "23:59"} for d in range(1, 8)]


def certificate_no(category: str = "physical", level: int = 2, born: date = date(1960, 5, 17)) -> str:
    """A valid 20-character certificate number, registered as a canary."""
    area = "310101"
    serial = f"{next(_seq) % 1000:03d}"
    first17 = f"{area}{born:%Y%m%d}{serial}"
    number = first17 + id_check_digit(first17) + CATEGORY_DIGITS[category] + str(level)
    CANARIES.add(number)
    return number


def phone_no() -> str:
    number = f"139{next(_seq):08d}"
    CANARIES.add(number)
    return number


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class SiteFactory(Base):
    class Meta:
        model = Site

    kind = "home"
    name = factory.Sequence(lambda n: f"站点{n}")
    address = "测试路 1 号"
    opening_hours = factory.LazyFunction(lambda: list(WEEK))
    accessibility = factory.LazyFunction(lambda: ["step_free"])
    rules = factory.LazyFunction(dict)


class UserFactory(Base):
    class Meta:
        model = User

    openid = factory.Sequence(lambda n: f"openid-{n}")
    nickname = factory.Sequence(lambda n: f"用户{n}")
    preferences = factory.LazyFunction(dict)


def staff_of(user: User, site: Site, role: str = "staff") -> StaffAssignment:
    a = StaffAssignment(user_id=user.id, site_id=site.id, role=role)
    db.session.add(a)
    db.session.commit()
    return a


class ResidentFactory(Base):
    class Meta:
        model = Resident

    name = factory.Sequence(lambda n: f"居民{n}")
    disability_category = "physical"
    disability_level = 2
    needs = factory.LazyFunction(lambda: ["wheelchair"])
    verification = "pending"


def link(user_id: int, resident: Resident, relation: str = "parent") -> ResidentLink:
    row = ResidentLink(user_id=user_id, resident_id=resident.id, relation=relation)
    db.session.add(row)
    db.session.commit()
    return row


def approved_volunteer(user_id: int, skills=("sign_language",)) -> VolunteerProfile:
    p = VolunteerProfile(user_id=user_id, real_name="志愿者", skills=list(skills), status="approved")
    db.session.add(p)
    db.session.commit()
    return p
