"""Request bodies are checked in the HTTP layer (miniprogram_api/body.py): every bad body gets the
error envelope, and a route can declare that it takes a multipart upload, with its own size limit."""
import io
import json

import pytest
from flask import jsonify, request

from miniprogram_api.body import MAX_JSON_DEPTH, upload


@pytest.fixture(scope="module")
def upload_app(app):
    """The real app factory with one extra route that takes an upload (the devices import does)."""
    from miniprogram_api import create_app
    extra = create_app(dict(app.config))

    @extra.post("/api/v1/_test/upload")
    @upload(max_bytes=200 * 1024)
    def take_upload():
        f = request.files.get("file")
        return jsonify({"name": f.filename if f else None, "size": len(f.read()) if f else 0})

    return extra


def error_of(resp) -> str:
    assert resp.is_json, resp.data[:200]
    return resp.get_json()["error"]["code"]


def test_an_upload_route_takes_multipart_up_to_its_own_limit(upload_app):
    http = upload_app.test_client()
    ok = http.post("/api/v1/_test/upload", data={"file": (io.BytesIO(b"x" * 150_000), "a.xlsx")},
                   content_type="multipart/form-data")
    assert ok.status_code == 200 and ok.get_json() == {"name": "a.xlsx", "size": 150_000}
    big = http.post("/api/v1/_test/upload", data={"file": (io.BytesIO(b"x" * 300_000), "a.xlsx")},
                    content_type="multipart/form-data")
    assert big.status_code == 413 and error_of(big) == "payload_too_large"
    as_json = http.post("/api/v1/_test/upload", json={"file": "x"})
    assert as_json.status_code == 415 and error_of(as_json) == "unsupported_media_type"


def test_an_upload_without_a_length_is_cut_at_the_limit(upload_app):
    """A chunked body (no Content-Length) is refused once it passes the limit, not read to the end."""
    body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n" + b"x" * 300_000 + \
        b"\r\n--b--\r\n"
    # As gunicorn hands over a chunked body: no length, the stream terminated by the server.
    resp = upload_app.test_client().post("/api/v1/_test/upload", input_stream=io.BytesIO(body),
                                         headers={"Content-Type": "multipart/form-data; boundary=b",
                                                  "Transfer-Encoding": "chunked"},
                                         environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == 413 and error_of(resp) == "payload_too_large"


def test_json_routes_refuse_other_bodies_with_the_envelope(client, login):
    api = login()
    patch = api.http
    headers = {"Authorization": f"Bearer {api.token}"}
    cases = [
        (dict(data="[1, 2]", content_type="application/json"), 400, "body_not_object"),
        (dict(data="{not json", content_type="application/json"), 400, "malformed_json"),
        (dict(data=json.dumps({"nickname": "x"}), content_type="text/plain"), 415, "unsupported_media_type"),
        (dict(data=json.dumps({"nickname": "x" * 70_000}), content_type="application/json"), 413,
         "payload_too_large"),
    ]
    for kwargs, status, code in cases:
        resp = patch.patch("/api/v1/me", headers=headers, **kwargs)
        assert (resp.status_code, error_of(resp)) == (status, code), kwargs.get("content_type")


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/me/residents", "/api/v1/activities/1/signups"])
def test_deeply_nested_json_is_a_400_not_a_crash(client, login, path):
    api = login()
    deep = "{\"a\": " + "[" * 10_000 + "]" * 10_000 + "}"  # 20 KB, well under the size limit
    resp = api.http.post(path, data=deep, content_type="application/json",
                         headers={"Authorization": f"Bearer {api.token}"})
    assert resp.status_code == 400 and error_of(resp) == "malformed_json"
    nested = "{\"a\": " * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)
    resp = api.http.post(path, data=nested, content_type="application/json",
                         headers={"Authorization": f"Bearer {api.token}"})
    assert resp.status_code == 400 and error_of(resp) == "malformed_json"
    assert api.get("/me").status_code == 200  # still serving


def test_post_with_a_patch_override_is_a_patch(login):
    """The mini-program's wx.request cannot send PATCH: POST + X-HTTP-Method-Override does."""
    api = login()
    resp = api.post("/me", {"nickname": "小王"}, headers={"X-HTTP-Method-Override": "PATCH"})
    assert resp.status_code == 200 and resp.get_json()["nickname"] == "小王"
    other = api.post("/me", {"nickname": "x"}, headers={"X-HTTP-Method-Override": "DELETE"})
    assert other.status_code == 405
    assert api.get("/me").get_json()["nickname"] == "小王"


def test_a_number_that_must_be_an_integer_refuses_a_fraction(login):
    api = login()
    resp = api.post("/activities/1/signups", {"resident_id": 1.5, "companions": 1})
    assert resp.status_code == 422 and resp.get_json()["error"]["fields"] == {"resident_id": ["应为整数"]}
    resp = api.get("/activities?page_size=2.5")
    assert resp.status_code == 422 and "page_size" in resp.get_json()["error"]["fields"]
