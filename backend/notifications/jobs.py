"""Worker job: send due notifications (see delivery.py for the claiming protocol)."""
from ..worker import job
from . import delivery


@job("send_notifications")
def send_notifications() -> int:
    return delivery.send_due()
