"""The browser harness itself: outside requests are blocked and recorded, loopback ones pass,
axe-core reports the serious and critical violations only, screenshots are written."""
from .conftest import describe_violations, is_local

PNG = b"\x89PNG\r\n\x1a\n"
# A 1×1 transparent PNG: an image that needs no network.
PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
         "60e6kgAAAABJRU5ErkJggg==")


def test_loopback_is_local_and_the_rest_is_not():
    for url in ("http://127.0.0.1:5000/x", "http://localhost/x", "http://[::1]:8000/", "ws://127.0.0.2/s",
                "data:text/plain,hi", "about:blank"):
        assert is_local(url), url
    for url in ("https://static.example.invalid/docs/bundle.js", "http://10.0.0.1/", "https://localhost.example/",
                "http://127.0.0.1.nip.io/"):
        assert not is_local(url), url


def test_outside_requests_are_blocked_and_recorded(page, live_url, external_requests):
    page.goto(live_url + "/healthz")
    page.set_content(f"""<html lang="zh-CN"><head><link rel="stylesheet" href="https://assets.invalid/site.css"></head>
        <body><img src="https://images.invalid/logo.png" alt="标志"><img src="{PIXEL}" alt="点"></body></html>""")
    status = page.evaluate("async (url) => (await fetch(url)).status", live_url + "/healthz")
    blocked = page.evaluate("""async () => { try { await fetch('https://api.invalid/x'); return false; }
                                             catch (e) { return true; } }""")
    assert status == 200 and blocked
    assert sorted(external_requests) == ["https://api.invalid/x", "https://assets.invalid/site.css",
                                         "https://images.invalid/logo.png"]


def test_axe_reports_serious_and_critical_violations_only(page, axe):
    # No lang (serious), an image without alt text (critical), content outside landmarks (moderate).
    page.set_content(f"<html><head><title>无障碍</title></head><body><img src='{PIXEL}'><p>正文</p></body></html>")
    violations = axe()
    assert {v["id"] for v in violations} == {"html-has-lang", "image-alt"}, describe_violations(violations)
    assert "region" in {v["id"] for v in axe(impacts=("moderate",))}

    page.set_content(f"""<html lang="zh-CN"><head><title>无障碍</title></head>
        <body><main><h1>活动报名</h1><img src="{PIXEL}" alt="活动照片"><p>正文</p></main></body></html>""")
    assert axe() == []


def test_screenshots_are_saved(page, screenshot):
    page.set_content("<html lang='zh-CN'><body><main><h1>助残服务</h1></main></body></html>")
    path = screenshot("heading")
    assert path.name == "test_screenshots_are_saved-heading.png"
    assert path.read_bytes().startswith(PNG) and path.stat().st_size > 1000
