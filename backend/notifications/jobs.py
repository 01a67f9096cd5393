"""Worker job: send due notifications (see delivery.py for the claiming protocol)."""
from . import delivery


def send_notifications() -> int:
    return delivery.send_due()
