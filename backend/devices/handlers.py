"""What the devices domain does on other domains' events."""
from sqlalchemy import update

from ..extensions import db
from . import fitting
from .case_models import Assessment


def appointment_completed(_sender, *, appointment_id: int, resident_id: int, site_id: int, service_kind: str,
                          at, starts_at=None, minutes: int | None = None, **_more) -> None:
    """A rehab appointment was completed: an assessment recorded for it shows that it took place; a
    `device_training` one counts as a training session of the person's case in training there."""
    if service_kind == "device_assessment":
        db.session.execute(update(Assessment).where(Assessment.appointment_id == appointment_id,
                                                    Assessment.appointment_completed_at.is_(None))
                           .values(appointment_completed_at=at))
    elif service_kind == "device_training":
        fitting.training_from_appointment(appointment_id=appointment_id, resident_id=resident_id, site_id=site_id,
                                          at=starts_at or at, minutes=minutes)
