"""Schemas and fields every resource uses: local datetimes, pages, the error envelope."""
from datetime import datetime
from zoneinfo import ZoneInfo

import marshmallow as ma
import orjson
from flask import Response, current_app
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter


class Schema(ma.Schema):
    """Unknown fields are errors (API.md), in bodies and query strings alike."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])


# Dates the service can mean: outside them, arithmetic (time zones, "the next day") would overflow.
MIN_YEAR, MAX_YEAR = 1900, 2200


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ma.ValidationError(f"年份须在 {MIN_YEAR}-{MAX_YEAR} 之间")


class LocalDateTime(fields.DateTime):
    """ISO 8601 with offset in the site's zone on the way out; an offset is required on the way in."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(site_zone()).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        dt = super()._deserialize(value, attr, data, **kwargs)
        if dt.tzinfo is None:
            raise ma.ValidationError("时间须带时区偏移，例如 2026-12-01T09:00:00+08:00")
        _check_year(dt.year)
        return dt


class LocalDate(fields.Date):
    """A `YYYY-MM-DD` local date of the site."""

    def _deserialize(self, value, attr, data, **kwargs):
        d = super()._deserialize(value, attr, data, **kwargs)
        _check_year(d.year)
        return d


class BoundedInt(IntegerConverter):
    """`<int:id>` capped at the database's 32-bit integer: a larger id matches no route (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{"items": [...], "page", "page_size", "total"}` around `item_schema`."""
    return ma.Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema)),
        "page": fields.Integer(), "page_size": fields.Integer(), "total": fields.Integer(),
    }, name=name)


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)



def json_response(data, *, localised: bool = False) -> Response:
    """`data` as the body, written by orjson without a schema dump. Only for the hottest public reads
    (activity list, slots, menu): their services build exactly the documented fields, the route
    keeps `@blp.response` for the OpenAPI document, and tests compare each body with that schema's
    dump. Marshmallow's dump was a third of their time (bench/README.md).

    Datetimes are written as LocalDateTime writes them, in the site zone; `localised=True` when the
    service has already put them in the zone to show (rehab's views do), so they are written as they are.
    """
    if localised:
        body = orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE)  # the newline as Flask's jsonify writes it
    else:
        zone = site_zone()

        def default(value):
            if isinstance(value, datetime):
                return value.astimezone(zone).isoformat()
            raise TypeError(f"{type(value).__name__} is not JSON serialisable")

        # PASSTHROUGH: datetimes go through `default` (orjson would write them in their own zone).
        body = orjson.dumps(data, default=default,
                            option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_APPEND_NEWLINE)
    return Response(body, mimetype="application/json")
