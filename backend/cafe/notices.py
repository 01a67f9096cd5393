"""The notification kinds the café sends, with their default subscribe-message templates: template
field (WeChat's value type + a number) -> the key of the `data` the café passes to `notify()`."""
from ..domains import NotificationKind

KINDS = {
    "order_ready": NotificationKind("取餐通知", {
        "character_string1": "number", "thing2": "cafe", "thing3": "status"}),
    "order_message": NotificationKind("订单消息通知", {
        "character_string1": "number", "thing2": "message"}),
    "order_refunded": NotificationKind("退款成功通知", {
        "character_string1": "number", "amount2": "amount", "thing3": "status"}),
}
