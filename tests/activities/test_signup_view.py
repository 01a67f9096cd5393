"""Issue 15, item 9: a signup has one view, whichever route answers: the create, the cancel (by the
family or by staff) and the user's list show the same fields with the same values."""
from .conftest import make_activity, sign

SAME = ("id", "activity_id", "role", "resident_id", "resident_name", "companions", "seats", "created_at")


def test_cancel_answers_the_view_the_create_answered(world):
    activity = make_activity(world.home)
    fam, rid = world.family()
    created = sign(fam, activity.id, rid, companions=1).get_json()
    assert created["resident_name"] and created["status"] == "confirmed"
    listed = fam.get("/me/signups").get_json()["items"]
    assert [{k: s[k] for k in SAME} for s in listed] == [{k: created[k] for k in SAME}]
    cancelled = fam.post(f"/signups/{created['id']}/cancel")
    assert cancelled.status_code == 200
    body = cancelled.get_json()
    assert body["status"] == "cancelled" and set(body) == set(created)
    assert {k: body[k] for k in SAME} == {k: created[k] for k in SAME}
    again = fam.post(f"/signups/{created['id']}/cancel").get_json()  # idempotent: the same view again
    assert again == body

    fam2, rid2 = world.family()
    other = sign(fam2, activity.id, rid2).get_json()
    by_staff = world.staff.post(f"/signups/{other['id']}/cancel").get_json()
    assert by_staff["resident_name"] == other["resident_name"] and by_staff["status"] == "cancelled"
