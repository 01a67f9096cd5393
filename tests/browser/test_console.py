"""The staff console in a real browser (Debian's chromium via Playwright) against the app under
gunicorn, on a migrated and seeded scratch database, with the WeChat fake:

- a home's staff member signs in by scanning, sees today's roster with a resident's needs (icons and
  words), checks the person in by typing their code as a USB scanner does (the code, then Enter);
- a rehab station's manager changes a weekly plan in the week grid and sees the conflict the API
  reports before anything is saved, then saves it;
- a device case worked from submitted to approved: accepted and assessed by the centre's staff (the
  API's message for a missing answer shown next to that question), reviewed by them, approved by an
  admin on their own console;
- staff of one site never see another site's people, on every console page;
- the device centre's manager sees its live loans with their units, and the reports page whose
  ECharts canvases draw and whose numbers equal the JSON report's;
- axe-core: no serious or critical violation on every console page.
"""
import json
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from ..servers import base_env, flask_cli, free_port
from ..tooling import node_package
from .conftest import describe_violations
from .test_screens import Deployment, Mini, scratch_database, sign_in_by_scanning

DESK = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def console(database_url, fake_url, keys, tmp_path_factory):
    port = free_port()
    with scratch_database(tmp_path_factory.mktemp("console")) as url:
        env = base_env(url, fake_url, **{k: v for k, v in keys.items() if k.startswith("WECHATPAY_")},
                       RATELIMIT_LOGIN_IP="1000 per minute", RATELIMIT_WEB_SESSION_IP="1000 per minute",
                       RATELIMIT_CREATE_USER="1000 per minute")
        flask_cli(env, "db", "upgrade")
        assert "demo data created" in flask_cli(env, "seed-demo").stdout
        deployment = Deployment(env, port)
        deployment.start()
        try:
            sites = requests.get(f"{deployment.url}/api/v1/sites", timeout=10).json()["items"]
            deployment.sites = {s["kind"]: s for s in sites}
            yield deployment
        finally:
            deployment.stop()


def iso(instant: datetime) -> str:
    return instant.astimezone(timezone(timedelta(hours=8))).replace(microsecond=0).isoformat()


def console_url(d, path: str = "/console/") -> str:
    return d.url + path


def register(mini: Mini, name: str, needs: list[str]) -> dict:
    return mini("POST", "/me/residents", {"name": name, "relation": "parent", "disability_category": "physical",
                                         "disability_level": 2, "needs": needs, "consent": {"sensitive_info": True}},
                expect=201)


def todays_activity(d, staff: Mini, family: Mini, resident: dict) -> tuple[dict, dict]:
    """An activity of the home starting within the hour, the resident signed up (with one companion)."""
    now = datetime.now(timezone.utc)
    activity = staff("POST", "/staff/activities", {
        "site_id": d.sites["home"]["id"], "title": f"书法课-{uuid.uuid4().hex[:4]}", "category": "culture",
        "starts_at": iso(now + timedelta(minutes=30)), "ends_at": iso(now + timedelta(hours=2)), "capacity": 10},
        expect=201)
    staff("POST", f"/staff/activities/{activity['id']}/publish")
    signup = family("POST", f"/activities/{activity['id']}/signups", {"resident_id": resident["id"], "companions": 1},
                    expect=201)
    return activity, signup


def text_of(page) -> str:
    return page.locator("body").inner_text()


def no_violations(axe, where: str) -> None:
    violations = axe()
    assert violations == [], f"{where}:\n{describe_violations(violations)}"


def test_check_in_a_person_by_code_on_todays_roster(console, page, axe, screenshot, page_errors, external_requests):
    d = console
    staff, family = Mini(d.url, "home-staff"), Mini(d.url, f"family-{uuid.uuid4().hex[:6]}")
    resident = register(family, "钱奶奶", ["wheelchair", "sign_language", "hearing_loop"])
    activity, signup = todays_activity(d, staff, family, resident)
    page.set_viewport_size(DESK)
    sign_in_by_scanning(page, console_url(d), staff, "screen-console")
    day = datetime.now(timezone(timedelta(hours=8))).date()
    starts = datetime.fromisoformat(activity["starts_at"]).date()
    if starts != day:  # around midnight the activity is tomorrow's
        page.goto(console_url(d, f"/console/?date={starts.isoformat()}"))
    row = page.locator(f'tr[data-signup-id="{signup["id"]}"]')
    row.wait_for()
    text = row.inner_text()
    for words in ("钱奶奶", "轮椅", "手语翻译", "助听环路", "已报名"):
        assert words in text, words
    assert row.locator("svg.icon").count() == 3  # each need an icon, beside its words
    no_violations(axe, "today (home)")
    screenshot("console-today")

    code = family("GET", f"/signups/{signup['id']}/checkin-code")["code"]
    field = page.locator("#checkin-code")
    assert page.evaluate("() => document.activeElement.id") == "checkin-code"  # ready for the scanner
    field.press_sequentially("not-a-code")
    field.press("Enter")
    page.wait_for_selector('[data-error-for="code"]:not([hidden])')
    assert "签到码无效" in page.locator('[data-error-for="code"]').inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    field.fill("")
    field.press_sequentially(code, delay=2)  # a USB scanner types the code, then Enter
    field.press("Enter")
    page.wait_for_selector("#checkin-result:has-text('已签到')")
    assert "钱奶奶" in page.locator("#checkin-result").inner_text()
    assert row.locator(".status").inner_text() == "已出席"
    assert field.input_value() == "" and page.evaluate("() => document.activeElement.id") == "checkin-code"
    roster = staff("GET", f"/staff/activities/{activity['id']}/roster")
    assert roster["participants"][0]["status"] == "attended"
    screenshot("console-checked-in")
    assert page_errors == [] and external_requests == []


def test_a_weekly_plan_change_shows_its_conflict_before_saving(console, page, axe, screenshot, page_errors):
    d = console
    manager, family = Mini(d.url, "rehab-staff"), Mini(d.url, f"family-{uuid.uuid4().hex[:6]}")
    resident = register(family, "孙爷爷", ["carer"])
    services = requests.get(f"{d.url}/api/v1/rehab/services?site_id={d.sites['rehab']['id']}", timeout=10).json()["items"]
    pt = next(s for s in services if s["kind"] == "physio")
    slots = requests.get(f"{d.url}/api/v1/rehab/services/{pt['id']}/slots", timeout=10).json()
    booked = family("POST", "/appointments", {"slot_id": slots[0]["id"], "resident_id": resident["id"], "note": ""},
                    expect=201)
    before = manager("GET", f"/staff/rehab/services/{pt['id']}/schedule")

    page.set_viewport_size(DESK)
    sign_in_by_scanning(page, console_url(d, "/console/schedules"), manager, "screen-console")
    no_violations(axe, "schedules")
    page.click(f'a[href="/console/schedules/{pt["id"]}"]')
    page.wait_for_selector("#week tbody tr")
    assert "李康复师" in page.locator('#week td[data-weekday="1"][data-hour="9"]').inner_text()
    no_violations(axe, "schedule")
    screenshot("console-schedule")

    # The whole plan becomes one early-morning hour on Mondays: the booked slot is no longer in it.
    while page.locator("#entries button.remove").count():
        page.locator("#entries button.remove").first.click()
    page.click("#add-entry")
    row = page.locator("#entries tr").first
    row.locator(".e-weekday").select_option("1")
    row.locator(".e-start").fill("06:00")
    row.locator(".e-end").fill("07:00")
    assert "李康复师" in page.locator('#week td[data-weekday="1"][data-hour="6"]').inner_text()
    assert page.locator('#week td[data-weekday="1"][data-hour="9"]').inner_text() == ""
    page.click("#save")
    page.wait_for_selector("#conflicts:not([hidden]) li.conflict")
    conflicts = page.locator("#conflicts li.conflict")
    assert conflicts.count() >= 1
    assert "已有预约" in conflicts.first.inner_text() and "已预约 1 人" in page.locator("#conflicts").inner_text()
    assert page.locator("#save").inner_text() == "仍然保存"
    assert "尚未保存" in page.locator("#schedule-result").inner_text()
    assert manager("GET", f"/staff/rehab/services/{pt['id']}/schedule")["weekly"] == before["weekly"]  # nothing saved
    no_violations(axe, "schedule with conflicts")
    screenshot("console-schedule-conflicts")

    page.click("#save")  # seen: save that plan
    page.wait_for_selector("#schedule-result:has-text('已保存')")
    saved = manager("GET", f"/staff/rehab/services/{pt['id']}/schedule")
    assert saved["weekly"] == [{"weekday": 1, "start": "06:00", "end": "07:00", "therapist_id": before["weekly"][0]["therapist_id"],
                                "capacity": 1}]
    assert family("GET", f"/appointments/{booked['id']}")["status"] == "booked"  # booked slots are never deleted

    # A closure, with the API's message next to the field for a past date.
    page.fill("#closure-date", "2020-01-06")
    page.fill("#closure-reason", "设备检修")
    page.click("#closure-form button[type=submit]")
    page.wait_for_selector('[data-error-for="date"]:not([hidden])')
    assert page.locator('[data-error-for="date"]').inner_text()
    assert page_errors == []


def fill_required_questions(page) -> None:
    """Answer every required question of the visible assessment form, as an assessor would."""
    for question in page.locator("fieldset.questions:not([hidden]) .question").all():
        if "（必填）" not in question.inner_text():
            continue
        kind = question.get_attribute("data-type")
        if kind in ("single", "bool", "multi"):
            question.locator("input").first.check()
        elif kind == "number":
            field = question.locator("input")
            field.fill(field.get_attribute("min") or "1")
        else:
            question.locator("textarea").fill("见记录")


def test_a_device_case_from_submitted_to_approved(console, page, browser, axe, screenshot, page_errors):
    d = console
    staff, family = Mini(d.url, "device-staff"), Mini(d.url, f"family-{uuid.uuid4().hex[:6]}")
    resident = register(family, "周叔叔", ["wheelchair"])
    case = family("POST", "/me/device-cases", {"resident_id": resident["id"], "site_id": d.sites["device_center"]["id"],
                                               "class_code": "12", "need": "下肢无力，出门需要轮椅",
                                               "subsidy_groups": ["severe"]}, expect=201)
    page.set_viewport_size(DESK)
    sign_in_by_scanning(page, console_url(d, "/console/cases"), staff, "screen-console")
    link = page.locator(f'a[href="/console/cases/{case["id"]}"]')
    assert "周叔叔" in page.locator(f'tr[data-case-id="{case["id"]}"]').inner_text()
    no_violations(axe, "worklist")
    link.click()
    page.wait_for_selector("#accept-form")
    no_violations(axe, "case: submitted")
    page.fill("#accept-note", "材料齐全")
    page.click("#accept-form button[type=submit]")
    page.wait_for_selector("#assessment-form")
    assert "材料齐全" in page.locator(".history").first.inner_text()
    selected = page.locator("#form-domain option:checked").inner_text()
    assert selected.startswith("移动") and "版" in selected  # the case's class (12) → the mobility form
    no_violations(axe, "case: assessment")
    screenshot("console-assessment", full_page=True)

    # Submitted with nothing answered: the API's messages, each next to its question.
    page.click("#assessment-form button[type=submit]")
    page.wait_for_selector("#assessment-form .form-error:not([hidden])")
    first_required = page.locator("fieldset.questions:not([hidden]) .question:has(.required)").first
    key = first_required.get_attribute("data-key")
    assert first_required.locator(f'[data-error-for="answers.{key}"]').inner_text() != ""
    assert page.locator('[data-error-for="recommendations"]').inner_text() != ""
    no_violations(axe, "case: assessment with errors")
    fill_required_questions(page)
    page.fill("#findings", "下肢肌力减弱，建议手动轮椅")
    page.locator("#products input.product").first.check()
    page.click("#assessment-form button[type=submit]")
    page.wait_for_selector('#case-status[data-status="assessed"]')
    assert "等待申请人" in page.locator(".next-action").inner_text()

    # The family confirms the product in the mini-program; the staff's review, then the admin's approval.
    product_id = family("GET", f"/device-cases/{case['id']}")["recommendations"][0]["products"][0]["product"]["id"]
    family("POST", f"/device-cases/{case['id']}/confirm", {"product_id": product_id, "opinion": "就要这款"})
    page.reload()
    page.wait_for_selector("#approval-form")
    no_violations(axe, "case: approval")
    page.check('#approval-form input[value="returned"]')
    page.click("#approval-form button[type=submit]")  # returning needs an opinion: said next to the field
    page.wait_for_selector('[data-error-for="opinion"]:not([hidden])')
    assert "意见" in page.locator('[data-error-for="opinion"]').inner_text()
    page.check('#approval-form input[value="approved"]')
    page.fill("#opinion", "材料齐全，同意")
    page.click("#approval-form button[type=submit]")
    page.wait_for_selector("text=当前步骤「审批」不由您处理")

    admin_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESK)
    try:
        admin_page = admin_context.new_page()
        admin = Mini(d.url, "admin")
        sign_in_by_scanning(admin_page, console_url(d, "/console/cases"), admin, "screen-console")
        assert admin_page.locator("#site-picker").count() == 1  # every site, with a picker
        admin_page.click(f'a[href="/console/cases/{case["id"]}"]')
        admin_page.wait_for_selector("#approval-form")
        admin_page.fill("#opinion", "同意补贴")
        admin_page.click("#approval-form button[type=submit]")
        admin_page.wait_for_selector('#case-status[data-status="supplying"]')
        history = admin_page.locator("#approvals").inner_text()
        assert "初审：通过" in history and "审批：通过" in history
    finally:
        admin_context.close()
    assert family("GET", f"/device-cases/{case['id']}")["status"] == "supplying"
    assert page_errors == []


def test_staff_of_one_site_never_see_another_sites_people(console, page, axe, page_errors):
    d = console
    home_staff, device_staff = Mini(d.url, "home-staff"), Mini(d.url, "device-staff")
    family = Mini(d.url, f"family-{uuid.uuid4().hex[:6]}")
    east = register(family, "吴东区", ["guide_dog"])
    west = register(family, "郑西区", ["easy_read"])
    todays_activity(d, home_staff, family, east)
    west_case = family("POST", "/me/device-cases", {"resident_id": west["id"], "site_id": d.sites["device_center"]["id"],
                                                    "class_code": "22", "need": "听不清", "subsidy_groups": ["general"]},
                       expect=201)
    page.set_viewport_size(DESK)
    sign_in_by_scanning(page, console_url(d), home_staff, "screen-console")
    for path in ("/console/", "/console/?date=" + (datetime.now(timezone(timedelta(hours=8))) + timedelta(days=1)).date().isoformat(),
                 "/console/schedules", "/console/cases", "/console/cases?view=all", "/console/followups",
                 "/console/loans", "/console/reports", f"/console/cases/{west_case['id']}"):
        response = page.goto(console_url(d, path))
        assert response.status in (200, 404), path
        text = text_of(page)
        assert "郑西区" not in text and "郑西区" not in page.content(), path
        no_violations(axe, path)
    assert page.goto(console_url(d, f"/console/cases/{west_case['id']}")).status == 404
    assert "没有找到" in text_of(page)

    page.context.clear_cookies()
    sign_in_by_scanning(page, console_url(d, "/console/cases?view=all"), device_staff, "screen-console")
    assert "郑西区" in text_of(page)
    for path in ("/console/", "/console/schedules", "/console/cases", "/console/cases?view=all",
                 "/console/followups?status=overdue", "/console/loans", "/console/reports?group_by=category",
                 f"/console/?site_id={d.sites['home']['id']}"):
        page.goto(console_url(d, path))
        assert "吴东区" not in page.content(), path
        no_violations(axe, path)
    assert page_errors == []


def approved_case(d, family: Mini, resident: dict) -> dict:
    """A wheelchair case taken through the mini-program's API up to `supplying` (the console's part
    of these steps is tested above)."""
    staff, admin = Mini(d.url, "device-staff"), Mini(d.url, "admin")
    case = family("POST", "/me/device-cases", {"resident_id": resident["id"], "site_id": d.sites["device_center"]["id"],
                                               "class_code": "12", "need": "出门需要轮椅", "subsidy_groups": ["severe"]},
                  expect=201)
    staff("POST", f"/staff/device-cases/{case['id']}/accept", {"note": ""})
    form = staff("GET", "/staff/device-assessment-forms?domain=mobility")["items"][0]
    answers = {q["key"]: {"single": lambda q=q: q["choices"][0], "multi": lambda q=q: q["choices"][:1],
                          "bool": lambda q=q: True, "number": lambda q=q: q.get("min", 0),
                          "text": lambda q=q: "见记录"}[q["type"]]() for q in form["questions"] if q["required"]}
    products = requests.get(f"{d.url}/api/v1/devices/products?class_code=12", timeout=10).json()["items"]
    product = next(p for p in products if p["training_sessions"] >= 1)
    staff("POST", f"/staff/device-cases/{case['id']}/assessments",
          {"form_id": form["id"], "answers": answers, "outcome": "suitable",
           "recommendations": [{"class_code": "12", "product_ids": [product["id"]], "main": True}]}, expect=201)
    family("POST", f"/device-cases/{case['id']}/confirm", {"product_id": product["id"]})
    staff("POST", f"/staff/device-cases/{case['id']}/approvals", {"step": "review", "result": "approved"})
    admin("POST", f"/staff/device-cases/{case['id']}/approvals", {"step": "approve", "result": "approved"})
    return case


def drawn_pixels(page, selector: str) -> int:
    return page.evaluate("""(selector) => {
        const c = document.querySelector(selector);
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) n += 1; }
        return n;
    }""", selector)


def sign(page, selector: str) -> None:
    """Draw a signature with the pointer, in three strokes, as a finger would."""
    box = page.locator(selector).bounding_box()
    for stroke in ((0.1, 0.6, 0.3, 0.3), (0.3, 0.3, 0.5, 0.7), (0.55, 0.5, 0.9, 0.45)):
        x0, y0, x1, y1 = stroke
        page.mouse.move(box["x"] + box["width"] * x0, box["y"] + box["height"] * y0)
        page.mouse.down()
        for step in range(1, 13):
            t = step / 12
            page.mouse.move(box["x"] + box["width"] * (x0 + (x1 - x0) * t),
                            box["y"] + box["height"] * (y0 + (y1 - y0) * t + 0.1 * (t - t * t)))
        page.mouse.up()


def test_delivery_signed_on_the_canvas_then_training(console, page, axe, screenshot, page_errors):
    import base64
    import io

    from PIL import Image

    d = console
    staff, family = Mini(d.url, "device-staff"), Mini(d.url, f"family-{uuid.uuid4().hex[:6]}")
    resident = register(family, "冯阿姨", ["wheelchair"])
    case = approved_case(d, family, resident)
    page.set_viewport_size(DESK)
    sign_in_by_scanning(page, console_url(d, f"/console/cases/{case['id']}"), staff, "screen-console")
    page.wait_for_selector("#received-form")
    no_violations(axe, "case: supplying")
    page.check('#received-form input[name="from_stock"]')
    page.fill("#received-serial", "SN-20261202-01")
    page.click("#received-form button[type=submit]")
    page.wait_for_selector("#delivery-form")
    assert page.locator("#serial_no").input_value() == "SN-20261202-01"
    assert "SN-20261202-01" in page.locator("#handover-text").inner_text()
    no_violations(axe, "case: delivery")

    # Without a signature the API refuses, and says so under the pad.
    page.click("#delivery-form button[type=submit]")
    page.wait_for_selector('[data-error-for="handover.signature_png"]:not([hidden])')
    assert drawn_pixels(page, "#signature") == 0
    sign(page, "#signature")
    assert drawn_pixels(page, "#signature") > 200
    assert page.locator("[data-signature-pad]").get_attribute("data-signed") == "true"
    page.check('#delivery-form input[value="guardian"]')
    page.fill("#signer_name", "冯阿姨的女儿")
    screenshot("console-delivery-signed")
    page.click("#delivery-form button[type=submit]")
    page.wait_for_selector('#case-status[data-status="training"]')
    assert "监护人签收（冯阿姨的女儿）" in page.locator("#delivery-facts").inner_text()

    delivered = family("GET", f"/device-cases/{case['id']}")
    handover = family("GET", f"/device-handovers/{delivered['delivery']['handover']['id']}")
    assert handover["signer_name"] == "冯阿姨的女儿" and handover["signed_by"] == "guardian"
    image = Image.open(io.BytesIO(base64.b64decode(handover["signature_png"])))
    assert image.format == "PNG"
    alpha = image.convert("RGBA").getchannel("A")
    assert sum(1 for v in alpha.getdata() if v > 0) > 200  # what was drawn is what was kept
    assert len(delivered["followups"]) == 3

    no_violations(axe, "case: training")
    page.fill("#training-content", "室内推行与转移")
    page.fill("#training-minutes", "0")
    page.click("#training-form button[type=submit]")
    page.wait_for_selector('[data-error-for="minutes"]:not([hidden])')
    page.fill("#training-minutes", "40")
    page.click("#training-form button[type=submit]")
    page.wait_for_selector("text=已完成 1 /")
    assert page_errors == []


def test_loans_and_the_reports_page_with_its_charts(console, page, axe, screenshot, page_errors, external_requests):
    """The device centre's manager: live loans with their units; then the reports page, whose charts
    draw (canvases with pixels), whose numbers equal the JSON report's, with the same downloads."""
    d = console
    manager = Mini(d.url, "device-staff")
    page.set_viewport_size(DESK)
    sign_in_by_scanning(page, console_url(d, "/console/loans"), manager, "screen-console")
    live = manager("GET", f"/staff/device-loans?status=on_loan&site_id={d.sites['device_center']['id']}")["items"]
    assert live, "the demo lends units"
    for loan in live:
        row = page.locator(f'tr[data-loan-id="{loan["id"]}"]')
        assert loan["item"]["serial_no"] in row.inner_text() and loan["product"]["name"] in row.inner_text()
    no_violations(axe, "loans")
    page.goto(console_url(d, "/console/loans?status=overdue"))
    no_violations(axe, "loans: overdue")

    for group_by in ("month", "category"):
        response = page.goto(console_url(d, f"/console/reports?group_by={group_by}"))
        assert response.status == 200
        page.wait_for_selector('[data-chart="trend"][data-drawn="true"] canvas')
        page.wait_for_selector('[data-chart="category"][data-drawn="true"] canvas')
        page.wait_for_timeout(300)  # the first frame
        assert drawn_pixels(page, '[data-chart="trend"] canvas') > 500
        assert drawn_pixels(page, '[data-chart="category"] canvas') > 500
        first, last = page.locator("#report-from").input_value(), page.locator("#report-to").input_value()
        report = manager("GET", f"/reports/overview?from={first}&to={last}&group_by={group_by}")
        table = page.locator("#report-table")
        heads = table.locator("thead th").all_inner_texts()
        assert heads == ["指标"] + [r["label"] for r in report["rows"]] + ["合计"]
        for key in ("attendances", "device_cases_opened", "loans_started", "devices_in_use_rate"):
            cells = table.locator(f'tr[data-metric="{key}"] td').evaluate_all(
                "cells => cells.map(c => c.dataset.value)")
            want = [r[key] for r in report["rows"]] + [report["totals"][key]]
            assert cells == ["" if v is None else str(v) for v in want], key
        no_violations(axe, f"reports by {group_by}")
        screenshot(f"console-reports-{group_by}")
    href = page.locator('a[href^="/console/reports.csv"]').get_attribute("href")
    download = requests.get(d.url + href, cookies={c["name"]: c["value"] for c in page.context.cookies()}, timeout=30)
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    assert page_errors == [] and external_requests == []


def test_the_vendored_echarts_is_the_pinned_package():
    tools = node_package("tools/browser")
    pinned = json.loads((tools / "package.json").read_text())["devDependencies"]["echarts"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"echarts must be pinned exactly, not {pinned!r}"
    package = tools / "node_modules" / "echarts"
    assert json.loads((package / "package.json").read_text())["version"] == pinned, \
        "tools/browser/node_modules is not the pinned version: npm ci --ignore-scripts in tools/browser"
    vendored = tools.parent.parent / "miniprogram_api" / "static" / "echarts"
    stale = [name for source, name in (("dist/echarts.min.js", "echarts.min.js"), ("LICENSE", "LICENSE"),
                                       ("NOTICE", "NOTICE"), ("licenses/LICENSE-d3", "LICENSE-d3"))
             if (vendored / name).read_bytes() != (package / source).read_bytes()]
    assert not stale, f"{stale} differ from echarts {pinned}: cd tools/browser && npm run vendor-echarts"
    assert f"**{pinned}**" in (vendored / "README.md").read_text(), "README.md names another version"
