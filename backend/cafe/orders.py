"""Order use cases of the customer: place (priced by the server, stock held), read, cancel.

WeChat Pay is called only after our transaction has committed (no network call
inside a database transaction); when the call fails, a second transaction undoes
the order. Each step is a `transaction()` of its own.
"""
import hashlib
import logging
import secrets
from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from .. import localtime
from ..common.pagination import page_of
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound, UpstreamUnavailable
from ..extensions import db
from ..identity import User
from ..moderation import check_text
from ..sites import Site, get_site, is_open, next_opening
from ..units import lock, transaction
from ..wechat import pay_client
from ..wechat.errors import WeChatAPIError, WeChatError
from .models import MenuItem, Order, OrderItem, Payment, PickupCounter
from .payments import request_refund
from .views import order_view

log = logging.getLogger(__name__)

CANCELLABLE_AGAIN = ("cancelled", "expired", "refunding", "refunded")  # a repeated cancel changes nothing


# ---------------------------------------------------------------- placing an order

def _closed_message(site: Site, now: datetime) -> str:
    """咖啡馆当前未营业, and when it next opens (its wall-clock time): the customer knows when to come back."""
    opens = next_opening(site, now)
    return f"咖啡馆当前未营业，下次营业时间：{localtime.text(opens, site)}" if opens else "咖啡馆当前未营业"


def _option_error(item: MenuItem, chosen: dict) -> tuple[dict, int] | str:
    """Return ({name: label}, price delta) for valid choices, or the zh-CN problem."""
    defined = {o["name"]: o for o in item.options or []}
    for name in chosen:
        if name not in defined:
            return f"「{item.name}」没有选项「{name}」"
    delta, picked = 0, {}
    for name, option in defined.items():
        label = chosen.get(name)
        if label is None:
            if option.get("required"):
                return f"「{item.name}」须选择「{name}」"
            continue
        choice = next((c for c in option.get("choices", []) if c["label"] == label), None)
        if choice is None:
            return f"「{item.name}」的「{name}」没有「{label}」"
        picked[name] = label
        delta += int(choice.get("price_delta_fen", 0))
    return picked, delta


def _priced_lines(site_id: int, lines: list[dict]) -> list[OrderItem]:
    """Order lines priced from the menu; 422 for unknown items or options, 409 for unavailable ones."""
    ids = {line["item_id"] for line in lines}
    items = {i.id: i for i in db.session.scalars(select(MenuItem).where(
        MenuItem.id.in_(ids), MenuItem.site_id == site_id))}
    problems: dict[str, list[str]] = {}
    unavailable: dict[int, str] = {}
    priced = []
    for n, line in enumerate(lines):
        item = items.get(line["item_id"])
        if item is None:
            problems[f"items.{n}.item_id"] = ["菜单中没有该商品"]
            continue
        result = _option_error(item, line.get("options") or {})
        if isinstance(result, str):
            problems[f"items.{n}.options"] = [result]
            continue
        if not item.available:
            unavailable[item.id] = item.name
        picked, delta = result
        # max(): a menu edited before prices were checked can never make a line negative
        priced.append(OrderItem(item_id=item.id, name=item.name, unit_price_fen=max(0, item.price_fen + delta),
                                qty=line["qty"], options=picked))
    if problems:
        raise Invalid("validation_error", "输入有误", fields=problems)
    if unavailable:
        raise _unavailable(unavailable)
    return priced


def _unavailable(items: dict[int, str]) -> Conflict:
    return Conflict("item_unavailable", "部分商品已售罄或暂不供应：" + "、".join(items.values()),
                    fields={"items": list(items.values()), "item_ids": [str(i) for i in items]})


def _hold_stock(site_id: int, lines: list[OrderItem]) -> None:
    """Take the units from stock with conditional UPDATEs (in item-id order, so holds never deadlock)."""
    wanted: dict[int, int] = defaultdict(int)
    for line in lines:
        wanted[line.item_id] += line.qty
    short: dict[int, str] = {}
    for item_id in sorted(wanted):
        qty = wanted[item_id]
        taken = db.session.execute(
            update(MenuItem)
            .where(MenuItem.id == item_id, MenuItem.available.is_(True),
                   (MenuItem.stock.is_(None)) | (MenuItem.stock >= qty))
            .values(stock=MenuItem.stock - qty)  # NULL (unlimited) stays NULL
            .execution_options(synchronize_session=False)).rowcount
        if taken != 1:
            short[item_id] = next(line.name for line in lines if line.item_id == item_id)
    if short:
        raise _unavailable(short)  # the unit's rollback gives back what was taken


def release_stock(order: Order) -> None:
    """Give an order's units back (call once, in the transaction that ends the order)."""
    back: dict[int, int] = defaultdict(int)
    for line in order.items:
        if line.item_id is not None:
            back[line.item_id] += line.qty
    for item_id in sorted(back):
        db.session.execute(update(MenuItem).where(MenuItem.id == item_id, MenuItem.stock.is_not(None))
                           .values(stock=MenuItem.stock + back[item_id])
                           .execution_options(synchronize_session=False))


def _next_number(site: Site, local_date) -> str:
    """The next pickup number of the café's day: one atomic upsert on the day's counter row."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (insert(PickupCounter).values(site_id=site.id, local_date=local_date, last_value=1)
            .on_conflict_do_update(index_elements=["site_id", "local_date"],
                                   set_={"last_value": PickupCounter.last_value + 1})
            .returning(PickupCounter.last_value))
    value = db.session.execute(stmt).scalar_one()
    prefix = (site.rules or {}).get("pickup_prefix", "A")
    return f"{prefix}{value:03d}"


def place_order(user: User, site_id: int, data: dict, request_key: str | None = None) -> dict:
    """Create a `pending_payment` order, hold its stock, then prepay at WeChat Pay.

    Three steps (create, prepay, store the prepay id), so the request cannot be one unit. With a
    `request_key` (the request's Idempotency-Key) placing is idempotent by itself: the order's
    `out_trade_no` is derived from the user and the key (unique), so a retry, or a concurrent twin,
    finds the order the first request made and resumes it (prepay again: WeChat Pay answers the same
    prepay id for the same out_trade_no) instead of making a second one."""
    trade_no = _trade_no(user, request_key)
    if request_key is not None and (resumed := _resume(user, trade_no)) is not None:
        return resumed
    site, now = get_site(site_id, kind="cafe"), utcnow()
    if not is_open(site, now):
        raise Conflict("cafe_closed", _closed_message(site, now))
    check_text(user.openid, data.get("note"))  # a WeChat call: before the transaction
    try:
        with transaction():
            order_id, prepay = _create_order(user, site_id, data, trade_no)
    except IntegrityError:
        resumed = _resume(user, trade_no) if request_key is not None else None
        if resumed is None:
            raise
        return resumed  # a concurrent request with the same key created it first
    return _prepay(order_id, prepay, abandon_on_failure=request_key is None)


def _trade_no(user: User, request_key: str | None) -> str:
    if request_key is None:
        return "CF" + secrets.token_hex(14)
    return "CK" + hashlib.sha256(f"{user.id}:{request_key}".encode()).hexdigest()[:28]


def _prepay_fields(order: Order, site: Site, user: User) -> dict:
    return dict(out_trade_no=order.out_trade_no, description=f"{site.name[:30]} 取餐号{order.number}",
                total_fen=order.total_fen, openid=user.openid, time_expire=order.expires_at)


def _prepay(order_id: int, prepay: dict, *, abandon_on_failure: bool) -> dict:
    try:
        prepay_id = pay_client().prepay_jsapi(**prepay)
    except WeChatError as exc:
        log.warning("prepay failed for order %s: %s", order_id, exc)
        # Without a key nobody can come back for the order: undo it. With one, the client retries
        # with the key and resumes it (else it expires, its stock back, after ORDER_PAY_MINUTES).
        if abandon_on_failure:
            _abandon(order_id)
        raise UpstreamUnavailable() from None
    with transaction():
        order = db.session.get(Order, order_id)
        order.prepay_id = order.prepay_id or prepay_id  # a concurrent resume stored the same id
        db.session.flush()
        return {"order": order_view(order), "payment": pay_client().payment_params(order.prepay_id)}


def _resume(user: User, trade_no: str) -> dict | None:
    """The order an earlier request with the same key made, answered (and prepaid, if that request
    never got so far); None if there is none."""
    with transaction():  # read in a unit of its own: nothing stays open across the prepay call
        order = db.session.scalar(select(Order).where(Order.out_trade_no == trade_no, Order.user_id == user.id))
        if order is None:
            return None
        if order.prepay_id is not None:
            return {"order": order_view(order), "payment": pay_client().payment_params(order.prepay_id)}
        if order.status != "pending_payment":  # expired or cancelled before it was ever prepaid
            raise Conflict("order_expired", "该订单已失效，请重新下单")
        order_id, prepay = order.id, _prepay_fields(order, get_site(order.site_id), user)
    return _prepay(order_id, prepay, abandon_on_failure=False)


def _create_order(user: User, site_id: int, data: dict, trade_no: str) -> tuple[int, dict]:
    """The order and its held stock; returns what the prepay call needs (read before the commit,
    so nothing reopens a transaction that would stay open across the network call)."""
    site = get_site(site_id, kind="cafe")
    now = utcnow()
    if not is_open(site, now):
        raise Conflict("cafe_closed", _closed_message(site, now))
    lines = _priced_lines(site_id, data["items"])
    total = sum(line.unit_price_fen * line.qty for line in lines)
    if total <= 0:
        raise Invalid("validation_error", "订单金额须大于 0", fields={"items": ["订单金额须大于 0"]})
    _hold_stock(site_id, lines)
    local_date = localtime.local_date(now, site)
    order = Order(site_id=site_id, user_id=user.id, local_date=local_date, number=_next_number(site, local_date),
                  status="pending_payment", total_fen=total, fulfilment=data["fulfilment"],
                  table_no=data.get("table_no") if data["fulfilment"] == "table" else None,
                  note=data.get("note") or "", out_trade_no=trade_no,
                  expires_at=now + timedelta(minutes=current_app.config["ORDER_PAY_MINUTES"]),
                  items=lines, created_at=now)
    db.session.add(order)
    db.session.flush()
    return order.id, _prepay_fields(order, site, user)


def _abandon(order_id: int) -> None:
    """Second transaction after a failed prepay: cancel the order and give its stock back."""
    with transaction():
        order = locked_order(Order.id == order_id)
        if order is not None and order.status == "pending_payment":
            order.status, order.cancelled_at = "cancelled", utcnow()
            release_stock(order)


def locked_order(*where) -> Order | None:
    """The order matching `where`, locked until the unit ends, with fresh attributes."""
    return db.session.scalar(lock(select(Order).where(*where)))


# ---------------------------------------------------------------- reading

def my_orders(user: User, page: int, page_size: int) -> dict:
    result = page_of(_my_orders_query(user), page, page_size)
    result["items"] = [order_view(o) for o in result["items"]]
    return result


def _my_orders_query(user: User):
    return (select(Order).options(selectinload(Order.items))  # the lines of a whole page in one statement
            .where(Order.user_id == user.id).order_by(Order.created_at.desc(), Order.id.desc()))


def own_order(user: User, order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != user.id:
        raise NotFound()
    return order


def get_order(user: User, order_id: int) -> dict:
    return order_view(own_order(user, order_id))


# ---------------------------------------------------------------- cancelling

def cancel_order(user: User, order_id: int) -> dict:
    """pending_payment → cancelled (closed at WeChat Pay after commit); paid → refunding (refund after commit)."""
    with transaction():
        own_order(user, order_id)
        order = locked_order(Order.id == order_id)
        view, after = order_view(order), None
        if order.status not in CANCELLABLE_AGAIN:
            if order.status == "pending_payment":
                order.status, order.cancelled_at = "cancelled", utcnow()
                release_stock(order)
                after = ("close", order.out_trade_no)
            elif order.status == "paid":
                payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))
                order.status, order.cancelled_at = "refunding", utcnow()
                payment.refund_status, payment.out_refund_no = "due", "RF" + order.out_trade_no
                release_stock(order)
                db.session.flush()
                after = ("refund", payment.id)
            else:
                raise Conflict("order_in_progress", "订单已在制作中，无法取消，请到柜台联系店员")
            view = order_view(order)
    # After the commit, outside any transaction: WeChat Pay is told (and retried by the worker).
    if after and after[0] == "close":
        close_at_wechat(after[1])
    elif after:
        request_refund(after[1])
    return view


def close_at_wechat(out_trade_no: str) -> bool:
    """Best effort: if this fails the prepay still lapses at time_expire, and a late payment is refunded."""
    try:
        pay_client().close(out_trade_no)
        return True
    except WeChatAPIError as exc:
        if exc.errcode == "ORDER_NOT_EXIST":
            return True
        log.warning("close of %s refused: %s", out_trade_no, exc.errcode)
    except WeChatError as exc:
        log.warning("close of %s failed: %s", out_trade_no, exc)
    return False
