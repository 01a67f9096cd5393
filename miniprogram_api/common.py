"""Schemas and fields every resource uses: local datetimes, pages, the error envelope."""
import marshmallow as ma
import orjson
from flask import Response
from marshmallow import fields, validate
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter


class Schema(ma.Schema):
    """Unknown fields are errors (API.md), in bodies and query strings alike."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


# Dates the service can mean: outside them, arithmetic (time zones, "the next day") would overflow.
MIN_YEAR, MAX_YEAR = 1900, 2200


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ma.ValidationError(f"年份须在 {MIN_YEAR}-{MAX_YEAR} 之间")


class Integer(fields.Integer):
    """An integer, and only one: 1.5 is refused rather than cut to 1 (a quantity, a capacity, a sum
    of fen). Integral numbers (2, 2.0) and digit strings (query strings) are taken."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)


class LocalDateTime(fields.DateTime):
    """The one datetime field. Out: ISO 8601 with the offset the view gave it (views put every instant
    in the zone it belongs to, backend/localtime.py). In: an offset is required."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{attr}: a view handed over a naive datetime")
        return value.isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        dt = super()._deserialize(value, attr, data, **kwargs)
        if dt.tzinfo is None:
            raise ma.ValidationError("时间须带时区偏移（如 +08:00）")
        _check_year(dt.year)
        return dt


class LocalDate(fields.Date):
    """A `YYYY-MM-DD` local date of the site."""

    def _deserialize(self, value, attr, data, **kwargs):
        d = super()._deserialize(value, attr, data, **kwargs)
        _check_year(d.year)
        return d


class BoundedInt(IntegerConverter):
    """`<int:id>` capped at the database's 32-bit integer: a larger id is simply not found (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value: str):
        # Not "no rule matched": werkzeug would answer 405 when the same path has other methods.
        number = int(value)
        if number > self.max:
            raise NotFound()
        return super().to_python(value)


class PageArgs(Schema):
    page = Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    page_size = Integer(load_default=20, validate=validate.Range(min=1, max=100))


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



def json_response(data) -> Response:
    """`data` (a view) as the body, written by orjson without a schema dump. Only for the hottest public
    reads (activity list, slots, menu): the route keeps `@blp.response` for the OpenAPI document, and
    tests compare each body with that schema's dump. Marshmallow's dump was a third of their time
    (bench/README.md). Datetimes are written as LocalDateTime writes them: ISO 8601 in the zone the
    view put them in (orjson writes an aware datetime with its own offset, as isoformat() does).
    """
    return Response(orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE),  # the newline as jsonify writes it
                    mimetype="application/json")
