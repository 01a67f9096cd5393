"""The report's metrics, one small definition each (docs/API-NOTES.md "Reports" defines them in words).

A metric says where its events are (`source`: the table, joins and conditions), the moment each
event counts (`moment`: a UTC instant column, filtered by the sites' local days), the site it
belongs to (`site`: what scope, `site` and `community` grouping read), the resident it concerns
(`resident`: what `category` and `level` grouping read; None where there is no person, such as a
café order), and how it aggregates: `count` (events), `sum` of a column, or `distinct` (persons,
counted once however often they come). Ratios are `derived` from two other metrics, per row.

Everything is read with SQL aggregates (backend/reports/query.py); no metric loads rows.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func

from ..activities import Activity, Signup
from ..cafe import Order, Payment
from ..devices import Assessment, DeviceCase, FollowUp, SupplyOrder
from ..identity import Resident
from ..loans import DeviceLoan
from ..rehab import Appointment

AREAS = {
    "residents": "居民",
    "activities": "文体活动",
    "rehab": "康复服务",
    "devices": "辅助器具",
    "cafe": "手语咖啡",
    "volunteers": "志愿服务",
}


@dataclass(frozen=True)
class Source:
    """Where a metric's events are: FROM `table` joined with `joins` [(target, on)], WHERE `where`."""
    table: Any
    moment: Any
    site: Any
    resident: Any | None = None
    value: Any | None = None  # the summed column (`sum`) or the counted identity (`distinct`)
    joins: tuple = ()
    where: tuple = ()
    # The moment is a local date (a follow-up's or a loan's due day), not an instant: compared with
    # the period's dates as they are.
    day: bool = False


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    area: str
    agg: str  # count | sum | distinct | derived
    source: Callable[[], Source] | None = None
    # derived: value = numerator / denominator (None when the denominator is 0), rounded to 4 places
    ratio: tuple[str, ...] = ()
    hidden: bool = False  # a component of a ratio, not shown on its own
    # Metrics of one family share their source (only value and aggregate differ): one statement
    # computes them together.
    family: str | None = None
    unit: str = ""
    notes: str = field(default="", compare=False)


def _participant(*conditions):
    return (Signup.role == "participant", *conditions)


def _today():
    from .. import localtime
    return localtime.today()


def _followup_case():
    return ((DeviceCase, DeviceCase.id == FollowUp.case_id),)


def _supply_join():
    return ((SupplyOrder, SupplyOrder.case_id == DeviceCase.id, True),)  # one per case at most


def _activity_join():
    return ((Activity, Activity.id == Signup.activity_id),)


REGISTRY: tuple[Metric, ...] = (
    # residents
    Metric("residents_registered", "登记居民", "residents", "count", lambda: Source(
        Resident, Resident.created_at, Resident.registered_site_id, Resident.id)),
    Metric("residents_verified", "核验居民", "residents", "count", lambda: Source(
        Resident, Resident.verified_at, Resident.registered_site_id, Resident.id,
        where=(Resident.verification == "verified",))),
    # activities
    Metric("activities_held", "举办活动", "activities", "count", lambda: Source(
        Activity, Activity.completed_at, Activity.site_id, where=(Activity.status == "completed",))),
    Metric("activities_cancelled", "取消活动", "activities", "count", lambda: Source(
        Activity, Activity.cancelled_at, Activity.site_id, where=(Activity.status == "cancelled",))),
    Metric("signups", "报名人次", "activities", "count", lambda: Source(
        Signup, Signup.created_at, Activity.site_id, Signup.resident_id, joins=_activity_join(),
        where=_participant())),
    Metric("participants", "参加人数", "activities", "distinct", lambda: Source(
        Signup, Signup.attended_at, Activity.site_id, Signup.resident_id, Signup.resident_id,
        joins=_activity_join(), where=_participant(Signup.status == "attended")), family="attended"),
    Metric("attendances", "参加人次", "activities", "count", lambda: Source(
        Signup, Signup.attended_at, Activity.site_id, Signup.resident_id, joins=_activity_join(),
        where=_participant(Signup.status == "attended")), family="attended"),
    Metric("held_attended", "已办活动到场人次", "activities", "count", lambda: Source(
        Signup, Activity.completed_at, Activity.site_id, Signup.resident_id, joins=_activity_join(),
        where=_participant(Activity.status == "completed", Signup.status == "attended")), hidden=True),
    Metric("held_no_show", "已办活动缺席人次", "activities", "count", lambda: Source(
        Signup, Activity.completed_at, Activity.site_id, Signup.resident_id, joins=_activity_join(),
        where=_participant(Activity.status == "completed", Signup.status == "no_show")), hidden=True),
    Metric("attendance_rate", "到场率", "activities", "derived",
           ratio=("held_attended", "held_attended", "held_no_show"), unit="ratio"),
    Metric("no_show_rate", "缺席率", "activities", "derived",
           ratio=("held_no_show", "held_attended", "held_no_show"), unit="ratio"),
    # rehab
    Metric("appointments_booked", "康复预约人次", "rehab", "count", lambda: Source(
        Appointment, Appointment.created_at, Appointment.site_id, Appointment.resident_id)),
    Metric("appointments_completed", "康复服务人次", "rehab", "count", lambda: Source(
        Appointment, Appointment.status_changed_at, Appointment.site_id, Appointment.resident_id,
        where=(Appointment.status == "completed",)), family="rehab_completed"),
    Metric("appointments_no_show", "康复爽约人次", "rehab", "count", lambda: Source(
        Appointment, Appointment.status_changed_at, Appointment.site_id, Appointment.resident_id,
        where=(Appointment.status == "no_show",))),
    Metric("rehab_residents_served", "康复服务人数", "rehab", "distinct", lambda: Source(
        Appointment, Appointment.status_changed_at, Appointment.site_id, Appointment.resident_id,
        Appointment.resident_id, where=(Appointment.status == "completed",)), family="rehab_completed"),
    # devices
    Metric("device_cases_opened", "辅具申请（件）", "devices", "count", lambda: Source(
        DeviceCase, DeviceCase.created_at, DeviceCase.site_id, DeviceCase.resident_id)),
    Metric("device_cases_assessed", "辅具评估（件）", "devices", "distinct", lambda: Source(
        Assessment, Assessment.created_at, DeviceCase.site_id, DeviceCase.resident_id, Assessment.case_id,
        joins=((DeviceCase, DeviceCase.id == Assessment.case_id),), where=(Assessment.voided_at.is_(None),))),
    Metric("device_cases_approved", "辅具审批通过（件）", "devices", "count", lambda: Source(
        SupplyOrder, SupplyOrder.created_at, DeviceCase.site_id, DeviceCase.resident_id,
        joins=((DeviceCase, DeviceCase.id == SupplyOrder.case_id),))),
    Metric("device_cases_delivered", "辅具适配发放（件）", "devices", "count", lambda: Source(
        DeviceCase, DeviceCase.delivered_at, DeviceCase.site_id, DeviceCase.resident_id, joins=_supply_join(),
        where=(DeviceCase.delivered_at.is_not(None),)), family="delivered"),
    Metric("devices_delivered", "发放辅具（台/件）", "devices", "sum", lambda: Source(
        DeviceCase, DeviceCase.delivered_at, DeviceCase.site_id, DeviceCase.resident_id,
        func.coalesce(SupplyOrder.quantity, 1),
        joins=_supply_join(), where=(DeviceCase.delivered_at.is_not(None),)), family="delivered"),
    Metric("device_residents_served", "辅具服务人数", "devices", "distinct", lambda: Source(
        DeviceCase, DeviceCase.delivered_at, DeviceCase.site_id, DeviceCase.resident_id, DeviceCase.resident_id,
        joins=_supply_join(), where=(DeviceCase.delivered_at.is_not(None),)), family="delivered"),
    Metric("followups_done", "回访完成（次）", "devices", "count", lambda: Source(
        FollowUp, FollowUp.recorded_at, FollowUp.site_id, DeviceCase.resident_id,
        joins=_followup_case(), where=(FollowUp.status == "done",))),
    Metric("followups_overdue", "回访逾期（次）", "devices", "count", lambda: Source(
        FollowUp, FollowUp.due_on, FollowUp.site_id, DeviceCase.resident_id, joins=_followup_case(),
        where=(FollowUp.status == "pending", FollowUp.due_on < _today()), day=True)),
    Metric("followups_rated", "回访有满意度（次）", "devices", "count", lambda: Source(
        FollowUp, FollowUp.recorded_at, FollowUp.site_id, DeviceCase.resident_id, joins=_followup_case(),
        where=(FollowUp.status == "done", FollowUp.satisfaction.is_not(None))), hidden=True, family="followup_rated"),
    Metric("followup_satisfaction_sum", "满意度合计", "devices", "sum", lambda: Source(
        FollowUp, FollowUp.recorded_at, FollowUp.site_id, DeviceCase.resident_id, FollowUp.satisfaction,
        joins=_followup_case(), where=(FollowUp.status == "done", FollowUp.satisfaction.is_not(None))),
           hidden=True, family="followup_rated"),
    Metric("followup_satisfaction_avg", "回访满意度（1-4 平均）", "devices", "derived",
           ratio=("followup_satisfaction_sum", "followups_rated"), unit="ratio"),
    Metric("followups_in_use", "回访在用（次）", "devices", "count", lambda: Source(
        FollowUp, FollowUp.recorded_at, FollowUp.site_id, DeviceCase.resident_id, joins=_followup_case(),
        where=(FollowUp.status == "done", FollowUp.in_use.is_(True))), hidden=True),
    Metric("followups_use_known", "回访知悉使用情况（次）", "devices", "count", lambda: Source(
        FollowUp, FollowUp.recorded_at, FollowUp.site_id, DeviceCase.resident_id, joins=_followup_case(),
        where=(FollowUp.status == "done", FollowUp.in_use.is_not(None))), hidden=True),
    Metric("devices_in_use_rate", "辅具在用率", "devices", "derived",
           ratio=("followups_in_use", "followups_use_known"), unit="ratio"),
    Metric("loans_started", "辅具借出（次）", "devices", "count", lambda: Source(
        DeviceLoan, DeviceLoan.checked_out_at, DeviceLoan.site_id, DeviceLoan.resident_id,
        where=(DeviceLoan.checked_out_at.is_not(None),)), family="loans"),
    Metric("loan_residents_served", "辅具借用人数", "devices", "distinct", lambda: Source(
        DeviceLoan, DeviceLoan.checked_out_at, DeviceLoan.site_id, DeviceLoan.resident_id, DeviceLoan.resident_id,
        where=(DeviceLoan.checked_out_at.is_not(None),)), family="loans"),
    Metric("loans_overdue", "借用逾期（次）", "devices", "count", lambda: Source(
        DeviceLoan, DeviceLoan.due_on, DeviceLoan.site_id, DeviceLoan.resident_id,
        where=(DeviceLoan.status == "on_loan", DeviceLoan.due_on < _today()), day=True)),
    # café
    # Orders, not payments: an order's paid_at is set by its (one) payment, unless the payment came
    # late (after expiry or cancellation: refunded, not a sale); the amount is checked to be the total.
    # One table, no join: a year of a busy café is the report's largest scan (bench/).
    Metric("orders_paid", "已付订单", "cafe", "count", lambda: Source(
        Order, Order.paid_at, Order.site_id, where=(Order.paid_at.is_not(None),)), family="cafe_paid"),
    Metric("revenue_fen", "营业额（分）", "cafe", "sum", lambda: Source(
        Order, Order.paid_at, Order.site_id, value=Order.total_fen, where=(Order.paid_at.is_not(None),)),
           unit="fen", family="cafe_paid"),
    Metric("refunds_fen", "退款（分）", "cafe", "sum", lambda: Source(
        Payment, Payment.refunded_at, Order.site_id, value=Payment.amount_fen,
        joins=((Order, Order.id == Payment.order_id),), where=(Payment.refund_status == "refunded",)),
           unit="fen"),
    # volunteers
    Metric("volunteers_active", "服务志愿者人数", "volunteers", "distinct", lambda: Source(
        Signup, Signup.credited_at, Activity.site_id, value=Signup.user_id, joins=_activity_join(),
        where=(Signup.role == "volunteer", Signup.minutes_credited > 0)), family="volunteering"),
    Metric("volunteer_minutes", "志愿服务时长（分钟）", "volunteers", "sum", lambda: Source(
        Signup, Signup.credited_at, Activity.site_id, value=Signup.minutes_credited, joins=_activity_join(),
        where=(Signup.role == "volunteer", Signup.minutes_credited > 0)), unit="minutes", family="volunteering"),
)

BY_KEY = {m.key: m for m in REGISTRY}


def families() -> list[tuple[Metric, ...]]:
    """The measured metrics (not derived) in registry order, those of one family together."""
    out: dict = {}
    for m in REGISTRY:
        if m.agg != "derived":
            out.setdefault(m.family or m.key, []).append(m)
    return [tuple(v) for v in out.values()]
SHOWN = tuple(m for m in REGISTRY if not m.hidden)

