"""The screens' pages over HTTP (in process): the sign-in screen in place of a page one may not open,
who opens which café's screens, the polls' ETag / 304, the "ready" screen's numbers only, assets
served by the app alone, no sound anywhere, and a page that retries by itself when the database
is away. The browser tests (tests/browser/test_screens.py) drive the same pages in chromium."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from backend.cafe import board
from backend.cafe.models import Order
from backend.db import utcnow
from backend.extensions import db
from backend.identity.models import User
from backend.notifications.models import Notification
from backend.units import Busy
from miniprogram_api import screens

from ..cafe.helpers import make_cafe, order_body, pay, place, prepay_id
from ..factories import SiteFactory, staff_of
from .helpers import Screen

SCREENS = Path(screens.__file__).resolve().parent
SOUND = re.compile(r"audio|AudioContext|new\s+Audio\b|\.play\s*\(|<video|speechSynthesis|\bbeep\b", re.I)


def paid_order(app, customer, cafe, latte, note="") -> dict:
    placed = place(customer, cafe.id, order_body(latte.id, note=note)).get_json()
    pay(app, prepay_id(placed))
    return placed["order"]


def page_paths(cafe_id: int) -> list[str]:
    return [f"/board/cafes/{cafe_id}", f"/board/cafes/{cafe_id}/ready"]


def assert_sign_in(resp, status: int, message: str | None = None):
    html = resp.get_data(as_text=True)
    assert resp.status_code == status, html[:300]
    assert resp.mimetype == "text/html"
    assert "扫码登录" in html and "sign_in.js" in html
    assert 'name="csrf-token"' not in html and "board.js" not in html and "ready.js" not in html
    if message:
        assert message in html
    return html


def test_without_a_session_the_screens_show_the_sign_in_screen(app, client, cafe, barista):
    for path in page_paths(cafe.id):
        resp = Screen(app).http.get(path)
        html = assert_sign_in(resp, 401)
        assert "Content-Security-Policy" in resp.headers and "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["Cache-Control"] == "no-store"
        assert "<title>" in html and 'lang="zh-CN"' in html
        # a bad cookie is no session either; nor is a bearer token (pages are for screens)
        stale = Screen(app)
        stale.http.set_cookie("zc_screen", "not-a-session")
        assert_sign_in(stale.http.get(path), 401)
        assert_sign_in(barista.http.get(path, headers={"Authorization": f"Bearer {barista.token}"}), 401)


def test_the_cafes_staff_open_both_screens(app, cafe, board_screen):
    resp = board_screen.get(f"/board/cafes/{cafe.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "手语咖啡测试店 · 订单屏" in html and "board.js" in html
    assert f'<meta name="csrf-token" content="{board_screen.csrf()}" data-header="X-CSRF-Token">' in html
    assert 'data-amber-minutes="5"' in html and 'data-red-minutes="10"' in html
    for label in ("发消息给顾客", "请稍候", "请取餐", "商品售罄", "请到柜台"):
        assert label in html
    ready = board_screen.get(f"/board/cafes/{cafe.id}/ready").get_data(as_text=True)
    assert "制作中" in ready and "请取餐" in ready and "ready.js" in ready


def test_staff_of_another_cafe_get_404_and_plain_users_403(app, login, cafe, latte, customer, board_screen):
    order = paid_order(app, customer, cafe, latte)
    elsewhere = login()
    staff_of(db.session.get(User, elsewhere.user_id), make_cafe())
    plain = login()
    admin = login()
    db.session.get(User, admin.user_id).is_admin = True
    db.session.commit()
    other_screen, plain_screen, admin_screen = (Screen(app).sign_in(u) for u in (elsewhere, plain, admin))
    polls = [f"/api/v1/staff/cafes/{cafe.id}/orders", f"/api/v1/staff/cafes/{cafe.id}/pickup-numbers"]
    for path in page_paths(cafe.id):
        assert_sign_in(other_screen.get(path), 404, "不是这家店的店员")
        assert_sign_in(plain_screen.get(path), 403, "不是本店店员")
        assert admin_screen.get(path).status_code == 200
        assert board_screen.get(path).status_code == 200
    for path in polls:
        assert other_screen.get(path).status_code == 404
        assert plain_screen.get(path).status_code == 403
        assert admin_screen.get(path).status_code == 200
    write = f"/api/v1/staff/orders/{order['id']}/status"
    assert other_screen.post(write, {"status": "accepted"}).status_code == 404
    assert plain_screen.post(write, {"status": "accepted"}).status_code == 403
    # no café behind the id, or a site that is not a café
    home = SiteFactory(kind="home")
    staff_of(db.session.get(User, elsewhere.user_id), home)
    for path in page_paths(home.id) + page_paths(999999):
        assert_sign_in(admin_screen.get(path), 404)


def test_a_screen_moves_orders_by_the_apis_rules(app, cafe, latte, customer, board_screen):
    order = paid_order(app, customer, cafe, latte)
    path = f"/api/v1/staff/orders/{order['id']}/status"
    resp = board_screen.post(path, {"status": "accepted"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "accepted"
    back = board_screen.post(path, {"status": "paid"})
    assert back.status_code == 422
    assert board_screen.post(path, {"status": "ready"}).status_code == 200
    again = board_screen.post(path, {"status": "accepted"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"
    sent = board_screen.post(f"/api/v1/staff/orders/{order['id']}/message", {"template": "come_to_counter"})
    assert sent.status_code == 200
    kinds = [n.kind for n in db.session.query(Notification).filter_by(user_id=customer.user_id).order_by(Notification.id)]
    assert kinds == ["order_ready", "order_message"]


@pytest.mark.parametrize("which", ["orders?status=active&page_size=100", "pickup-numbers"])
def test_what_screens_poll_answers_304_until_it_changes(app, cafe, latte, customer, board_screen, which):
    path = f"/api/v1/staff/cafes/{cafe.id}/{which}"
    first = board_screen.get(path)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert first.headers["Cache-Control"] == "private, no-cache"
    same = board_screen.get(path, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b"" and same.headers["ETag"] == etag
    paid_order(app, customer, cafe, latte)
    changed = board_screen.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "A001" in changed.get_data(as_text=True)


def test_the_ready_screen_shows_pickup_numbers_only(app, cafe, latte, customer, board_screen):
    first = paid_order(app, customer, cafe, latte, note="请叫我小明")
    second = paid_order(app, customer, cafe, latte)
    board_screen.post(f"/api/v1/staff/orders/{second['id']}/status", {"status": "ready"})
    data = board_screen.get(f"/api/v1/staff/cafes/{cafe.id}/pickup-numbers")
    html = board_screen.get(f"/board/cafes/{cafe.id}/ready")
    assert data.get_json() == {"preparing": [first["number"]], "ready": [second["number"]]}
    for raw in (data.get_data(as_text=True), html.get_data(as_text=True)):
        assert first["number"] in raw and second["number"] in raw
        for personal in ("顾客甲乙丙", "请叫我小明", "拿铁", "sign_language", "user_id", "nickname"):
            assert personal not in raw, personal
    assert re.search(rf'id="preparing"[^>]*>\s*<li>{first["number"]}</li>', html.get_data(as_text=True))
    assert re.search(rf'id="ready"[^>]*>\s*<li>{second["number"]}</li>', html.get_data(as_text=True))


def test_a_number_moves_when_ready_and_leaves_minutes_after_completion(app, cafe, latte, customer, board_screen):
    a, b, c = (paid_order(app, customer, cafe, latte) for _ in range(3))
    numbers = lambda: board_screen.get(f"/api/v1/staff/cafes/{cafe.id}/pickup-numbers").get_json()  # noqa: E731
    move = lambda o, s: board_screen.post(f"/api/v1/staff/orders/{o['id']}/status", {"status": s})  # noqa: E731
    assert numbers() == {"preparing": ["A001", "A002", "A003"], "ready": []}
    move(a, "accepted")
    assert numbers()["preparing"] == ["A001", "A002", "A003"]
    move(b, "ready")
    move(a, "ready")
    assert numbers() == {"preparing": ["A003"], "ready": ["A002", "A001"]}  # in the order they became ready
    move(b, "completed")
    move(c, "completed")  # handed over without a "ready" step: shown as collected too
    assert numbers() == {"preparing": [], "ready": ["A002", "A001", "A003"]}
    db.session.execute(update(Order).where(Order.id == b["id"])
                       .values(completed_at=utcnow() - timedelta(minutes=3, seconds=1)))
    db.session.commit()
    assert numbers() == {"preparing": [], "ready": ["A001", "A003"]}


def test_pages_load_only_the_apps_own_assets(app, cafe, board_screen):
    pages = [board_screen.get(p) for p in page_paths(cafe.id)] + [Screen(app).http.get(page_paths(cafe.id)[0])]
    seen = set()
    for resp in pages:
        html = resp.get_data(as_text=True)
        links = re.findall(r'(?:href|src)="([^"]*)"', html)
        assert links
        for link in links:
            assert link.startswith("/screens/static/") or link.startswith("data:"), link
            seen.add(link)
        assert "http://" not in html and "https://" not in html and not re.search(r'(?:href|src)="//', html)
    assets = [link for link in seen if not link.startswith("data:")]
    assert {"/screens/static/screens.css", "/screens/static/common.js", "/screens/static/board.js",
            "/screens/static/ready.js", "/screens/static/sign_in.js"} <= set(assets)
    for link in assets:
        resp = Screen(app).http.get(link)
        assert resp.status_code == 200 and len(resp.data) > 500, link
        assert resp.mimetype in ("text/css", "text/javascript", "application/javascript"), link
        assert "http://" not in resp.get_data(as_text=True) and "https://" not in resp.get_data(as_text=True), link
    assert Screen(app).http.get("/screens/static/../routes.py").status_code == 404


def test_no_sound_in_any_screen():
    """The board is for deaf baristas, the other screens face a room: none plays a sound."""
    files = [p for p in (SCREENS / "templates").rglob("*") if p.is_file()] + \
            [p for p in (SCREENS / "static").rglob("*") if p.is_file()]
    assert len(files) >= 9
    for path in files:
        found = SOUND.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name}: {found.group(0)!r}"


def test_a_page_that_cannot_be_built_retries_by_itself(app, cafe, board_screen, monkeypatch):
    def busy(*_a, **_k):
        raise Busy()
    monkeypatch.setattr(board, "screen", busy)
    resp = board_screen.get(f"/board/cafes/{cafe.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 503 and resp.mimetype == "text/html"
    assert '<meta http-equiv="refresh" content="5">' in html and "自动重试" in html

    def broken(*_a, **_k):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(board, "screen", broken)
    resp = board_screen.get(f"/board/cafes/{cafe.id}/ready")
    assert resp.status_code == 500 and "secret internals" not in resp.get_data(as_text=True)
    assert "自动重试" in resp.get_data(as_text=True)


def test_the_qr_codes_page_for_other_scanners(app):
    resp = Screen(app).http.get("/board/scan/some-ticket")
    assert resp.status_code == 200 and "微信" in resp.get_data(as_text=True)
