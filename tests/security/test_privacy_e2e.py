"""GET /me/export and DELETE /me over every domain: export has every section; after deletion the
token is dead and the user's personal fields are gone from every table of the database."""
from sqlalchemy import inspect, select, text

from backend.extensions import db
from backend.identity.models import Resident, User

from ..activities.conftest import make_activity
from ..cafe.helpers import add_item, make_cafe, order_body, pay, place, prepay_id
from ..conftest import CANARIES
from ..factories import SiteFactory, certificate_no
from ..rehab.conftest import make_service, make_slot, make_therapist

NICK, NOTE, RESIDENT_NAME = "隐私测试用户甲", "请放在靠窗的桌子", "隐私测试居民乙"
CANCEL_REASON = "家里临时有事不能去"


def all_text(app) -> str:
    """Every value of every row of every table, as one string."""
    with app.app_context():
        parts = []
        for table in inspect(db.engine).get_table_names():
            for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
                parts.append(" ".join(str(v) for v in row))
        return "\n".join(parts)


def test_export_and_delete_cover_every_domain(login, app, db_session):
    api = login("privacy-subject")
    CANARIES.add("13800138000")
    assert api.post("/me/phone", {"code": "phone-13800138000"}).status_code == 200
    assert api.patch("/me", {"nickname": NICK}).status_code == 200
    cert = certificate_no("physical", 2)
    r = api.post("/me/residents", {"name": RESIDENT_NAME, "relation": "parent", "disability_category": "physical",
                                   "disability_level": 2, "certificate_no": cert, "needs": ["wheelchair"],
                                   "consent": {"sensitive_info": True}})
    resident_id = r.get_json()["id"]

    home, rehab, cafe = SiteFactory(kind="home"), SiteFactory(kind="rehab"), make_cafe()
    activity = make_activity(home, capacity=5)
    service = make_service(rehab)
    slot = make_slot(service, make_therapist(rehab), hours=30)
    item = add_item(cafe, stock=3)
    ids = {"activity": activity.id, "slot": slot.id, "cafe": cafe.id, "item": item.id}

    signup = api.post(f"/activities/{ids['activity']}/signups", {"resident_id": resident_id, "companions": 1})
    assert signup.status_code == 201, signup.get_json()
    appt = api.post("/appointments", {"slot_id": ids["slot"], "resident_id": resident_id, "note": "需要轮椅"})
    assert appt.status_code == 201, appt.get_json()
    cancelled = api.post(f"/appointments/{appt.get_json()['id']}/cancel", {"reason": CANCEL_REASON})
    assert cancelled.status_code == 200, cancelled.get_json()
    placed = place(api, ids["cafe"], order_body(ids["item"], note=NOTE, fulfilment="table", table_no="7"))
    assert placed.status_code == 201, placed.get_json()
    assert pay(app, prepay_id(placed.get_json()))["status"] in (200, 204)
    api.post("/me/subscriptions", {"accepted": ["tmpl_order_ready"]})

    export = api.get("/me/export").get_json()
    text_export = str(export)
    for needle in (NICK, RESIDENT_NAME, NOTE):
        assert needle in text_export, needle
    sections = set(export)
    assert {"user", "residents", "volunteer", "notifications"} <= sections, sections
    assert any("signup" in k for k in sections) and any("appointment" in k for k in sections)
    assert any("order" in k for k in sections), sections
    assert cert not in text_export and "13800138000" not in text_export

    assert api.delete("/me").status_code == 204
    assert api.get("/me").status_code == 401
    dump = all_text(app)
    for needle in (NICK, RESIDENT_NAME, NOTE, CANCEL_REASON, "需要轮椅", "privacy-subject", cert[-4:] + "'"):
        assert needle not in dump, needle
    with app.app_context():
        user = db.session.get(User, api.user_id)
        assert user.deleted_at is not None and user.phone_enc is None and user.session_key_enc is None
        resident = db.session.get(Resident, resident_id)
        assert resident.erased_at is not None and resident.certificate_enc is None
        # the booking records stay for statistics, no longer live
        from backend.activities.models import Signup
        from backend.rehab.models import Appointment
        assert db.session.scalar(select(Signup.status)) == "cancelled"
        assert db.session.scalar(select(Appointment.status)) == "cancelled"
