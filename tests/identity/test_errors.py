"""The error envelope for every kind of failure: never HTML, never a traceback."""
import pytest
from flask import Blueprint


def assert_envelope(r, status, code=None):
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.headers["Content-Type"].startswith("application/json")
    err = r.get_json()["error"]
    assert isinstance(err["message"], str) and err["message"]
    if code:
        assert err["code"] == code
    assert "Traceback" not in r.get_data(as_text=True)
    return err


def test_malformed_json_and_non_object_bodies(login):
    api = login()
    h = {"Content-Type": "application/json"}
    assert_envelope(api.request("PATCH", "/me", data="{not json", headers=h), 400, "malformed_json")
    assert_envelope(api.request("PATCH", "/me", data="[1, 2]", headers=h), 400, "body_not_object")
    assert_envelope(api.request("PATCH", "/me", data='"text"', headers=h), 400, "body_not_object")
    assert_envelope(api.request("POST", "/auth/login", data="nul", headers=h), 400, "malformed_json")


def test_unknown_fields_422_with_fields(login):
    err = assert_envelope(login().patch("/me", {"nickname": "a", "evil": True}), 422, "validation_error")
    assert err["fields"] == {"evil": ["不允许的字段"]}


def test_404_405_413(client, login):
    assert_envelope(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_envelope(client.request("PUT", "/auth/login", {}), 405, "method_not_allowed")
    big = {"nickname": "x" * (70 * 1024)}
    assert_envelope(login().patch("/me", big), 413, "payload_too_large")


def test_500_carries_no_traceback(app):
    # A route that blows up, registered on a throwaway copy of the error handling.
    from miniprogram_api import create_app
    from miniprogram_api.errors import register_error_handlers  # noqa: F401
    fresh = create_app({**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    bp = Blueprint("boom", __name__)

    @bp.get("/boom")
    def boom():
        raise RuntimeError("secret internals")
    fresh.register_blueprint(bp)
    r = fresh.test_client().get("/boom")
    err = assert_envelope(r, 500, "internal_error")
    assert "secret internals" not in r.get_data(as_text=True) and "fields" not in err


@pytest.mark.parametrize("path", ["/me", "/me/residents", "/staff/residents", "/admin/users"])
def test_401_envelope(client, path):
    assert_envelope(client.get(path), 401, "unauthenticated")


def test_request_id_echoed(client):
    r = client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert r.headers["X-Request-Id"] == "abc-123"
    assert len(client.get("/healthz").headers["X-Request-Id"]) == 32


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready", "checks": {"database": "ok", "redis": "not_configured"}}
    assert client.get("/api/v1/readyz").status_code == 200


def test_openapi_describes_every_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, m.upper()) for path, ops in spec["paths"].items() for m in ops
                  if m in ("get", "post", "put", "patch", "delete")}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api-docs") or rule.rule.endswith(("/openapi.json", "/docs")):
            continue
        if rule.endpoint.startswith("screens."):  # HTML pages for staff devices (docs/SCREENS.md), not API
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for m in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, m))
    assert served == documented
    assert client.get("/api/v1/docs").status_code == 200


def test_unknown_query_parameters_are_422(client, login):
    r = client.get("/sites?kind=home&colour=red")
    assert r.status_code == 422 and "colour" in r.get_json()["error"]["fields"]
    assert login().get("/staff/residents?bogus=1").status_code in (403, 422)


def test_out_of_range_ids_and_dates(client, login):
    assert client.get("/sites/18446744073709551616").status_code == 404
    assert client.get("/sites/2147483648").status_code == 404
    assert client.get("/sites?page=1000000000000").status_code == 422
    r = client.get("/activities?from=0001-01-01")
    assert r.status_code == 422
    assert client.get("/activities?site_id=18446744073709551616").status_code == 422
    api = login()
    r = api.patch("/me/residents/1", {})  # no such route method: 405, never 500
    assert r.status_code == 405
    r = api.post("/me/residents", {"name": "甲", "relation": "self", "disability_category": "visual",
                                   "disability_level": 1, "birth_date": "0001-01-01",
                                   "consent": {"sensitive_info": True}})
    assert r.status_code == 422
