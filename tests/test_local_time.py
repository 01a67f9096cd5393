"""One owner of local time: sites in Asia/Urumqi (+06:00, two hours behind the federation's
Asia/Shanghai) show every instant as their own wall clock, wherever a person reads it: the activity
listing, the slot listing, an appointment, a café order, the inbox body and the subscribe message
received at the fake."""
from datetime import datetime, time, timedelta

import requests

from backend import localtime
from backend.extensions import db
from backend.identity.models import User
from backend.notifications.jobs import send_notifications
from backend.rehab.models import RehabService, RehabSlot, Therapist

from .cafe.helpers import add_item, order_body, pay, place, prepay_id
from .factories import ResidentFactory, SiteFactory, link, staff_of

URUMQI = "Asia/Urumqi"


def fake_messages(app, openid: str) -> list[dict]:
    r = requests.get(f"{app.config['FAKE_URL']}/_fake/messages", params={"touser": openid}, timeout=5)
    return r.json()["items"]


def send_all(app) -> None:
    with app.app_context():
        send_notifications()
        db.session.remove()


def family_of_new_resident(login, **fields):
    api = login()
    resident = ResidentFactory(verification="verified", **fields)
    link(api.user_id, resident)
    return api, resident


def test_activity_listed_inboxed_and_announced_at_the_homes_wall_clock(app, login, db_session):
    home = SiteFactory(kind="home", timezone=URUMQI)
    staff = login()
    staff_of(db.session.get(User, staff.user_id), home, "manager")
    day = localtime.today(home) + timedelta(days=3)
    starts, ends = f"{day}T14:00:00+06:00", f"{day}T16:00:00+06:00"
    created = staff.post("/staff/activities", {"site_id": home.id, "title": "手语角", "category": "social",
                                               "starts_at": starts, "ends_at": ends, "capacity": 10})
    assert created.status_code == 201, created.get_json()
    aid = created.get_json()["id"]
    assert created.get_json()["starts_at"] == starts
    assert staff.post(f"/staff/activities/{aid}/publish").status_code == 200

    listed = staff.get(f"/activities?site_id={home.id}&from={day}&to={day}").get_json()["items"]
    assert [(a["starts_at"], a["ends_at"]) for a in listed] == [(starts, ends)]
    assert staff.get(f"/activities/{aid}").get_json()["starts_at"] == starts

    family, resident = family_of_new_resident(login)
    family.post("/me/subscriptions", {"accepted": ["tmpl_signup_confirmed"]})
    signup = family.post(f"/activities/{aid}/signups", {"resident_id": resident.id})
    assert signup.status_code == 201 and signup.get_json()["created_at"].endswith("+06:00")
    inbox = family.get("/me/notifications").get_json()["items"]
    assert f"{day} 14:00" in inbox[0]["body"]
    send_all(app)
    [message] = fake_messages(app, family.openid)
    assert message["data"]["time2"]["value"] == f"{day:%Y年%m月%d日} 14:00"


def test_slots_and_appointments_at_the_stations_wall_clock(app, login, db_session):
    station = SiteFactory(kind="rehab", timezone=URUMQI)
    service = RehabService(site_id=station.id, name="物理治疗", kind="physio", duration_min=30, buffer_min=0)
    therapist = Therapist(site_id=station.id, name="张治疗师")
    db.session.add_all([service, therapist])
    db.session.commit()
    day = localtime.today(station) + timedelta(days=2)
    nine = localtime.wall(day, time(9), station)  # 09:00 in Urumqi is 11:00 in Shanghai
    db.session.add(RehabSlot(site_id=station.id, service_id=service.id, therapist_id=therapist.id,
                             starts_at=nine, ends_at=nine + timedelta(minutes=30),
                             blocked_until=nine + timedelta(minutes=30), capacity=1, booked=0, status="open"))
    db.session.commit()
    family, resident = family_of_new_resident(login)

    slots = family.get(f"/rehab/services/{service.id}/slots?from={day}&to={day}").get_json()
    assert [s["starts_at"] for s in slots] == [f"{day}T09:00:00+06:00"]
    family.post("/me/subscriptions", {"accepted": ["tmpl_appointment_booked"]})
    booked = family.post("/appointments", {"slot_id": slots[0]["id"], "resident_id": resident.id, "note": ""})
    assert booked.status_code == 201, booked.get_json()
    body = booked.get_json()
    assert body["slot"]["starts_at"] == f"{day}T09:00:00+06:00" and body["created_at"].endswith("+06:00")
    assert family.get(f"/appointments/{body['id']}").get_json()["slot"]["starts_at"] == f"{day}T09:00:00+06:00"
    inbox = family.get("/me/notifications").get_json()["items"]
    assert f"{day} 09:00" in inbox[0]["body"]
    send_all(app)
    [message] = fake_messages(app, family.openid)
    assert message["data"]["time2"]["value"] == f"{day:%Y年%m月%d日} 09:00"


def test_cafe_order_at_the_cafes_wall_clock(app, login, db_session):
    cafe = SiteFactory(kind="cafe", timezone=URUMQI)
    latte = add_item(cafe, "拿铁", 1800)
    barista, customer = login(), login()
    staff_of(db.session.get(User, barista.user_id), cafe)
    placed = place(customer, cafe.id, order_body(latte.id))
    assert placed.status_code == 201, placed.get_json()
    order = placed.get_json()["order"]
    assert order["created_at"].endswith("+06:00") and order["expires_at"].endswith("+06:00")
    created = datetime.fromisoformat(order["created_at"])
    assert abs(created - localtime.at(datetime.now(created.tzinfo), cafe)) < timedelta(minutes=1)
    pay(app, prepay_id(placed.get_json()))
    board = barista.get(f"/staff/cafes/{cafe.id}/orders").get_json()["items"]
    assert board[0]["paid_at"].endswith("+06:00")
    ready = barista.post(f"/staff/orders/{order['id']}/status", {"status": "ready"}).get_json()
    assert ready["ready_at"].endswith("+06:00")
    assert customer.get(f"/orders/{order['id']}").get_json()["ready_at"].endswith("+06:00")


def test_instants_of_no_site_show_in_the_federations_zone(login):
    api = login()
    me_token = api.post("/auth/login", {"code": f"{api.openid}#again"}).get_json()
    assert me_token["expires_at"].endswith("+08:00")


def test_a_sites_new_zone_is_seen_at_once(app, login, db_session):
    """The zone cache forgets a site as soon as this process writes it: no test, and no admin,
    has to clear anything by hand."""
    home = SiteFactory(kind="home")
    with app.app_context():
        assert localtime.zone_of(home.id).key == "Asia/Shanghai"
        site = db.session.get(type(home), home.id)
        site.timezone = URUMQI
        db.session.commit()
        assert localtime.zone_of(home.id).key == URUMQI
