"""Browser tests: Debian's chromium (never a downloaded browser) driven by Playwright for Python.

Fixtures, for the docs page today and the staff screens later:
- `browser`: chromium from /usr/bin/chromium, headless, no sandbox, no background networking.
  Missing locally → the test is skipped with the reason; missing with CI=true → it fails.
- `page`: a fresh context (zh-CN, Asia/Shanghai) in which every request that is not to loopback
  (127.0.0.0/8, localhost, ::1) is blocked and recorded in `external_requests`, so a test can
  assert that nothing outside the app was loaded; uncaught page errors land in `page_errors`.
- `axe`: injects axe-core (tools/browser/node_modules, pinned) and returns the serious and
  critical violations.
- `screenshot`: saves a PNG under artifacts/screenshots/ (git-ignored; SCREENSHOT_DIR moves it);
  a failing test's page is saved there too.
- `live_url`: the app served over HTTP by tests/conftest.py's live server.
"""
import ipaddress
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..tooling import CHROMIUM, ROOT, require

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "tools" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "artifacts" / "screenshots")
IMPACTS = ("serious", "critical")


def is_local(url: str) -> bool:
    """Loopback, or no network at all (data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _chinese_font() -> bool:
    try:
        return bool(subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                                   timeout=30).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.fixture(scope="package")  # closed when tests/browser is done, before the rest of the suite
def browser():
    require(CHROMIUM.exists(), f"Debian's chromium ({CHROMIUM})",
            "scripts/test.sh installs it (apt-get install -y chromium)")
    require(_chinese_font(), "a Chinese font (screenshots would show boxes)",
            "scripts/test.sh installs one (apt-get install -y fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python", "pip install -r requirements-dev.txt")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def external_requests() -> list[str]:
    """URLs the page tried to load from outside loopback (each was blocked)."""
    return []


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught errors in the page's scripts."""
    return []


@pytest.fixture
def page(browser, external_requests, page_errors, request):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900}, service_workers="block")

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            external_requests.append(route.request.url)
            route.abort("blockedbyclient")

    def guard_socket(ws):
        if is_local(ws.url):
            ws.connect_to_server()
        else:
            external_requests.append(ws.url)
            ws.close()

    context.route("**/*", guard)
    context.route_web_socket(re.compile(".*"), guard_socket)
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            save_screenshot(page, request.node.name, "failure", full_page=True)
        except Exception:  # a crashed page has nothing to show; the failure itself is what matters
            pass
    context.close()


def save_screenshot(page, test_name: str, name: str, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', test_name)}-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def screenshot(page, request):
    """screenshot(name="page", full_page=False) → the saved PNG's path."""
    def save(name: str = "page", full_page: bool = False) -> Path:
        return save_screenshot(page, request.node.name, name, full_page)
    return save


@pytest.fixture
def axe(page):
    """axe(selector=None, impacts=("serious", "critical")) → the violations of those impacts, each
    {id, impact, help, nodes: [css targets]}, on the page as it is now (or inside `selector`)."""
    require(AXE.exists(), "axe-core (tools/browser/node_modules)",
            "run scripts/test.sh, or `npm ci --ignore-scripts` in tools/browser")

    def run(selector: str | None = None, impacts: tuple[str, ...] = IMPACTS) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol rather than added as a <script>: the screens'
            # Content-Security-Policy (script-src 'self') refuses inline scripts, rightly.
            page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
        result = page.evaluate("""async (selector) => {
            const r = await axe.run(selector || document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' '))}));
        }""", selector)
        return [v for v in result if v["impact"] in impacts]
    return run


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}: {', '.join(v['nodes'][:5])})"
                     for v in violations)


@pytest.fixture
def live_url(app) -> str:
    return app.config["LIVE_URL"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
