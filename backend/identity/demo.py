"""Demo accounts (log in with the fake: a wx.login code equal to the openid, e.g. `family`, or
`family#2` for a fresh code), their staff roles, a resident with family, an approved volunteer."""
from datetime import date

from ..db import utcnow
from ..extensions import db
from .certificates import CATEGORY_DIGITS, id_check_digit
from .models import Resident, ResidentLink, StaffAssignment, User, VolunteerProfile
from .residents import _apply_personal_fields, mark_known

DEMO_USERS = {"admin": "管理员", "home-staff": "之家工作人员", "rehab-staff": "康复站站长",
              "cafe-staff": "咖啡馆店员", "family": "王女士", "resident": "王大爷", "volunteer": "志愿者小李"}


def certificate(first17: str, category: str, level: int) -> str:
    return first17 + id_check_digit(first17) + CATEGORY_DIGITS[category] + str(level)


def seed(ctx: dict) -> None:
    home, rehab, cafe = ctx["home"], ctx["rehab"], ctx["cafe"]
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
    db.session.add(VolunteerProfile(user_id=users["volunteer"].id, real_name="李明", status="approved",
                                    skills=["sign_language", "wheelchair_assist"], intro="手语八级"))
    db.session.flush()
    ctx.update(users=users, resident=grandpa)
