"""Rules every kind of site shares (`Site.rules`, beside each domain's own, such as rehab's booking
horizon): when check-in opens. One rule for activity attendance and appointment check-in alike."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

CHECKIN_RULE = "checkin_opens_before_hours"


def checkin_opens_before(site) -> timedelta:
    """How long before the start check-in opens at this site: its `checkin_opens_before_hours` rule,
    else `CHECKIN_OPENS_BEFORE_HOURS` (3)."""
    value = (site.rules or {}).get(CHECKIN_RULE)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        value = current_app.config["CHECKIN_OPENS_BEFORE_HOURS"]
    return timedelta(hours=value)


def checkin_opens_at(site, starts_at: datetime) -> datetime:
    return starts_at - checkin_opens_before(site)


def checkin_not_open_message(site) -> str:
    """What staff read when they check someone in too early (activities and appointments alike)."""
    hours = int(checkin_opens_before(site).total_seconds() // 3600)
    return f"开始前 {hours} 小时起才能签到" if hours else "开始后才能签到"
