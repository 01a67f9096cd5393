"""The OpenAPI document as the mini-program team receives it: every operation named, summarised in
Chinese, tagged by domain, with its security and every error it can answer (its codes listed)."""
import re

from . import error_codes

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def spec_of(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def operations(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method != "parameters":
                yield path, method, op


def test_every_operation_is_named_summarised_tagged_and_secured(client):
    spec = spec_of(client)
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z][A-Za-z0-9]*", i) for i in ids)
    tags = {t["name"] for t in spec["tags"]}
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        assert CHINESE.search(op.get("summary", "")), where
        assert len(op["tags"]) == 1 and op["tags"][0] in tags, where
        assert op["security"] in ([], [{"bearerAuth": []}], [{"screenSession": []}],
                                  [{"bearerAuth": []}, {"screenSession": []}]), where
        assert any(s.startswith("4") for s in op["responses"]), where


def test_the_domain_errors_of_a_route_are_listed_under_their_status(client):
    op = spec_of(client)["paths"]["/api/v1/activities/{activity_id}/signups"]["post"]
    codes = {status: set(r["content"]["application/json"]["schema"]["properties"]["error"]["properties"]["code"]["enum"])
             for status, r in op["responses"].items() if status.startswith(("4", "5"))}
    assert {"already_signed_up", "signup_closed", "signup_not_open", "activity_cancelled", "not_eligible",
            "request_in_progress"} <= codes["409"]
    assert codes["403"] == {"volunteer_not_approved"} and codes["401"] == {"unauthenticated"}
    assert {"validation_error", "idempotency_key_reused"} <= codes["422"] and codes["429"] == {"rate_limited"}
    assert op["security"] == [{"bearerAuth": []}]
    public = spec_of(client)["paths"]["/api/v1/activities"]["get"]
    assert public["security"] == [] and "401" not in public["responses"]


def test_the_coverage_check_flags_an_undocumented_code():
    docs = {("post", "/api/v1/x"): {409: {"a"}}}
    observed = {("post", "/api/v1/x"): {409: {"a", "b"}, 405: {"method_not_allowed"}}}
    assert error_codes.undocumented(observed, docs) == [
        "POST /api/v1/x answered 409 'b'; documented: ['a']"]
    assert error_codes.undocumented({("get", "/api/v1/docs"): {404: {"x"}}}, docs) == []


def test_the_422_sweep_flags_english():
    entries = [("POST /x", {"message": "输入有误", "fields": {"qty": ["Must be between 1 and 20."]}}),
               ("POST /y", {"message": "输入有误", "fields": {"items.0.qty": ["qty 须为整数"]}})]
    assert error_codes.english_in_422(entries, {"validation_error"}) == [
        "POST /x: 'Must be between 1 and 20.' (Must, be, between, and)"]
