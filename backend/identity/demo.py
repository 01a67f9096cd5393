"""Demo accounts (log in with the fake: a wx.login code equal to the openid, e.g. `family`, or
`family#2` for a fresh code), their staff roles, a resident with family, an approved volunteer.

Seeded through the use cases the API runs (staff assignments by the demo admin, the certificate
verified by the home's staff, the volunteer reviewed), so the audit log and the inbox tell what the
product itself would have recorded. Accounts and the resident have phone numbers (shown masked).
Text checks (WeChat's msg_sec_check) are the one step skipped: the demo's own texts need none.
"""
from datetime import date

from ..crypto import encrypt, lookup_hash, mask_phone
from ..db import utcnow
from ..extensions import db
from .certificates import CATEGORY_DIGITS, id_check_digit
from .models import Resident, ResidentLink, User, VolunteerProfile
from .residents import _apply_personal_fields, mark_known, verify
from .staff import assign_staff
from .volunteers import review

DEMO_USERS = {"admin": "管理员", "home-staff": "之家工作人员", "rehab-staff": "康复站站长",
              "cafe-staff": "咖啡馆店员", "family": "王女士", "resident": "王大爷", "volunteer": "志愿者小李"}
# Demo phone numbers (the 1380013xxxx block the fake's phone codes use): responses show 138****80xx.
PHONES = {openid: f"1380013{8001 + n:04d}" for n, openid in enumerate(DEMO_USERS)}


def certificate(first17: str, category: str, level: int) -> str:
    return first17 + id_check_digit(first17) + CATEGORY_DIGITS[category] + str(level)


def _with_phone(user: User, phone: str) -> User:
    user.phone_enc, user.phone_hash, user.phone_masked = encrypt(phone), lookup_hash(phone), mask_phone(phone)
    return user


def seed(ctx: dict) -> None:
    home, rehab, cafe = ctx["home"], ctx["rehab"], ctx["cafe"]
    users = {openid: _with_phone(User(openid=openid, nickname=name, preferences={}), PHONES[openid])
             for openid, name in DEMO_USERS.items()}
    db.session.add_all(users.values())
    db.session.flush()
    users["admin"].is_admin = True
    users["family"].preferences = {"communication": "text", "large_text": False, "notes": ""}
    users["resident"].preferences = {"communication": "large_text", "large_text": True, "notes": "请说话慢一点"}
    for openid, site in (("home-staff", home), ("rehab-staff", rehab), ("cafe-staff", cafe)):
        assign_staff(users["admin"], site.id, users[openid].id, "manager")

    # 王大爷, registered by his daughter with the home as the station that checks his certificate,
    # then verified there in person.
    grandpa = Resident(name="王大爷", disability_category="physical", disability_level=2,
                       verification="pending", needs=[], consent_sensitive_at=utcnow(),
                       consent_by_user_id=users["family"].id, created_by_id=users["family"].id,
                       registered_site_id=home.id)
    _apply_personal_fields(grandpa, {"certificate_no": certificate("31010119480315003", "physical", 2),
                                     "needs": ["wheelchair", "large_print"], "birth_date": date(1948, 3, 15),
                                     "phone": "13800138100"})
    db.session.add(grandpa)
    db.session.flush()
    db.session.add_all([
        ResidentLink(user_id=users["family"].id, resident_id=grandpa.id, relation="parent"),
        ResidentLink(user_id=users["resident"].id, resident_id=grandpa.id, relation="self"),
    ])
    mark_known(grandpa.id, home.id, "registered")
    verify(users["home-staff"], grandpa.id, "verified", "证件已当面核验", site_id=home.id)

    # 志愿者小李 applied; the home's staff approved (the inbox's welcome comes from that review).
    db.session.add(VolunteerProfile(user_id=users["volunteer"].id, real_name="李明", status="pending",
                                    skills=["sign_language", "wheelchair_assist"], intro="手语八级"))
    db.session.flush()
    review(users["home-staff"], users["volunteer"].id, "approved", "欢迎加入")
    db.session.flush()
    ctx.update(users=users, resident=grandpa)
