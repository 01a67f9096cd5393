"""Demo menu of the sign-language café, and two of today's orders placed as the API places them."""
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from .board import set_status
from .models import MenuCategory, MenuItem, Order
from .orders import _create_order, _trade_no, locked_order
from .payments import record_payment


def seed(ctx: dict) -> None:
    """A small menu with options and sign-language videos (the order flow runs against the fake)."""
    cafe = ctx["cafe"]

    temperature = {"name": "温度", "required": True,
                   "choices": [{"label": "热", "price_delta_fen": 0}, {"label": "冰", "price_delta_fen": 200}]}
    milk = {"name": "奶", "required": False,
            "choices": [{"label": "全脂奶", "price_delta_fen": 0}, {"label": "燕麦奶", "price_delta_fen": 300}]}
    sugar = {"name": "糖", "required": False,
             "choices": [{"label": "无糖", "price_delta_fen": 0}, {"label": "半糖", "price_delta_fen": 0},
                         {"label": "正常糖", "price_delta_fen": 0}]}
    video = "https://static.example.org/cafe/sign/{}.mp4"
    image = "https://static.example.org/cafe/menu/{}.jpg"
    menu = {
        "咖啡": [("美式咖啡", "americano", "每日烘焙的单一产地豆", 1500, [temperature], None),
                ("拿铁", "latte", "浓缩咖啡与丝滑牛奶", 1800, [temperature, milk, sugar], None),
                ("手语特调", "signature", "店员推荐，用手语点单有惊喜", 2600, [temperature], 20)],
        "茶饮": [("抹茶拿铁", "matcha", "宇治抹茶", 2200, [temperature, milk, sugar], None),
                ("柠檬红茶", "lemon-tea", "", 1400, [temperature, sugar], None)],
        "甜点": [("可颂", "croissant", "每日现烤", 1200, [], 15),
                ("芝士蛋糕", "cheesecake", "店员亲手制作", 2500, [], 8)],
    }
    for position, (category_name, items) in enumerate(menu.items(), start=1):
        category = MenuCategory(site_id=cafe.id, name=category_name, position=position)
        db.session.add(category)
        db.session.flush()
        for n, (name, slug, description, price, options, stock) in enumerate(items, start=1):
            db.session.add(MenuItem(site_id=cafe.id, category_id=category.id, name=name, description=description,
                                    price_fen=price, image_url=image.format(slug), sign_video_url=video.format(slug),
                                    available=True, stock=stock, options=options, position=n))
    db.session.flush()
    _orders(ctx)


def _paid_order(user, cafe, items: list[dict]) -> int:
    """An order made by the order use case's own step (priced, stock held, today's pickup number),
    paid by a demo transaction in place of WeChat Pay's notify (the seed makes no network call)."""
    order_id, prepay = _create_order(user, cafe.id, {"items": items, "fulfilment": "pickup"}, _trade_no(user, None))
    order = locked_order(Order.id == order_id)
    record_payment(order, {"transaction_id": "DEMO" + prepay["out_trade_no"], "trade_state": "SUCCESS",
                           "appid": current_app.config["WECHAT_APPID"], "mchid": current_app.config["WECHATPAY_MCHID"],
                           "amount": {"total": order.total_fen}})
    return order_id


def _orders(ctx: dict) -> None:
    """王女士's latte is ready (the inbox's "您的 A001 已做好" comes from the barista marking it so);
    王大爷's croissant is paid and waits on the order board."""
    cafe, users = ctx["cafe"], ctx["users"]
    item = {i.name: i.id for i in db.session.scalars(select(MenuItem).where(MenuItem.site_id == cafe.id))}
    latte = _paid_order(users["family"], cafe, [{"item_id": item["拿铁"], "qty": 1,
                                                 "options": {"温度": "热", "奶": "燕麦奶"}}])
    set_status(users["cafe-staff"], latte, "ready")
    _paid_order(users["resident"], cafe, [{"item_id": item["可颂"], "qty": 2, "options": {}}])
