"""Helpers of the café tests: a menu, orders, the fake's payer controls, notifies signed like WeChat Pay's."""
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import requests
from sqlalchemy import update

from backend.cafe.models import MenuCategory, MenuItem, Order
from backend.extensions import db
from devtools.fake_wechat.pay import _encrypt_resource, _load_keys, _nonce, _rsa_sign

from ..factories import SiteFactory

TEMPERATURE = {"name": "温度", "required": True,
               "choices": [{"label": "热", "price_delta_fen": 0}, {"label": "冰", "price_delta_fen": 200}]}
MILK = {"name": "奶", "required": False,
        "choices": [{"label": "燕麦奶", "price_delta_fen": 300}, {"label": "全脂奶", "price_delta_fen": 0}]}


def make_cafe(**kw):
    return SiteFactory(kind="cafe", **kw)


def add_item(site, name="拿铁", price_fen=1800, stock=None, options=None, category="咖啡", available=True):
    cat = db.session.query(MenuCategory).filter_by(site_id=site.id, name=category).one_or_none()
    if cat is None:
        cat = MenuCategory(site_id=site.id, name=category)
        db.session.add(cat)
        db.session.flush()
    item = MenuItem(site_id=site.id, category_id=cat.id, name=name, price_fen=price_fen, stock=stock,
                    options=[TEMPERATURE] if options is None else options, available=available,
                    sign_video_url=f"https://video.example.org/sign/{uuid.uuid4().hex[:6]}.mp4")
    db.session.add(item)
    db.session.commit()
    return item


def order_body(item_id, qty=1, options=None, **kw):
    return {"items": [{"item_id": item_id, "qty": qty, "options": {"温度": "热"} if options is None else options}],
            "fulfilment": "pickup", **kw}


def place(api, site_id, body, **kw):
    return api.post(f"/cafes/{site_id}/orders", body, **kw)


def prepay_id(placed: dict) -> str:
    return placed["payment"]["package"].split("=", 1)[1]


def pay(app, prepay: str, notify: bool = True) -> dict:
    url = f"{app.config['FAKE_URL']}/_fake/pay/{prepay}/succeed" + ("" if notify else "?notify=false")
    resp = requests.post(url, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()


def last_notification(app, prepay: str) -> dict:
    resp = requests.get(f"{app.config['FAKE_URL']}/_fake/pay/{prepay}/notification", timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def post_notify(app, headers: dict, body) -> requests.Response:
    """Deliver a notify to the live server over real HTTP, as WeChat Pay does."""
    data = body.encode() if isinstance(body, str) else body
    return requests.post(app.config["LIVE_URL"] + "/api/v1/payments/wechat/notify", data=data,
                         headers=headers, timeout=10)


def wechat_query(app, out_trade_no: str) -> dict | None:
    from backend.wechat import pay_client
    with app.app_context():
        return pay_client().query(out_trade_no)


def signed_notify(keys: dict, payload: dict, event_type="TRANSACTION.SUCCESS", original_type="transaction",
                  timestamp: int | None = None) -> tuple[dict, str]:
    """A notify signed with the fake's WeChat Pay private key and encrypted with the APIv3 key,
    built with the fake's own functions, carrying whatever payload the test wants."""
    import os
    k = _load_keys(os.path.dirname(keys["WECHATPAY_PRIVATE_KEY_PATH"]))
    body = json.dumps({
        "id": str(uuid.uuid4()), "create_time": datetime.now(timezone.utc).isoformat(),
        "resource_type": "encrypt-resource", "event_type": event_type, "summary": "支付成功",
        "resource": _encrypt_resource(k, original_type, original_type, payload),
    }, ensure_ascii=False, separators=(",", ":"))
    ts, nonce = str(timestamp or int(time.time())), _nonce()
    signature = _rsa_sign(k.platform_private, ts.encode() + b"\n" + nonce.encode() + b"\n" + body.encode() + b"\n")
    return {"Content-Type": "application/json", "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature, "Wechatpay-Serial": k.public_key_id,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"}, body


def wait_for(fn, timeout=10.0):
    """Poll until fn() is truthy (for the fake's asynchronous refund notify); returns its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not reached")


def set_order(order_id: int, **values) -> None:
    db.session.execute(update(Order).where(Order.id == order_id).values(**values))
    db.session.commit()


def in_past(minutes=1):
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)

