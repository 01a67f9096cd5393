from marshmallow import ValidationError, fields, validate, validates_schema

from backend.cafe.board import MESSAGES
from backend.cafe.models import FULFILMENTS, ORDER_STATUSES

from ..common import Integer, LocalDateTime, PageArgs, Schema, page_schema

URL = validate.Length(max=500)


# ---------------------------------------------------------------- menu

class Choice(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=20))
    price_delta_fen = Integer(load_default=0, validate=validate.Range(min=-100000, max=100000))


class Option(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))
    required = fields.Boolean(load_default=False)
    choices = fields.List(fields.Nested(Choice), required=True, validate=validate.Length(min=1, max=20))

    @validates_schema
    def labels_unique(self, data, **kwargs):
        labels = [c["label"] for c in data.get("choices", [])]
        if len(labels) != len(set(labels)):
            raise ValidationError("选项值不能重复", "choices")


def _names_unique(options):
    names = [o["name"] for o in options]
    if len(names) != len(set(names)):
        raise ValidationError("选项名不能重复")


class MenuItemOut(Schema):
    id = Integer()
    name = fields.String()
    description = fields.String()
    price_fen = Integer()
    image_url = fields.String()
    sign_video_url = fields.String()
    available = fields.Boolean()
    stock = Integer(allow_none=True)
    options = fields.List(fields.Nested(Option))


class StaffMenuItemOut(MenuItemOut):
    site_id = Integer()
    category = fields.String()


class CategoryOut(Schema):
    id = Integer()
    name = fields.String()
    items = fields.List(fields.Nested(MenuItemOut))


class MenuOut(Schema):
    open_now = fields.Boolean(metadata={"description": "inside the café's opening hours now (else orders are 409 `cafe_closed`)"})
    next_opens_at = LocalDateTime(allow_none=True, metadata={"description": "when closed: when it next opens (the café's zone); null when open"})
    categories = fields.List(fields.Nested(CategoryOut))


class MenuItemPatch(Schema):
    category = fields.String(validate=validate.Length(min=1, max=40))
    name = fields.String(validate=validate.Length(min=1, max=60))
    description = fields.String(validate=validate.Length(max=500))
    price_fen = Integer(validate=validate.Range(min=0, max=1000000))
    image_url = fields.String(validate=URL)
    sign_video_url = fields.String(validate=URL)
    available = fields.Boolean()
    stock = Integer(allow_none=True, validate=validate.Range(min=0, max=100000))
    options = fields.List(fields.Nested(Option), validate=[validate.Length(max=10), _names_unique])


class MenuItemIn(MenuItemPatch):
    category = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    price_fen = Integer(required=True, validate=validate.Range(min=0, max=1000000))


# ---------------------------------------------------------------- orders

class OrderLineIn(Schema):
    item_id = Integer(required=True)
    qty = Integer(required=True, validate=validate.Range(min=1, max=20))
    options = fields.Dict(keys=fields.String(validate=validate.Length(max=20)),
                          values=fields.String(validate=validate.Length(max=20)), load_default=dict)


class OrderIn(Schema):
    """No price fields: the server prices every order from the menu (a price sent is an unknown field)."""
    items = fields.List(fields.Nested(OrderLineIn), required=True, validate=validate.Length(min=1, max=20))
    fulfilment = fields.String(required=True, validate=validate.OneOf(FULFILMENTS))
    table_no = fields.String(validate=validate.Length(min=1, max=10), allow_none=True)
    note = fields.String(validate=validate.Length(max=200), load_default="")

    @validates_schema
    def table_needs_number(self, data, **kwargs):
        if data.get("fulfilment") == "table" and not data.get("table_no"):
            raise ValidationError("堂食送餐须填写桌号", "table_no")


class OrderLineOut(Schema):
    item_id = Integer(allow_none=True)
    name = fields.String()
    price_fen = Integer()
    qty = Integer()
    options = fields.Dict(keys=fields.String(), values=fields.String())
    subtotal_fen = Integer()


class OrderOut(Schema):
    id = Integer()
    site_id = Integer()
    number = fields.String()
    status = fields.String()
    items = fields.List(fields.Nested(OrderLineOut))
    total_fen = Integer()
    fulfilment = fields.String()
    table_no = fields.String(allow_none=True)
    note = fields.String()
    created_at = LocalDateTime()
    paid_at = LocalDateTime(allow_none=True)
    ready_at = LocalDateTime(allow_none=True)
    expires_at = LocalDateTime()


OrderPage = page_schema(OrderOut, "OrderPage")


class PaymentParams(Schema):
    """What `wx.requestPayment` takes."""
    timeStamp = fields.String()
    nonceStr = fields.String()
    package = fields.String()
    signType = fields.String()
    paySign = fields.String()


class PlacedOrderOut(Schema):
    order = fields.Nested(OrderOut)
    payment = fields.Nested(PaymentParams)


# ---------------------------------------------------------------- staff board

class BoardArgs(PageArgs):
    status = fields.String(load_default="active",
                           validate=validate.OneOf(("active",) + ORDER_STATUSES))


class Customer(Schema):
    nickname = fields.String()
    communication = fields.String(allow_none=True, metadata={"description": "preferences.communication"})


class BoardOrderOut(OrderOut):
    customer = fields.Nested(Customer)
    accepted_at = LocalDateTime(allow_none=True)
    completed_at = LocalDateTime(allow_none=True)


BoardPage = page_schema(BoardOrderOut, "BoardPage")


class PickupNumbersOut(Schema):
    preparing = fields.List(fields.String(), metadata={"description": "Pickup numbers being made, oldest first"})
    ready = fields.List(fields.String(), metadata={"description": "Pickup numbers to collect, in the order they became ready"})


class OrderStatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("accepted", "ready", "completed")))


class MessageIn(Schema):
    template = fields.String(required=True, validate=validate.OneOf(tuple(MESSAGES)))
    text = fields.String(validate=validate.Length(max=100), allow_none=True)


class MessageOut(Schema):
    order_id = Integer()
    notification_id = Integer(allow_none=True)
    text = fields.String()


# ---------------------------------------------------------------- notify

class NotifyFail(Schema):
    """The WeChat Pay notify answer on failure (not the usual error envelope: WeChat Pay reads this shape)."""
    code = fields.String(metadata={"example": "FAIL"})
    message = fields.String()
