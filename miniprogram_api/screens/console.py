"""The staff console (`/console/`, docs/SCREENS.md "The staff console"): the station's desk PC.

Pages are rendered from the same read use cases the API's staff routes call, in the signed-in staff
member's scope (admins: every site, with a site picker); every write is made by the page's script
through the API itself (`/api/v1/staff/...`, the session cookie plus the CSRF token), so nothing is
possible here that the API would refuse, and its error messages are shown next to the fields.

- `GET /console/`                    today: the day's activities and appointments, check-in
- `GET /console/schedules`           the rehab services of a site; `/console/schedules/{id}` a weekly plan
- `GET /console/cases`               the device-case worklist; `/console/cases/{id}` one case
- `GET /console/loans`               live loans of the user's sites, due and overdue, with their units
- `GET /console/reports`             the reports overview with charts (managers, admins); .xlsx/.csv
"""
from datetime import date, timedelta

from pathlib import Path

from flask import Response, render_template, request, send_from_directory

from backend import localtime
from backend.activities import catalogue as activity_catalogue
from backend.activities import roster as activity_roster
from backend.db import utcnow
from backend.devices import cases as device_cases
from backend.devices import catalogue as device_catalogue
from backend.devices import followups as device_followups
from backend.devices import forms as device_forms
from backend.devices.fitting import followup_days
from backend.devices.handovers import SIGNER_NAMES, SIGNERS, handover_text
from backend.devices.transitions import STATUS_NAMES
from backend.errors import Forbidden, Invalid, NotFound
from backend.identity import staff_roles
from backend.loans import lending
from backend.reports import exports as report_exports
from backend.reports.metrics import SHOWN as REPORT_METRICS
from backend.reports.overview import GROUP_LABELS, overview as report_overview, scope_label
from backend.rehab import catalogue as rehab_catalogue
from backend.rehab import schedule as rehab_schedule
from backend.rehab import staff as rehab_staff
from backend.sites import list_sites, read_site

from .routes import _common, _session_user, bp, sign_in

NOT_STAFF = "这个微信账号不是站点工作人员，请用工作人员的微信扫码登录。"
SCREEN = "工作台"

NEEDS = {"wheelchair": "轮椅", "sign_language": "手语翻译", "guide_dog": "导盲犬", "easy_read": "易读材料",
         "large_print": "大字材料", "carer": "陪护人", "hearing_loop": "助听环路", "other": "其他需求"}
COMMUNICATION = {"text": "文字", "sign_language": "手语", "voice": "语音", "large_text": "大字", "easy_read": "易读"}
KINDS = {"home": "残疾人之家", "rehab": "康复站", "cafe": "手语咖啡", "device_center": "辅具服务中心"}
SIGNUP_STATUS = {"confirmed": "已报名", "waitlisted": "候补", "attended": "已出席", "no_show": "缺席",
                 "cancelled": "已取消"}
APPOINTMENT_STATUS = {"booked": "已预约", "checked_in": "已签到", "completed": "已完成", "no_show": "爽约",
                      "excused": "已免责", "cancelled": "已取消"}
# The moves a staff member may make from each appointment status (API.md: allowed transitions only).
APPOINTMENT_MOVES = {"booked": (("checked_in", "签到"), ("no_show", "爽约")), "checked_in": (("completed", "完成"),),
                     "no_show": (("excused", "免责"),)}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
FORM_DOMAINS = {"vision": "视力", "hearing": "听力", "upper_limb": "上肢", "lower_limb": "下肢",
                "mobility": "移动", "communication": "沟通", "daily_living": "生活自理"}
# Which assessment form fits a case's main class (ISO 9999): staff may still pick another.
CLASS_DOMAINS = {"04": "daily_living", "05": "communication", "06": "lower_limb", "09": "daily_living",
                 "12": "mobility", "15": "daily_living", "18": "daily_living", "22": "hearing",
                 "24": "upper_limb", "27": "daily_living", "28": "daily_living", "30": "daily_living"}
# A case's history, in words (backend/devices: the `action` of each change).
ACTIONS = {"submitted": "提交申请", "filed": "代办申请", "accepted": "受理", "assessed": "评估", "confirmed": "确认产品",
           "returned": "退回补正", "resubmitted": "重新提交", "rejected": "不通过", "withdrawn": "撤回",
           "reopened": "重新评估", "assessment_voided": "评估作废"}
FOLLOWUP_OUTCOMES = {"continue": "继续使用", "adjust": "需要调整", "repair": "需要维修", "reassess": "重新评估",
                     "close": "结案"}
OUTCOMES = (("suitable", "适合适配"), ("not_eligible", "不符合条件"), ("not_available", "暂无合适辅具"))
# What the console does not do yet: lending's writes (reserve, check out, return) stay in the mini-program.
GAPS = ("借出与归还登记",)
# Apache ECharts, vendored from npm (tools/browser/vendor-echarts.mjs; README there).
ECHARTS = Path(__file__).resolve().parent.parent / "static" / "echarts"
NOT_MANAGER = "统计报表仅限站点负责人和管理员查看。"
# The metrics the charts draw (counts of people served, by month and by disability category).
CHART_METRICS = ("attendances", "appointments_completed", "device_cases_delivered", "loans_started")


# ---------------------------------------------------------------- scope

def _sites(user) -> list[dict]:
    """The sites the user works at (admins: every site), by id. Not staff at all: 403."""
    if user.is_admin:
        return list_sites(None, 1, 100)["items"]
    roles = staff_roles(user)
    if not roles:
        raise Forbidden()
    return [read_site(site_id) for site_id in sorted(roles)]


def _pick(sites: list[dict], kinds: tuple[str, ...] | None = None) -> dict:
    """The site asked for (`?site_id=`), which must be one of the user's (else 404); by default the
    first of the user's sites of `kinds`."""
    raw = request.args.get("site_id")
    if raw is not None:
        site = next((s for s in sites if str(s["id"]) == raw), None)
        if site is None:
            raise NotFound()
        return site
    preferred = [s for s in sites if kinds is None or s["kind"] in kinds]
    return (preferred or sites)[0]


def _day(site: dict) -> date:
    raw = request.args.get("date")
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            day = None
        if day is not None and date(1900, 1, 1) <= day <= date(2200, 12, 31):
            return day
    return localtime.today(site["id"])


def _console(page: str, render):
    """Render `render(user)` for a signed-in staff member; anyone else gets the sign-in screen in
    place, and an object outside their scope a page that says it was not found (404)."""
    user = _session_user()
    if user is None:
        return sign_in(401, SCREEN)
    try:
        return render(user)
    except Forbidden:
        return sign_in(403, SCREEN, NOT_STAFF)
    except NotFound:
        return render_template("screens/console/not_found.html", **_frame(user, page, None)), 404


def _frame(user, page: str, site: dict | None, sites: list[dict] | None = None) -> dict:
    return {"user": user, "page": page, "site": site, "sites": sites or [], "kinds": KINDS, "gaps": GAPS,
            "needs_names": NEEDS, "communication_names": COMMUNICATION, **_common()}


# ---------------------------------------------------------------- today

@bp.get("/console/")
def console_today():
    def render(user):
        sites = _sites(user)
        site = _pick(sites, ("home", "rehab"))
        day = _day(site)
        activities = []
        if site["kind"] == "home":
            listed = activity_catalogue.staff_list(user, page=1, page_size=100, site_id=site["id"], from_=day, to=day)
            for activity in listed["items"]:
                if activity["status"] in ("published", "completed"):
                    activities.append(activity_roster.roster(user, activity["id"]))
        appointments = rehab_staff.day_roster(user, site["id"], day)["items"] if site["kind"] == "rehab" else None
        return render_template("screens/console/today.html", day=day, prev_day=day - timedelta(days=1),
                               next_day=day + timedelta(days=1), activities=activities, appointments=appointments,
                               signup_status=SIGNUP_STATUS, appointment_status=APPOINTMENT_STATUS,
                               appointment_moves=APPOINTMENT_MOVES, **_frame(user, "today", site, sites))
    return _console("today", render)


# ---------------------------------------------------------------- schedules

@bp.get("/console/schedules")
def console_services():
    def render(user):
        sites = _sites(user)
        site = _pick(sites, ("rehab",))
        services = rehab_catalogue.list_services(site["id"], 1, 100)["items"] if site["kind"] == "rehab" else []
        return render_template("screens/console/services.html", services=services,
                               **_frame(user, "schedules", site, sites))
    return _console("schedules", render)


@bp.get("/console/schedules/<int:service_id>")
def console_schedule(service_id):
    def render(user):
        sites = _sites(user)
        plan = rehab_schedule.get_schedule(user, service_id)  # 404 outside the user's sites
        service = rehab_catalogue.get_service(service_id, public=False)
        site = next(s for s in sites if s["id"] == service.site_id)
        therapists = rehab_catalogue.list_therapists(user, site["id"])
        manager = user.is_admin or staff_roles(user).get(site["id"]) == "manager"
        return render_template("screens/console/schedule.html", plan=plan, therapists=therapists,
                               service={"id": service.id, "name": service.name, "duration_min": service.duration_min,
                                        "buffer_min": service.buffer_min},
                               manager=manager, weekdays=WEEKDAYS, today=_day(site),
                               **_frame(user, "schedules", site, sites))
    return _console("schedules", render)


# ---------------------------------------------------------------- device cases

@bp.get("/console/cases")
def console_cases():
    def render(user):
        sites = _sites(user)
        everyone = request.args.get("view") == "all"
        site = _pick(sites) if request.args.get("site_id") else None
        listed = device_cases.worklist(user, site_id=site["id"] if site else None, status=None,
                                       waiting_on_me=not everyone, page=1, page_size=100)
        names = {s["id"]: s["name"] for s in sites}
        return render_template("screens/console/cases.html", cases=listed["items"], total=listed["total"],
                               everyone=everyone, site_names=names, **_frame(user, "cases", site, sites))
    return _console("cases", render)


@bp.get("/console/cases/<int:case_id>")
def console_case(case_id):
    def render(user):
        sites = _sites(user)
        case = device_cases.read(user, case_id)  # 404 outside the user's sites (an audited read)
        site = next((s for s in sites if s["id"] == case["site_id"]), None)
        if site is None:
            raise NotFound()
        forms = device_forms.current_forms(user, None)["items"] if case["status"] == "assessment_pending" else []
        products = device_catalogue.list_products(class_code=case["class_code"][:2], q=None, loanable=None,
                                                  page=1, page_size=100)["items"] if forms else []
        step = case["waiting_on"]
        for event in case["history"]:
            action = event["action"] or ""
            event["action_name"] = ("审批通过" if action.startswith("approved:") else ACTIONS.get(action, action))
            event["status_name"] = STATUS_NAMES.get(event["status"], event["status"])
        now = localtime.at(utcnow(), site["id"])
        product = (case["chosen"] or {}).get("product") or {}
        serials = (case["supply"] or {}).get("serial_nos") or []
        pending = next((f for f in case["followups"] if f["status"] == "pending"), None)
        return render_template("screens/console/case.html", case=case, forms=forms, products=products,
                               staff_here=user.is_admin or site["id"] in staff_roles(user),
                               offset=now.isoformat()[-6:], now_local=now.strftime("%Y-%m-%dT%H:%M"),
                               signers=[(k, SIGNER_NAMES[k]) for k in SIGNERS], pending_followup=pending,
                               followup_outcomes=FOLLOWUP_OUTCOMES,
                               handover_text=handover_text("delivery", site=site["name"], product=product.get("name"),
                                                           model=product.get("model"),
                                                           serial_no=serials[0] if serials else None,
                                                           followups="、".join(f"{d} 天" for d in followup_days())),
                               form_domains=FORM_DOMAINS, default_domain=CLASS_DOMAINS.get(case["class_code"][:2]),
                               outcomes=OUTCOMES, may_act=bool(step) and _may_take(user, site["id"], step["by"]),
                               **_frame(user, "cases", site, sites))
    return _console("cases", render)


@bp.get("/console/followups")
def console_followups():
    def render(user):
        sites = _sites(user)
        status = request.args.get("status") if request.args.get("status") in ("due", "overdue") else None
        site = _pick(sites) if request.args.get("site_id") else None
        listed = device_followups.listing(user, site_id=site["id"] if site else None, status=status, page=1,
                                          page_size=100)
        names = {s["id"]: s["name"] for s in sites}
        return render_template("screens/console/followups.html", followups=listed["items"], total=listed["total"],
                               status=status, site_names=names, **_frame(user, "followups", site, sites))
    return _console("followups", render)


# ---------------------------------------------------------------- loans

@bp.get("/console/loans")
def console_loans():
    def render(user):
        sites = _sites(user)
        overdue_only = request.args.get("status") == "overdue"
        site = _pick(sites) if request.args.get("site_id") else None
        listed = lending.site_loans(user, site["id"] if site else None, "overdue" if overdue_only else "on_loan",
                                    1, 100)
        names = {s["id"]: s["name"] for s in sites}
        return render_template("screens/console/loans.html", loans=listed["items"], total=listed["total"],
                               overdue_only=overdue_only, site_names=names, **_frame(user, "loans", site, sites))
    return _console("loans", render)


# ---------------------------------------------------------------- reports

def _report_args() -> dict:
    """The form's period and grouping; a date that does not parse is left out (the default applies)."""
    def parsed(name):
        raw = request.args.get(name) or ""
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            return None
    group_by = request.args.get("group_by") if request.args.get("group_by") in GROUP_LABELS else "month"
    return {"first": parsed("from"), "last": parsed("to"), "group_by": group_by}


def _report_site(sites: list[dict]) -> dict | None:
    return _pick(sites) if request.args.get("site_id") else None


@bp.get("/console/reports")
def console_reports():
    def render(user):
        sites = _sites(user)
        site = _report_site(sites)
        args = _report_args()
        frame = _frame(user, "reports", site, sites)
        site_id = site["id"] if site else None
        try:
            report = report_overview(user, site_id=site_id, **args)
        except Forbidden:
            return render_template("screens/console/reports.html", forbidden=NOT_MANAGER, **frame), 403
        except Invalid as error:
            return render_template("screens/console/reports.html", errors=error.fields or {}, args=args,
                                   group_labels=GROUP_LABELS, **frame), 422
        first, last = report["period"]["from"], report["period"]["to"]
        trend = report if args["group_by"] == "month" else report_overview(user, site_id=site_id, first=first,
                                                                           last=last, group_by="month")
        by_category = report if args["group_by"] == "category" else report_overview(
            user, site_id=site_id, first=first, last=last, group_by="category")
        labels = {m.key: m.label for m in REPORT_METRICS}
        charts = {"metrics": [{"key": k, "label": labels[k]} for k in CHART_METRICS],
                  "trend": {"labels": [r["label"] for r in trend["rows"]],
                            "series": {k: [r[k] for r in trend["rows"]] for k in CHART_METRICS}},
                  "category": {"labels": [r["label"] for r in by_category["rows"]],
                               "series": {k: [r[k] for r in by_category["rows"]] for k in CHART_METRICS}}}
        query = f"from={first.isoformat()}&to={last.isoformat()}&group_by={report['group_by']}" + (
            f"&site_id={site_id}" if site_id else "")
        return render_template("screens/console/reports.html", report=report, metrics=REPORT_METRICS,
                               group_labels=GROUP_LABELS, charts=charts, query=query,
                               scope=scope_label(user, site_id, None), **frame)
    return _console("reports", render)


def _report_download(kind: str):
    def render(user):
        sites = _sites(user)
        site = _report_site(sites)
        site_id = site["id"] if site else None
        try:
            report = report_overview(user, site_id=site_id, **_report_args())
        except Invalid:
            raise NotFound()
        label = scope_label(user, site_id, None)
        if kind == "xlsx":
            body, mimetype = report_exports.xlsx(report, label), \
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body, mimetype = report_exports.csv_bytes(report, label), "text/csv; charset=utf-8"
        resp = Response(body, mimetype=mimetype.split(";")[0])
        if mimetype.startswith("text/"):
            resp.headers["Content-Type"] = mimetype
        resp.headers["Content-Disposition"] = report_exports.content_disposition(report_exports.file_name(report, kind))
        resp.headers["Cache-Control"] = "private, no-store"
        return resp
    return render


@bp.get("/console/reports.xlsx")
def console_reports_xlsx():
    def render(user):
        try:
            return _report_download("xlsx")(user)
        except Forbidden:
            return render_template("screens/console/reports.html", forbidden=NOT_MANAGER,
                                   **_frame(user, "reports", None, _sites(user))), 403
    return _console("reports", render)


@bp.get("/console/reports.csv")
def console_reports_csv():
    def render(user):
        try:
            return _report_download("csv")(user)
        except Forbidden:
            return render_template("screens/console/reports.html", forbidden=NOT_MANAGER,
                                   **_frame(user, "reports", None, _sites(user))), 403
    return _console("reports", render)


@bp.get("/screens/vendor/echarts/<path:filename>")
def echarts_asset(filename):
    """The vendored Apache ECharts bundle (no CDN: the page's CSP allows only the app's own scripts)."""
    return send_from_directory(ECHARTS, filename, max_age=86400)


def _may_take(user, site_id: int, by: str) -> bool:
    """Whether to offer the form of a step (`by`: staff | manager | admin); the API decides."""
    if user.is_admin:
        return True
    role = staff_roles(user).get(site_id)
    return (by == "staff" and role in ("staff", "manager")) or (by == "manager" and role == "manager")


@bp.app_template_filter("money")
def money(fen) -> str:
    return "—" if fen is None else f"¥{fen / 100:,.2f}"


@bp.app_template_filter("hm")
def hours_minutes(instant) -> str:
    return instant.strftime("%H:%M") if instant else ""


@bp.app_template_filter("stamp")
def stamp(instant) -> str:
    return instant.strftime("%Y-%m-%d %H:%M") if instant else ""


@bp.app_template_filter("report_value")
def report_value(value, unit: str = "") -> str:
    """A report's number as the page shows it (the exact value is in the cell's `data-value`)."""
    if value is None:
        return "—"
    if unit == "fen":
        return money(value)
    if unit == "ratio":
        return f"{value:.4g}"
    return f"{value:,}"
