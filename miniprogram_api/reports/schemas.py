"""Schemas of the reports and certificates (API.md "Reports and certificates"). The metric fields
come from the registry (backend/reports/metrics.py), so a new metric is documented by defining it."""
import marshmallow as ma
from marshmallow import fields, validate

from backend.reports.metrics import SHOWN
from backend.reports.overview import GROUPS

from ..common import Integer, LocalDate, LocalDateTime, Schema


class OverviewArgs(Schema):
    from_ = LocalDate(data_key="from", metadata={"description": "起始日期（含），默认本年 1 月 1 日"})
    to = LocalDate(metadata={"description": "截止日期（含），默认今天"})
    site_id = Integer(validate=validate.Range(min=1, max=2**31 - 1))
    community = fields.String(validate=validate.Length(min=1, max=100))
    group_by = fields.String(load_default="month", validate=validate.OneOf(GROUPS))


def _metric_field(m):
    desc = {"description": m.label}
    if m.unit == "ratio":
        return fields.Float(allow_none=True, metadata=desc)
    return fields.Integer(allow_none=True, metadata=desc)


Metrics = ma.Schema.from_dict({m.key: _metric_field(m) for m in SHOWN}, name="ReportMetrics")


class Period(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()


class ReportRow(Metrics):
    key = fields.Raw(metadata={"description": "站点 id（整数）、社区名、类别代码、等级（整数）或 YYYY-MM；无站点的一行为 null"})
    label = fields.String()
    year_to_date = fields.Nested(Metrics, metadata={"description": "仅按月分组：本年 1 月 1 日至该月末的累计"})

    class Meta:
        ordered = True


class OverviewOut(Schema):
    period = fields.Nested(Period)
    group_by = fields.String()
    rows = fields.List(fields.Nested(ReportRow))
    totals = fields.Nested(Metrics)


class CertificateArgs(Schema):
    from_ = LocalDate(data_key="from")
    to = LocalDate()


class CertificateOut(Schema):
    number = fields.String()
    volunteer_name_masked = fields.String()
    minutes = fields.Integer()
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    issued_at = LocalDateTime()
    issuer = fields.String()
