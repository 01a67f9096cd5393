"""What the devices domain does on other domains' events."""
from sqlalchemy import update

from ..extensions import db
from .case_models import Assessment


def appointment_completed(_sender, *, appointment_id: int, resident_id: int, site_id: int, service_kind: str,
                          at) -> None:
    """A rehab appointment was completed: an assessment recorded for it shows that it took place."""
    if service_kind == "device_assessment":
        db.session.execute(update(Assessment).where(Assessment.appointment_id == appointment_id,
                                                    Assessment.appointment_completed_at.is_(None))
                           .values(appointment_completed_at=at))
