"""/api/v1/docs works with no network: Swagger UI is vendored (miniprogram_api/static/swagger-ui)
and served by the app, renders every operation of the document, and loads nothing from outside."""
import json
import re

import pytest

from miniprogram_api.swagger_ui import ASSETS

from ..tooling import node_package

METHODS = ("get", "put", "post", "patch", "delete")


def test_docs_page_links_only_assets_the_app_serves(app, client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert links, html
    base = app.config["OPENAPI_SWAGGER_UI_URL"]
    assert base.startswith("/") and not base.startswith("//")
    for link in links:
        assert link.startswith(base), f"{link} is not served by the app"
        r = client.get(link)
        assert r.status_code == 200 and len(r.data) > 1000, link
    assert client.get(base + "no-such-file.js").status_code == 404
    assert client.get(base + "../../openapi.json").status_code == 404


def test_vendored_files_are_the_pinned_package():
    tools = node_package("tools/browser")
    pinned = json.loads((tools / "package.json").read_text())["devDependencies"]["swagger-ui-dist"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"swagger-ui-dist must be pinned exactly, not {pinned!r}"
    package = tools / "node_modules" / "swagger-ui-dist"
    assert json.loads((package / "package.json").read_text())["version"] == pinned, \
        "tools/browser/node_modules is not the pinned version: npm ci --ignore-scripts in tools/browser"
    vendored = sorted(p.name for p in ASSETS.iterdir() if p.name != "README.md")
    assert {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "LICENSE", "NOTICE"} <= set(vendored)
    stale = [name for name in vendored if (ASSETS / name).read_bytes() != (package / name).read_bytes()]
    assert not stale, f"{stale} differ from swagger-ui-dist {pinned}: cd tools/browser && npm run vendor-swagger-ui"
    assert f"**{pinned}**" in (ASSETS / "README.md").read_text(), "README.md names another version"


@pytest.fixture
def operations(client) -> set[tuple[str, str]]:
    spec = client.get("/api/v1/openapi.json").get_json()
    return {(method.upper(), path) for path, item in spec["paths"].items() for method in item if method in METHODS}


def test_docs_render_every_operation_offline(page, live_url, operations, external_requests, page_errors,
                                             screenshot):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    loaded: list[str] = []
    page.on("requestfinished", lambda r: loaded.append(r.url))
    response = page.goto(live_url + "/api/v1/docs")
    assert response is not None and response.status == 200

    rendered_js = """() => [...document.querySelectorAll('.opblock')].map(op => [
        op.querySelector('.opblock-summary-method')?.textContent.trim(),
        op.querySelector('.opblock-summary-path')?.getAttribute('data-path')])"""
    try:
        page.wait_for_function(f"n => new Set(({rendered_js})().map(x => x.join(' '))).size >= n",
                               arg=len(operations), timeout=30_000)
    except PlaywrightTimeout:
        shown = {tuple(x) for x in page.evaluate(rendered_js)}
        raise AssertionError(f"Swagger UI did not render the {len(operations)} operations (missing: "
                             f"{len(operations - shown)}, e.g. {sorted(operations - shown)[:3]}; shown {len(shown)}: {sorted(shown)}; fallbacks: {page.locator('.fallback').all_inner_texts()[:3]}; tags: {page.locator('.opblock-tag').all_inner_texts()[:20]}); blocked outside requests: {external_requests}; "
                             f"page errors: {page_errors}") from None
    rendered = {tuple(x) for x in page.evaluate(rendered_js)}
    assert rendered == operations
    assert len(operations) > 20
    assert any(method == "GET" and path.endswith("/activities") for method, path in rendered)
    assert page.locator(".opblock").count() >= len(operations)
    assert "助残服务" in page.locator(".info .title").inner_text()

    assert external_requests == []
    assert page_errors == []
    assets = {url.rsplit("/", 1)[-1] for url in loaded if url.startswith(live_url + "/api/v1/docs/swagger-ui/")}
    assert {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"} <= assets
    # No validator badge: outside loopback it would load an image from validator.swagger.io.
    assert page.evaluate("() => window.ui.getConfigs().validatorUrl") is None

    path = screenshot("docs")
    assert path.exists() and path.stat().st_size > 10_000
