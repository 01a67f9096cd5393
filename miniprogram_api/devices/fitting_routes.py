"""Assistive devices after approval: the maker's supply orders, receiving at the centre, delivery
with the signed handover, training sessions, follow-ups, repairs."""
from backend.devices import fitting, followups, repairs, supply

from ..auth import current_user
from ..body import json_body
from ..idempotency import idempotent
from . import fitting_schemas as fs
from . import schemas as s
from .handover_schemas import HANDOVER_BODY_MAX_BYTES
from .routes import blp


@blp.get("/maker/orders")
@blp.login_required
@blp.arguments(fs.MakerOrderArgs, location="query")
@blp.response(200, fs.MakerOrderPage)
def maker_orders(args):
    """厂家的供货订单（居民姓名脱敏）"""
    return supply.maker_orders(current_user(), args.get("status"), args["page"], args["page_size"])


@blp.post("/maker/orders/<int:order_id>/ship")
@blp.login_required
@blp.arguments(fs.ShipIn)
@blp.response(200, fs.MakerOrderOut)
def ship_maker_order(args, order_id):
    """厂家发货（物流单号、序列号）"""
    return supply.ship(current_user(), order_id, args["shipped_at"], args["tracking"], args["serial_nos"])


@blp.post("/staff/device-cases/<int:case_id>/received")
@blp.login_required
@blp.arguments(fs.ReceivedIn)
@blp.response(200, s.CaseOut)
def receive_device(args, case_id):
    """中心收货（或使用中心库存）"""
    return supply.receive(current_user(), case_id, args["from_stock"], args["serial_no"])


@blp.post("/staff/device-cases/<int:case_id>/delivery")
@blp.login_required
@json_body(HANDOVER_BODY_MAX_BYTES)
@blp.arguments(fs.DeliveryIn)
@blp.response(200, s.CaseOut)
def deliver_device(args, case_id):
    """适配交付（交接签收：签名 PNG 以 base64 放在 JSON 中）

    The body may be up to 512 KiB (the signature is at most 200 KB decoded); a signature that is not
    a PNG, or is larger, is a 422 on `handover.signature_png` and nothing changes."""
    return fitting.deliver(current_user(), case_id, args)


@blp.post("/staff/device-cases/<int:case_id>/training-sessions")
@blp.login_required
@blp.arguments(fs.TrainingIn)
@blp.response(200, s.CaseOut)
def add_training_session(args, case_id):
    """记录一次使用训练"""
    return fitting.add_training(current_user(), case_id, args)


@blp.get("/staff/device-followups")
@blp.login_required
@blp.arguments(fs.FollowupArgs, location="query")
@blp.response(200, fs.FollowupPage)
def list_device_followups(args):
    """回访清单（due 待回访、overdue 已逾期、done 已完成；最早到期在前）"""
    return followups.listing(current_user(), site_id=args.get("site_id"), status=args.get("status"),
                             page=args["page"], page_size=args["page_size"])


@blp.post("/staff/device-followups/<int:followup_id>")
@blp.login_required
@blp.arguments(fs.FollowupIn)
@blp.response(200, fs.FollowupOut)
def record_device_followup(args, followup_id):
    """记录回访结果"""
    return followups.record_followup(current_user(), followup_id, args)


@blp.post("/device-cases/<int:case_id>/repairs")
@blp.login_required
@idempotent
@blp.arguments(fs.RepairIn)
@blp.response(201, fs.RepairOut)
def request_device_repair(args, case_id):
    """申请维修已交付的辅具"""
    return repairs.request_repair(current_user(), case_id, args["problem"])


@blp.get("/staff/device-repairs")
@blp.login_required
@blp.arguments(fs.RepairArgs, location="query")
@blp.response(200, fs.RepairPage)
def list_device_repairs(args):
    """维修工单"""
    return repairs.listing(current_user(), site_id=args.get("site_id"), status=args.get("status"),
                           page=args["page"], page_size=args["page_size"])


@blp.post("/staff/device-repairs/<int:repair_id>")
@blp.login_required
@blp.arguments(fs.RepairUpdateIn)
@blp.response(200, fs.RepairOut)
def update_device_repair(args, repair_id):
    """处理维修（维修中 → 已修好 | 已更换，费用以分计）"""
    return repairs.update_repair(current_user(), repair_id, args["status"], args["note"], args.get("cost_fen"))
