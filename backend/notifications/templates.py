"""Subscribe-message templates from `WECHAT_SUBSCRIBE_TEMPLATES`, and WeChat's value rules.

The config maps kind -> {"template_id", "title", "fields": {template key: data key}}.
A bare template id string is accepted too (the kind's declared title and field map, see
`Domain.notifications`).
A template key names WeChat's value type (`thing1` is a thing, `time2` a time), and
each type has its own limits; `render()` cuts and formats our values to fit them.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from .. import domains, localtime

# WeChat's documented maximum length per value type.
MAX_LENGTH = {
    "thing": 20, "number": 32, "letter": 32, "symbol": 5, "character_string": 32,
    "phone_number": 17, "car_number": 8, "name": 10, "phrase": 5, "amount": 16,
}
# A value WeChat accepts for a field whose data is missing (an empty value is rejected).
MISSING = {"number": "0", "letter": "NA", "symbol": "-", "character_string": "-", "amount": "0元"}


@dataclass(frozen=True)
class Template:
    kind: str
    template_id: str
    title: str
    fields: dict[str, str]


def configured() -> dict[str, Template]:
    """kind -> Template, in the order the domains declare the kinds; kinds with no template id are absent."""
    raw = current_app.config.get("WECHAT_SUBSCRIBE_TEMPLATES") or {}
    out: dict[str, Template] = {}
    for kind, spec in domains.notification_kinds().items():
        entry = raw.get(kind)
        if isinstance(entry, str):
            entry = {"template_id": entry}
        if not isinstance(entry, dict) or not entry.get("template_id"):
            continue
        out[kind] = Template(kind, str(entry["template_id"]), str(entry.get("title") or spec.title),
                             dict(entry.get("fields") or spec.fields))
    return out


def for_kind(kind: str) -> Template | None:
    return configured().get(kind)


def by_template_id() -> dict[str, Template]:
    return {t.template_id: t for t in configured().values()}


def value_type(key: str) -> str:
    return key.rstrip("0123456789")


def render(template: Template, title: str, body: str, data: dict) -> dict[str, str]:
    """The template's data: each field from our `data` (or `$title`/`$body`), fitted to its type."""
    zone = localtime.federation_zone()
    out = {}
    for key, source in template.fields.items():
        value = {"$title": title, "$body": body}.get(source, data.get(source))
        out[key] = fit(value_type(key), value, zone)
    return out


def fit(kind: str, value, zone: ZoneInfo) -> str:
    """One value as WeChat accepts it for `kind`: one line, within the length limit, never empty."""
    if kind in ("time", "date"):
        return _when(kind, value, zone)
    if kind == "amount" and isinstance(value, int) and not isinstance(value, bool):
        value = f"{value / 100:.2f}元"  # integers are fen, as everywhere in the API
    text = " ".join(str(value if value is not None else "").split())  # newlines and runs of spaces
    if not text:
        return MISSING.get(kind, "无")
    limit = MAX_LENGTH.get(kind)
    if limit and len(text) > limit:
        # A visible cut for prose; codes and numbers are cut plainly.
        text = text[:limit - 1] + "…" if kind == "thing" else text[:limit]
    return text


def _when(kind: str, value, zone: ZoneInfo) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
        except ValueError:
            return value[:64] or "-"
    if isinstance(value, datetime):
        # Domains pass times already in the zone of their site (localtime.iso): shown as written.
        # A UTC or naive instant belongs to no site: shown in `zone`, the federation's.
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
        elif value.utcoffset() == timedelta(0):
            value = value.astimezone(zone)
        return value.strftime("%Y年%m月%d日" if kind == "date" else "%Y年%m月%d日 %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y年%m月%d日")
    return "-"
