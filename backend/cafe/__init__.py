"""The sign-language café: menu, orders with held stock and pickup numbers, WeChat Pay v3 payments
and refunds, and the order board of its deaf baristas.

Public: the models. Sends `order_paid` when a payment settles an order.
"""
from ..domains import Domain, Privacy
from . import demo, jobs, privacy
from .models import MenuCategory, MenuItem, Order, OrderItem, Payment, PickupCounter
from .notices import KINDS

domain = Domain(
    name="cafe",
    models=(MenuCategory, MenuItem, PickupCounter, Order, OrderItem, Payment),
    jobs={"cafe_expire_orders": jobs.expire_orders, "cafe_reconcile_payments": jobs.reconcile_payments,
          "cafe_issue_refunds": jobs.issue_refunds},
    privacy=Privacy(export={"cafe_orders": privacy.export_orders}, erase=privacy.erase_orders, covers=(Order,)),
    demo=demo.seed,
    notifications=KINDS,
    emits=("order_paid",),
)

__all__ = ["MenuCategory", "MenuItem", "Order", "OrderItem", "Payment", "PickupCounter", "domain"]
