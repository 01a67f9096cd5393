"""The public menu and its management by café staff."""
from backend.extensions import db
from backend.identity.models import User

from ..factories import staff_of
from .helpers import MILK, TEMPERATURE, add_item, make_cafe

NEW_ITEM = {"category": "茶饮", "name": "抹茶拿铁", "description": "宇治抹茶", "price_fen": 2200,
            "image_url": "https://img.example.org/matcha.jpg",
            "sign_video_url": "https://video.example.org/sign/matcha.mp4", "available": True, "stock": 10,
            "options": [TEMPERATURE, MILK]}


def test_public_menu(client, cafe, db_session):
    add_item(cafe, "拿铁", 1800, stock=None)
    add_item(cafe, "可颂", 1200, stock=0, options=[], category="甜点", available=False)
    resp = client.get(f"/cafes/{cafe.id}/menu")
    assert resp.status_code == 200
    cats = resp.get_json()["categories"]
    assert [c["name"] for c in cats] == ["咖啡", "甜点"]
    latte = cats[0]["items"][0]
    assert set(latte) == {"id", "name", "description", "price_fen", "image_url", "sign_video_url", "available",
                          "stock", "options"}
    assert latte["stock"] is None and latte["options"] == [TEMPERATURE]
    assert latte["sign_video_url"].startswith("https://")
    assert cats[1]["items"][0]["available"] is False


def test_menu_of_a_non_cafe_is_404(client, home):
    assert client.get(f"/cafes/{home.id}/menu").status_code == 404
    assert client.get("/cafes/999999/menu").status_code == 404


def test_staff_create_then_patch(client, cafe, barista, db_session):
    resp = barista.post(f"/staff/cafes/{cafe.id}/menu-items", NEW_ITEM)
    assert resp.status_code == 201, resp.get_json()
    item = resp.get_json()
    assert item["category"] == "茶饮" and item["stock"] == 10 and item["options"] == [TEMPERATURE, MILK]
    second = barista.post(f"/staff/cafes/{cafe.id}/menu-items", {**NEW_ITEM, "name": "焙茶拿铁"}).get_json()
    menu = client.get(f"/cafes/{cafe.id}/menu").get_json()["categories"]
    assert len(menu) == 1 and [i["name"] for i in menu[0]["items"]] == ["抹茶拿铁", "焙茶拿铁"]

    resp = barista.patch(f"/staff/menu-items/{item['id']}", {"stock": None, "available": False, "category": "季节限定"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["stock"] is None and resp.get_json()["category"] == "季节限定"
    assert resp.get_json()["name"] == "抹茶拿铁"
    assert second["category"] == "茶饮"


def test_menu_item_validation(cafe, barista):
    cases = [
        ({**NEW_ITEM, "price_fen": -1}, "price_fen"),
        ({**NEW_ITEM, "stock": -1}, "stock"),
        ({k: v for k, v in NEW_ITEM.items() if k != "category"}, "category"),
        ({**NEW_ITEM, "options": [TEMPERATURE, TEMPERATURE]}, "options"),
        ({**NEW_ITEM, "options": [{"name": "温度", "choices": []}]}, "options.0.choices"),
        ({**NEW_ITEM, "site_id": 1}, "site_id"),
    ]
    for body, field in cases:
        resp = barista.post(f"/staff/cafes/{cafe.id}/menu-items", body)
        assert resp.status_code == 422, body
        assert field in resp.get_json()["error"]["fields"], resp.get_json()


def test_menu_authorization(client, login, cafe, latte, db_session):
    user = login()
    other_staff = login()
    staff_of(db.session.get(User, other_staff.user_id), make_cafe())
    admin = login()
    db.session.get(User, admin.user_id).is_admin = True
    db.session.commit()
    create, patch = f"/staff/cafes/{cafe.id}/menu-items", f"/staff/menu-items/{latte.id}"
    assert client.post(create, NEW_ITEM).status_code == 401
    assert client.patch(patch, {"stock": 1}).status_code == 401
    assert user.post(create, NEW_ITEM).status_code == 403
    assert user.patch(patch, {"stock": 1}).status_code == 403
    assert other_staff.post(create, NEW_ITEM).status_code == 404
    assert other_staff.patch(patch, {"stock": 1}).status_code == 404
    assert other_staff.patch("/staff/menu-items/999999", {"stock": 1}).status_code == 404
    assert admin.post(create, NEW_ITEM).status_code == 201
    assert admin.patch(patch, {"stock": 1}).status_code == 200


def test_option_cannot_make_a_price_negative(app, db_session, login):
    from backend.identity.models import User
    from ..factories import staff_of
    from .helpers import make_cafe
    staff = login()
    cafe = make_cafe()
    staff_of(db_session.get(User, staff.user_id), cafe)
    body = {"category": "茶", "name": "绿茶", "price_fen": 100,
            "options": [{"name": "杯型", "required": True, "choices": [{"label": "小杯", "price_delta_fen": -500}]}]}
    r = staff.post(f"/staff/cafes/{cafe.id}/menu-items", body)
    assert r.status_code == 422 and "options" in r.get_json()["error"]["fields"]
    body["options"][0]["choices"][0]["price_delta_fen"] = -100
    item = staff.post(f"/staff/cafes/{cafe.id}/menu-items", body).get_json()
    assert staff.patch(f"/staff/menu-items/{item['id']}", {"price_fen": 50}).status_code == 422
