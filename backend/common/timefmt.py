"""Times as API.md shows them: ISO 8601 with the offset of the site's zone (stored as UTC)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])).isoformat()


def localise(data):
    """Every datetime inside a JSON-like structure as a local ISO string, every date as YYYY-MM-DD."""
    if isinstance(data, datetime):
        return local_iso(data)
    if isinstance(data, date):
        return data.isoformat()
    if isinstance(data, dict):
        return {k: localise(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [localise(v) for v in data]
    return data
