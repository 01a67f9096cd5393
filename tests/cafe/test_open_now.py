"""Issue 15, item 1: the menu and the café's site say whether it is open now and when it next opens,
and a refused order says when to come back. The demo café is open around the clock."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from backend.db import utcnow
from backend.sites import next_opening, opening_status
from backend.sites.demo import ALL_DAY

from ..identity.test_sites import make_admin
from .helpers import add_item, make_cafe, order_body, place

SHANGHAI = ZoneInfo("Asia/Shanghai")


def site(hours, tz="Asia/Shanghai"):
    return SimpleNamespace(opening_hours=hours, timezone=tz)


def test_next_opening_walks_the_week_in_the_sites_zone():
    weekdays = [{"weekday": d, "open": "09:00", "close": "17:00"} for d in range(1, 6)]
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=SHANGHAI)  # 2026-12-04 is a Friday
    assert next_opening(site(weekdays), friday_evening) == datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)
    monday_early = datetime(2026, 12, 7, 7, 30, tzinfo=SHANGHAI)
    assert next_opening(site(weekdays), monday_early) == datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)
    assert opening_status(site(weekdays), datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)) == \
        {"open_now": True, "next_opens_at": None}
    # Urumqi is two hours behind: 09:00 there is 11:00 in Shanghai; the answer carries its own offset.
    opens = next_opening(site(weekdays, "Asia/Urumqi"), datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI))
    assert opens.isoformat() == "2026-12-07T09:00:00+06:00"
    assert opening_status(site([]), friday_evening) == {"open_now": True, "next_opens_at": None}


def test_all_day_hours_are_open_at_every_minute():
    start = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
    for minutes in range(0, 7 * 24 * 60, 7):
        assert opening_status(site(ALL_DAY), start + timedelta(minutes=minutes))["open_now"]
    assert opening_status(site(ALL_DAY), datetime(2026, 12, 1, 15, 59, tzinfo=timezone.utc))["open_now"]  # 23:59


def closed_until_tomorrow():
    """Hours on tomorrow's weekday only (Shanghai), 10:00-11:00: closed now, opening tomorrow at 10:00."""
    tomorrow = (utcnow().astimezone(SHANGHAI) + timedelta(days=1)).date()
    hours = [{"weekday": tomorrow.isoweekday(), "open": "10:00", "close": "11:00"}]
    return hours, datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, 0, tzinfo=SHANGHAI)


def test_menu_and_site_of_a_closed_cafe_say_when_it_opens(client, customer, db_session):
    hours, opens = closed_until_tomorrow()
    cafe = make_cafe(opening_hours=hours)
    item = add_item(cafe)
    menu = client.get(f"/cafes/{cafe.id}/menu").get_json()
    assert menu["open_now"] is False and menu["next_opens_at"] == opens.isoformat()
    assert [i["id"] for c in menu["categories"] for i in c["items"]] == [item.id]
    shown = client.get(f"/sites/{cafe.id}").get_json()
    assert shown["open_now"] is False and shown["next_opens_at"] == opens.isoformat()
    resp = place(customer, cafe.id, order_body(item.id))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "cafe_closed"
    assert resp.get_json()["error"]["message"] == \
        f"咖啡馆当前未营业，下次营业时间：{opens.strftime('%Y-%m-%d %H:%M')}"


def test_menu_and_site_of_an_open_cafe(client, customer, db_session):
    cafe = make_cafe(opening_hours=ALL_DAY)
    item = add_item(cafe)
    menu = client.get(f"/cafes/{cafe.id}/menu").get_json()
    assert menu["open_now"] is True and menu["next_opens_at"] is None
    listed = client.get("/sites?kind=cafe").get_json()["items"]
    assert [(s["id"], s["open_now"], s["next_opens_at"]) for s in listed] == [(cafe.id, True, None)]
    assert place(customer, cafe.id, order_body(item.id)).status_code == 201


def test_admin_may_set_hours_to_midnight(login, app, db_session):
    admin = make_admin(login, app)
    cafe = make_cafe()
    resp = admin.patch(f"/admin/sites/{cafe.id}", {"opening_hours": [{"weekday": 1, "open": "18:00", "close": "24:00"}]})
    assert resp.status_code == 200, resp.get_json()
    resp = admin.patch(f"/admin/sites/{cafe.id}", {"opening_hours": [{"weekday": 1, "open": "18:00", "close": "24:30"}]})
    assert resp.status_code == 422
