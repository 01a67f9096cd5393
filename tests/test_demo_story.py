"""Issue 15, item 8: the demo tells one consistent story, seeded through the use cases the API runs:
its notifications are the ones those use cases send (after the thing they tell of, at the site's
wall clock, with the real page), demo users have phones (shown masked), and the audit log records
the staff assignments and the verification."""
from datetime import datetime

from sqlalchemy import select

from backend.cafe.models import Order
from backend.cafe.payments import order_page
from backend.extensions import db
from backend.identity.models import User


def test_demo_story_is_consistent(app, db_session, login):
    from backend.demo import seed
    seed(if_empty=False)
    family = login("family")
    me = family.get("/me").get_json()
    assert me["phone_masked"].startswith("138****") and me["nickname"] == "王女士"

    [order] = family.get("/me/orders").get_json()["items"]
    assert order["number"] == "A001" and order["status"] == "ready"
    inbox = family.get("/me/notifications?page_size=100").get_json()["items"]  # the device demos add many
    ready = [n for n in inbox if n["kind"] == "order_ready"]
    assert len(ready) == 1 and ready[0]["body"] == "您的 A001 已做好"
    row = db.session.scalar(select(Order).where(Order.number == "A001"))
    assert ready[0]["page"] == order_page(row)  # the page the real "ready" notice links to
    assert datetime.fromisoformat(ready[0]["created_at"]) >= datetime.fromisoformat(order["created_at"])
    assert ready[0]["created_at"].endswith("+08:00")
    kinds = {n["kind"] for n in inbox}
    assert {"signup_confirmed", "appointment_booked", "order_ready"} <= kinds

    # 王大爷 is the family's own story; the device demos add the people of their later stages.
    [resident] = [r for r in family.get("/me/residents").get_json()["items"] if r["name"] == "王大爷"]
    assert resident["verification"] == "verified" and resident["phone_masked"].startswith("138****")
    appointments = family.get("/me/appointments").get_json()["items"]
    assert resident["id"] in [a["resident"]["id"] for a in appointments]

    volunteer = login("volunteer")
    assert [n["kind"] for n in volunteer.get("/me/notifications").get_json()["items"]] == \
        ["signup_confirmed", "volunteer_reviewed"]  # newest first: approved, then signed up to help
    assert volunteer.get("/me").get_json()["volunteer"]["status"] == "approved"

    admin = login("admin")
    audit = admin.get("/admin/audit?page_size=100").get_json()["items"]
    grants = [e for e in audit if e["subject"] == "staff_assignment"]
    admin_id = db.session.scalar(select(User.id).where(User.openid == "admin"))
    assert len(grants) >= 3 and {e["actor_id"] for e in grants} == {admin_id}
    assert any(e["action"] == "verify" and e["resident_id"] == resident["id"] for e in audit)
    board = login("cafe-staff").get(f"/staff/cafes/{row.site_id}/orders?status=active").get_json()["items"]
    assert {o["number"]: o["status"] for o in board} == {"A001": "ready", "A002": "paid"}
