"""Demo data for the local server (`flask seed-demo --if-empty`). Log in as these with the fake:
a wx.login code equal to the openid (e.g. `family`, or `family#2` for a fresh code)."""
from datetime import date

from sqlalchemy import select

from .db import utcnow
from .extensions import db
from .identity.certificates import CATEGORY_DIGITS, id_check_digit
from .identity.models import Resident, ResidentLink, User
from .identity.residents import _apply_personal_fields, mark_known
from .sites.models import Site, StaffAssignment

WEEKDAYS = [{"weekday": d, "open": "09:00", "close": "17:00"} for d in range(1, 6)]
DEMO_USERS = {"admin": "管理员", "home-staff": "之家工作人员", "rehab-staff": "康复站站长",
              "cafe-staff": "咖啡馆店员", "family": "王女士", "resident": "王大爷", "volunteer": "志愿者小李"}


def certificate(first17: str, category: str, level: int) -> str:
    return first17 + id_check_digit(first17) + CATEGORY_DIGITS[category] + str(level)


def seed(if_empty: bool = True) -> str:
    if if_empty and db.session.scalar(select(Site.id).limit(1)) is not None:
        return "database already has data; demo seed skipped"
    home = Site(kind="home", name="阳光残疾人之家（示范）", address="人民路 1 号", community="人民街道",
                phone="021-00000001", lat=31.23, lng=121.47, opening_hours=WEEKDAYS,
                accessibility=["step_free", "accessible_toilet", "lift"])
    rehab = Site(kind="rehab", name="社区康复站（示范）", address="健康路 8 号", community="人民街道",
                 phone="021-00000002", lat=31.24, lng=121.48, opening_hours=WEEKDAYS,
                 accessibility=["step_free", "accessible_toilet", "parking"])
    cafe = Site(kind="cafe", name="手语咖啡（示范）", address="和平路 5 号", community="和平街道",
                phone="021-00000003", lat=31.22, lng=121.46,
                opening_hours=[{"weekday": d, "open": "08:00", "close": "20:00"} for d in range(1, 8)],
                accessibility=["step_free", "sign_language_staff", "hearing_loop"])
    db.session.add_all([home, rehab, cafe])
    users = {openid: User(openid=openid, nickname=name, preferences={}) for openid, name in DEMO_USERS.items()}
    db.session.add_all(users.values())
    db.session.flush()
    users["admin"].is_admin = True
    users["family"].preferences = {"communication": "text", "large_text": False, "notes": ""}
    users["resident"].preferences = {"communication": "large_text", "large_text": True, "notes": "请说话慢一点"}
    db.session.add_all([
        StaffAssignment(user_id=users["home-staff"].id, site_id=home.id, role="manager", assigned_at=utcnow()),
        StaffAssignment(user_id=users["rehab-staff"].id, site_id=rehab.id, role="manager", assigned_at=utcnow()),
        StaffAssignment(user_id=users["cafe-staff"].id, site_id=cafe.id, role="manager", assigned_at=utcnow()),
    ])
    grandpa = Resident(name="王大爷", disability_category="physical", disability_level=2,
                       verification="verified", needs=[], consent_sensitive_at=utcnow(),
                       consent_by_user_id=users["family"].id, created_by_id=users["family"].id)
    _apply_personal_fields(grandpa, {"certificate_no": certificate("31010119480315003", "physical", 2),
                                     "needs": ["wheelchair", "large_print"], "birth_date": date(1948, 3, 15)})
    grandpa.verification = "verified"
    db.session.add(grandpa)
    db.session.flush()
    db.session.add_all([
        ResidentLink(user_id=users["family"].id, resident_id=grandpa.id, relation="parent"),
        ResidentLink(user_id=users["resident"].id, resident_id=grandpa.id, relation="self"),
    ])
    mark_known(grandpa.id, home.id, "verified")
    from .identity.models import VolunteerProfile
    db.session.add(VolunteerProfile(user_id=users["volunteer"].id, real_name="李明", status="approved",
                                    skills=["sign_language", "wheelchair_assist"], intro="手语八级"))
    from .demo_domains import seed_domains
    seed_domains(home=home, rehab=rehab, cafe=cafe, users=users, resident=grandpa)
    db.session.commit()
    return (f"demo data created: sites home={home.id} rehab={rehab.id} cafe={cafe.id}; "
            f"log in with codes {', '.join(DEMO_USERS)}")
