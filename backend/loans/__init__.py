"""Loans of assistive devices (租赁借用) and the centres' inventory: units with their state machine and
history, reservations that hold a unit and lapse by themselves, checkout with the signed handover of
the devices domain, renewals, returns through inspection, repairs, lost units, maintenance, the
public availability per centre, and the due / overdue reminders.

A domain of its own after `devices` (whose products and handovers it uses through `backend.devices`).
Public: the models.
"""
from ..domains import Domain, Privacy
from . import demo, jobs, privacy
from .models import DeviceItem, DeviceLoan, ItemEvent, LoanEvent
from .notices import KINDS

domain = Domain(
    name="loans",
    models=(DeviceItem, ItemEvent, DeviceLoan, LoanEvent),
    jobs={"loan_holds": jobs.lapse_holds, "loan_reminders": jobs.send_reminders},
    privacy=Privacy(export={"device_loans": privacy.export_loans}, erase=privacy.erase, covers=(DeviceLoan,)),
    demo=demo.seed,
    notifications=KINDS,
)

__all__ = ["DeviceItem", "DeviceLoan", "ItemEvent", "LoanEvent", "domain"]
