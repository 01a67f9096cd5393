"""Activities at disability homes and the signups for them (participants with companions, and
volunteers): seats, waitlists, check-in, volunteer time credits.

Public: the models. Other domains learn of what happens here through events.
"""
from ..domains import Domain, Privacy
from . import demo, jobs, privacy
from .models import Activity, Signup
from .notices import KINDS

domain = Domain(
    name="activities",
    models=(Activity, Signup),
    jobs={"activity_reminders": jobs.send_reminders},
    privacy=Privacy(export={"activity_signups": privacy.export_signups, "volunteer_hours": privacy.export_hours},
                    erase=privacy.erase_signups, covers=(Signup,)),
    demo=demo.seed,
    notifications=KINDS,
    emits=("signup_cancelled",),
)

__all__ = ["Activity", "Signup", "domain"]
