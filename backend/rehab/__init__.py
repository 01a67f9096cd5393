"""Rehab stations: services, therapists, weekly schedules, slots and appointments (API.md "Rehab
appointments").

Public: the models. Sends `appointment_completed` when staff complete an appointment (the device
domain counts assessment and training sessions by it).
"""
from ..domains import Domain, Privacy
from . import demo, jobs, privacy
from .models import Appointment, Closure, RehabService, RehabSlot, Therapist
from .notices import KINDS

domain = Domain(
    name="rehab",
    models=(Therapist, RehabService, RehabSlot, Closure, Appointment),
    jobs={"rehab_extend_slots": jobs.extend_slots, "rehab_reminders": jobs.send_reminders},
    privacy=Privacy(export={"appointments": privacy.export_appointments,
                            "therapist_profiles": privacy.export_therapist_profiles}, erase=privacy.erase_appointments,
                    covers=(Appointment, Therapist)),
    demo=demo.seed,
    notifications=KINDS,
    emits=("appointment_completed",),
)

__all__ = ["Appointment", "Closure", "RehabService", "RehabSlot", "Therapist", "domain"]
