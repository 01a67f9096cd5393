"""Reports for managers and admins (JSON, .xlsx, .csv), volunteer certificates (PDF) and their
public check (API.md "Reports and certificates")."""
from flask import Response

from backend.reports import certificates, exports
from backend.reports.overview import overview, scope_label

from ..auth import current_user
from ..blueprint import Blueprint
from . import schemas as s

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="统计报表（JSON、Excel、CSV）与志愿服务证明")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"


def _file_doc(content_type: str, what: str) -> dict:
    return {"responses": {"200": {"description": what, "headers": {"Content-Disposition": {
        "description": "attachment; filename*=UTF-8''…（中文文件名）", "schema": {"type": "string"}}},
        "content": {content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}}}}}


def _report(args):
    user = current_user()
    return user, overview(user, first=args.get("from_"), last=args.get("to"), site_id=args.get("site_id"),
                          community=args.get("community"), group_by=args["group_by"])


def _download(body: bytes, mimetype: str, name: str) -> Response:
    resp = Response(body, mimetype=mimetype.split(";")[0])
    if mimetype.startswith("text/"):
        resp.headers["Content-Type"] = mimetype
    resp.headers["Content-Disposition"] = exports.content_disposition(name)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@blp.get("/reports/overview")
@blp.login_required
@blp.arguments(s.OverviewArgs, location="query")
@blp.response(200, s.OverviewOut)
def report_overview(args):
    """统计报表（按月、站点、社区、残疾类别或等级；按月时附本年累计）"""
    return _report(args)[1]


@blp.get("/reports/overview.xlsx")
@blp.login_required
@blp.arguments(s.OverviewArgs, location="query")
@blp.doc(**_file_doc(XLSX, "Excel 文件：每个业务一张工作表"))
def report_overview_xlsx(args):
    """统计报表下载（Excel）"""
    user, report = _report(args)
    label = scope_label(user, args.get("site_id"), args.get("community"))
    return _download(exports.xlsx(report, label), XLSX, exports.file_name(report, "xlsx"))


@blp.get("/reports/overview.csv")
@blp.login_required
@blp.arguments(s.OverviewArgs, location="query")
@blp.doc(**_file_doc(CSV, "CSV 文件（UTF-8，带 BOM）"))
def report_overview_csv(args):
    """统计报表下载（CSV）"""
    user, report = _report(args)
    label = scope_label(user, args.get("site_id"), args.get("community"))
    return _download(exports.csv_bytes(report, label), CSV, exports.file_name(report, "csv"))


@blp.get("/me/volunteer-certificate.pdf")
@blp.login_required
@blp.arguments(s.CertificateArgs, location="query")
@blp.doc(**_file_doc(PDF, "志愿服务证明（PDF）"))
def volunteer_certificate(args):
    """下载志愿服务证明（PDF）"""
    number, pdf = certificates.certificate_pdf(current_user(), args.get("from_"), args.get("to"))
    return _download(pdf, PDF, f"志愿服务证明_{number}.pdf")


@blp.get("/certificates/<number>")
@blp.response(200, s.CertificateOut)
def check_certificate(number):
    """查验志愿服务证明（仅显示打码姓名）"""
    return certificates.check(number)
