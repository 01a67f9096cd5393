"""The café's screens in a real browser (Debian's chromium via Playwright) against the app under
gunicorn, on a migrated and seeded scratch database, with the WeChat fake:

- sign in by scanning: the test reads the ticket the page shows and confirms it through the API as
  the mini-program does;
- an order placed and paid through the fake appears on the board within 3 s and the whole screen
  flashes (vibration requested, never a sound); "accepted" then "ready" by tapping; the customer's
  inbox and the fake's subscribe message show it; the ready screen shows the number under 请取餐
  within 3 s;
- nothing is loaded from outside the app, no audio anywhere on the loaded page;
- axe-core: no serious or critical violation on the sign-in, board and ready screens (tablet and
  TV sizes, large text);
- a bad or ended session goes back to the sign-in screen; the board recovers by itself after the
  network or the server comes back.
"""
import re
import time
import uuid
from datetime import timedelta
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from ..conftest import PG_URL, TEST_DB
from ..servers import base_env, flask_cli, free_port, gunicorn, scratch_postgres
from .conftest import describe_violations, save_screenshot

SOUND = re.compile(r"audio|AudioContext|new\s+Audio\b|\.play\s*\(|<video|speechSynthesis", re.I)
TABLET = {"width": 1280, "height": 800}    # a 10-inch tablet, landscape
PORTRAIT = {"width": 800, "height": 1280}
TV = {"width": 1920, "height": 1080}

# Before any script of the page: record vibrations and any attempt at sound.
INSTRUMENT = """
window.__vibrations = [];
window.__sounds = [];
Object.defineProperty(Navigator.prototype, 'vibrate', {configurable: true, value: function (pattern) {
  window.__vibrations.push(pattern); return true; }});
['AudioContext', 'webkitAudioContext', 'OfflineAudioContext', 'Audio'].forEach(function (name) {
  var Original = window[name];
  if (Original) { window[name] = new Proxy(Original, {construct: function (target, args) {
    window.__sounds.push(name); return Reflect.construct(target, args); }}); }
});
var play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () { window.__sounds.push('play'); return play.apply(this, arguments); };
"""


class Mini:
    """The mini-program: a WeChat login through the fake, then the API with a bearer token."""

    def __init__(self, base: str, openid: str):
        r = requests.post(f"{base}/api/v1/auth/login", json={"code": f"{openid}#{uuid.uuid4().hex[:8]}"}, timeout=15)
        assert r.status_code == 200, r.text
        self.base, self.token, self.user, self.openid = base, r.json()["token"], r.json()["user"], openid

    def __call__(self, method: str, path: str, json=None, expect: int = 200):
        r = requests.request(method, f"{self.base}/api/v1{path}", json=json, timeout=30,
                             headers={"Authorization": f"Bearer {self.token}"})
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None


class Deployment:
    """gunicorn (2 workers) on its own port, stoppable and restartable there (the server going away)."""

    def __init__(self, env: dict, port: int):
        self.env, self.port, self.url = env, port, f"http://127.0.0.1:{port}"
        self._stack: ExitStack | None = None

    def start(self) -> None:
        self._stack = ExitStack()
        self._stack.enter_context(gunicorn(self.env, workers=2, port=self.port))

    def stop(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None


@contextmanager
def scratch_database(tmp_path: Path):
    if TEST_DB == "postgresql":
        with scratch_postgres(PG_URL) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'screens.db'}"


@pytest.fixture(scope="module")
def deployed(database_url, fake_url, keys, tmp_path_factory):
    # `database_url` only for its policy: PostgreSQL unreachable → skipped locally, failed in CI.
    port = free_port()
    with scratch_database(tmp_path_factory.mktemp("screens")) as url:
        env = base_env(url, fake_url, **{k: v for k, v in keys.items() if k.startswith("WECHATPAY_")},
                       WECHATPAY_NOTIFY_URL=f"http://127.0.0.1:{port}/api/v1/payments/wechat/notify",
                       RATELIMIT_LOGIN_IP="1000 per minute", RATELIMIT_WEB_SESSION_IP="1000 per minute")
        flask_cli(env, "db", "upgrade")
        assert "demo data created" in flask_cli(env, "seed-demo").stdout
        deployment = Deployment(env, port)
        deployment.start()
        try:
            sites = requests.get(f"{deployment.url}/api/v1/sites?kind=cafe", timeout=10).json()["items"]
            deployment.cafe_id = sites[0]["id"]
            admin = Mini(deployment.url, "admin")
            # the café opens all day for the test, whatever the hour it runs at
            admin("PATCH", f"/admin/sites/{deployment.cafe_id}", {"opening_hours": [
                {"weekday": d, "open": "00:00", "close": "23:59"} for d in range(1, 8)]})
            menu = requests.get(f"{deployment.url}/api/v1/cafes/{deployment.cafe_id}/menu", timeout=10).json()
            deployment.latte = next(i for c in menu["categories"] for i in c["items"] if i["name"] == "拿铁")
            yield deployment
        finally:
            deployment.stop()


def board_url(d: Deployment) -> str:
    return f"{d.url}/board/cafes/{d.cafe_id}"


def ready_url(d: Deployment) -> str:
    return f"{d.url}/board/cafes/{d.cafe_id}/ready"


def sign_in_by_scanning(page, url: str, staff: Mini, screen_class: str) -> None:
    """Open `url`, find the sign-in screen, confirm its ticket as the mini-program would (the ticket
    is what the QR code carries), and wait for the page to turn into the screen asked for."""
    with page.expect_response(lambda r: r.url.endswith("/api/v1/web-sessions") and r.request.method == "POST") as info:
        response = page.goto(url)
    assert response.status == 401 and page.locator("body.screen-sign-in").count() == 1
    ticket = info.value.json()
    page.locator("#qr").wait_for(state="visible")
    assert page.locator("#qr").get_attribute("src").startswith("data:image/svg+xml")
    staff("POST", f"/web-sessions/{ticket['ticket']}/confirm")
    page.wait_for_selector(f"body.{screen_class}", timeout=10_000)
    page.wait_for_function("() => document.body.dataset.connection === 'online'", timeout=10_000)


def place_paid_order(d: Deployment, customer: Mini, **extra) -> dict:
    body = {"items": [{"item_id": d.latte["id"], "qty": 2, "options": {"温度": "冰", "奶": "燕麦奶"}}],
            "fulfilment": "pickup", **extra}
    placed = customer("POST", f"/cafes/{d.cafe_id}/orders", body, expect=201)
    prepay = placed["payment"]["package"].split("=", 1)[1]
    paid = requests.post(f"{d.env['WECHATPAY_API_BASE']}_fake/pay/{prepay}/succeed", timeout=15).json()
    assert paid["status"] == 204
    return placed["order"]


def card(page, number: str) -> str:
    return f'.card[data-number="{number}"]'


def loaded_urls(page) -> list[str]:
    return page.evaluate("() => [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]")


def test_scan_sign_in_then_a_paid_order_flashes_and_moves_to_ready(deployed, page, external_requests, page_errors,
                                                                  screenshot, request):
    d = deployed
    staff, customer = Mini(d.url, "cafe-staff"), Mini(d.url, f"customer-{uuid.uuid4().hex[:8]}")
    customer("PATCH", "/me", {"preferences": {"communication": "sign_language"}})
    customer("POST", "/me/subscriptions", {"accepted": ["tmpl_order_ready"]})
    page.context.add_init_script(INSTRUMENT)
    page.set_viewport_size(TABLET)
    sign_in_by_scanning(page, board_url(d), staff, "screen-board")
    tv = page.context.new_page()
    tv.set_viewport_size(TV)
    tv.goto(ready_url(d))  # the same sign-in (this browser's session)
    tv.wait_for_function("() => document.body.dataset.connection === 'online'")

    order = place_paid_order(d, customer, note="少冰，谢谢")
    paid_at = time.monotonic()
    number = order["number"]
    page.wait_for_selector(card(page, number), timeout=3000)
    assert page.evaluate("() => document.body.classList.contains('flashing')"), "the screen did not flash"
    waited = time.monotonic() - paid_at
    assert waited < 3, f"the card took {waited:.1f} s"
    assert page.evaluate("() => document.body.dataset.flashCount") == "1"
    assert page.locator("#flash").is_visible()
    assert page.evaluate("() => window.__vibrations.length") == 1
    screenshot("board-new-order-flash")
    text = page.locator(card(page, number)).inner_text()
    for expected in (number, "拿铁", "× 2", "温度：冰", "奶：燕麦奶", "备注：少冰，谢谢", "自取", "顾客沟通方式：手语",
                     "刚刚下单", "接单"):
        assert expected in text, expected
    tv.wait_for_selector(f'#preparing li:text-is("{number}")', timeout=3000)

    page.click(f'{card(page, number)} button.advance[data-next="accepted"]')
    page.wait_for_selector(f'{card(page, number)}[data-status="accepted"]', timeout=3000)
    page.click(f'{card(page, number)} button.advance[data-next="ready"]')
    page.wait_for_selector(f'{card(page, number)}[data-status="ready"]', timeout=3000)
    tapped_ready = time.monotonic()
    tv.wait_for_selector(f'#ready li:text-is("{number}")', timeout=3000)
    assert time.monotonic() - tapped_ready < 3
    assert tv.locator(f'#preparing li:text-is("{number}")').count() == 0
    save_screenshot(tv, request.node.name, "ready-screen-tv")

    inbox = customer("GET", "/me/notifications")["items"]
    assert any(n["kind"] == "order_ready" and number in n["body"] for n in inbox), inbox
    flask_cli(d.env, "worker", "--once")  # the worker sends the subscribe message
    messages = requests.get(f"{d.env['WECHAT_API_BASE']}_fake/messages?touser={customer.openid}",
                            timeout=10).json()["items"]
    assert [m["template_id"] for m in messages] == ["tmpl_order_ready"], messages
    assert number in str(messages[0]["data"])

    page.click(f'{card(page, number)} button.message[data-template="come_to_counter"]')
    page.wait_for_selector("#toast:not([hidden])")
    assert "已发送给顾客" in page.locator("#toast").inner_text()
    assert any(n["kind"] == "order_message" for n in customer("GET", "/me/notifications")["items"])
    page.click(f'{card(page, number)} button.advance[data-next="completed"]')
    page.wait_for_selector(card(page, number), state="detached", timeout=3000)
    tv.wait_for_selector(f'#ready li:text-is("{number}")')  # stays a few minutes after completion

    # No sound, nothing from outside the app.
    for p in (page, tv):
        assert p.evaluate("() => document.querySelectorAll('audio, video, embed, object').length") == 0
        assert p.evaluate("() => window.__sounds") == []
        for url in loaded_urls(p):
            assert url.startswith(d.url + "/") or url.startswith("data:"), url
            if url.startswith(d.url):
                body = requests.get(url, timeout=10, cookies=cookies_of(p)).text
                found = SOUND.search(body)
                assert found is None, f"{url}: {found.group(0)!r}"
    assert external_requests == []
    assert page_errors == []


def cookies_of(page) -> dict:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def test_axe_finds_nothing_serious_on_the_screens(deployed, page, axe, screenshot, page_errors):
    d = deployed
    staff, customer = Mini(d.url, "cafe-staff"), Mini(d.url, "family")
    page.set_viewport_size(TABLET)
    page.goto(board_url(d))
    page.locator("#qr").wait_for(state="visible")
    violations = axe()
    assert violations == [], describe_violations(violations)
    screenshot("sign-in-tablet")

    # Orders in every state, a table number and a note, so the board shows everything it can.
    orders = [place_paid_order(d, customer, note="不要糖") for _ in range(3)]
    orders.append(place_paid_order(d, customer, fulfilment="table", table_no="7"))
    staff("POST", f"/staff/orders/{orders[0]['id']}/status", {"status": "accepted"})
    staff("POST", f"/staff/orders/{orders[1]['id']}/status", {"status": "ready"})
    backdate(d, orders[0]["id"], minutes=6)   # past the amber threshold (5)
    backdate(d, orders[1]["id"], minutes=11)  # past the red one (10)
    sign_in_by_scanning(page, board_url(d), staff, "screen-board")
    page.wait_for_selector(card(page, orders[-1]["number"]))
    assert "堂食 · 桌号 7" in page.locator(card(page, orders[-1]["number"])).inner_text()
    waits = {o["number"]: page.locator(card(page, o["number"])).get_attribute("data-wait") for o in orders}
    assert list(waits.values()) == ["amber", "red", "ok", "ok"], waits
    assert "已等 6 分钟 · 等待较久" in page.locator(card(page, orders[0]["number"])).inner_text()
    assert "已等 11 分钟 · 等待过久" in page.locator(card(page, orders[1]["number"])).inner_text()
    for size, name in ((TV, "board-tv"), (PORTRAIT, "board-portrait"), (TABLET, "board-tablet")):
        page.set_viewport_size(size)
        violations = axe()
        assert violations == [], f"{name}:\n{describe_violations(violations)}"
        screenshot(name)
    large_text(page)
    violations = axe()
    assert violations == [], "large text:\n" + describe_violations(violations)
    screenshot("board-large-text", full_page=True)
    assert fits(page, ".card .number") and fits(page, ".card .advance")

    page.set_viewport_size(TV)
    page.goto(ready_url(d))
    page.wait_for_selector("#ready li")
    page.wait_for_function("() => document.body.dataset.connection === 'online'")
    violations = axe()
    assert violations == [], "ready:\n" + describe_violations(violations)
    screenshot("ready-tv")
    big = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#ready li')).fontSize)")
    assert big >= 100, f"pickup numbers at {big}px are not readable across a room"
    large_text(page)
    assert axe() == [] and fits(page, "#ready li")
    screenshot("ready-tv-large-text")
    for orders_left in orders:
        staff("POST", f"/staff/orders/{orders_left['id']}/status", {"status": "completed"})
    assert page_errors == []


def backdate(d: Deployment, order_id: int, minutes: int) -> None:
    """The order was paid `minutes` ago (written to the deployment's database directly)."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from backend.cafe.models import Order
    from backend.db import utcnow
    engine = sa.create_engine(d.env["DATABASE_URL"])
    with Session(engine) as session:
        session.execute(sa.update(Order).where(Order.id == order_id).values(paid_at=utcnow() - timedelta(minutes=minutes)))
        session.commit()
    engine.dispose()


def large_text(page) -> None:
    """The device's text at 200%: every size on the screens is in rem."""
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    page.wait_for_timeout(100)


def fits(page, selector: str) -> bool:
    """Nothing scrolls sideways and the element is wholly inside the viewport's width."""
    return page.evaluate("""(selector) => {
        const el = document.querySelector(selector);
        const box = el.getBoundingClientRect();
        return document.documentElement.scrollWidth <= window.innerWidth && box.left >= 0 &&
               box.right <= window.innerWidth && box.width > 0;
    }""", selector)


def test_a_bad_or_ended_session_goes_back_to_the_sign_in_screen(deployed, page, page_errors):
    d = deployed
    page.context.add_cookies([{"name": "zc_screen", "value": "forged-or-expired", "url": d.url}])
    response = page.goto(board_url(d))
    assert response.status == 401
    page.locator("#qr").wait_for(state="visible")
    assert page.locator("h1").inner_text() == "订单屏 · 扫码登录"

    staff = Mini(d.url, "cafe-staff")
    sign_in_by_scanning(page, board_url(d), staff, "screen-board")
    # Signing out from the tablet: back to the QR code.
    page.click("#sign-out")
    page.wait_for_selector("body.screen-sign-in #qr", state="visible", timeout=10_000)

    # The session ended elsewhere (a role change revokes it with the tokens): the open board follows.
    sign_in_by_scanning(page, board_url(d), staff, "screen-board")
    admin = Mini(d.url, "admin")
    admin("DELETE", f"/admin/sites/{d.cafe_id}/staff/{staff.user['id']}", expect=204)
    admin("PUT", f"/admin/sites/{d.cafe_id}/staff/{staff.user['id']}", {"role": "manager"})
    page.wait_for_selector("body.screen-sign-in #qr", state="visible", timeout=10_000)

    # Someone who is not the café's staff signs the screen in: the sign-in screen says so.
    plain = Mini(d.url, f"walk-in-{uuid.uuid4().hex[:6]}")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/web-sessions") and r.request.method == "POST") as info:
        page.reload()
    plain("POST", f"/web-sessions/{info.value.json()['ticket']}/confirm")
    page.wait_for_selector(".notice", timeout=10_000)
    assert "不是本店店员" in page.locator(".notice").inner_text()
    assert page.locator("#qr").is_visible()
    assert page_errors == []


def test_the_board_recovers_after_the_network_and_the_server_come_back(deployed, page, page_errors, screenshot):
    d = deployed
    staff, customer = Mini(d.url, "cafe-staff"), Mini(d.url, "family")
    page.set_viewport_size(TABLET)
    sign_in_by_scanning(page, board_url(d), staff, "screen-board")

    page.context.set_offline(True)
    page.wait_for_selector("#connection", state="visible", timeout=10_000)
    screenshot("board-offline")
    order = place_paid_order(d, customer)
    page.context.set_offline(False)
    page.wait_for_selector(card(page, order["number"]), timeout=15_000)
    page.wait_for_selector("#connection", state="hidden")

    d.stop()  # the server goes away (a deploy, a crash)...
    page.wait_for_selector("#connection", state="visible", timeout=15_000)
    d.start()  # ...and comes back on the same address
    order = place_paid_order(d, customer)
    page.wait_for_selector(card(page, order["number"]), timeout=15_000)
    page.wait_for_selector("#connection", state="hidden")
    assert page.locator("body.screen-board").count() == 1  # still signed in: sessions live in the database
    staff("POST", f"/staff/orders/{order['id']}/status", {"status": "completed"})
    assert [e for e in page_errors] == []
