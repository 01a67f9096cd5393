"""The SDK's generated types (sdk/miniprogram/src/schema.ts) are those of the current OpenAPI
document: regenerated into a temporary file, they must equal the checked-in file."""
import difflib
import json

from ..tooling import node_package, run_node

REFRESH = ("flask --app wsgi openapi write /tmp/openapi.json && "
           "(cd sdk/miniprogram && npm run generate -- /tmp/openapi.json)")


def test_generated_types_match_the_document(client, tmp_path):
    sdk = node_package("sdk/miniprogram")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(client.get("/api/v1/openapi.json").get_json(), ensure_ascii=False), encoding="utf-8")
    fresh = tmp_path / "schema.ts"
    result = run_node(["node", "scripts/generate.mjs", str(spec), str(fresh)], cwd=sdk, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    checked_in = (sdk / "src" / "schema.ts").read_text(encoding="utf-8")
    generated = fresh.read_text(encoding="utf-8")
    if generated != checked_in:
        diff = "".join(difflib.unified_diff(checked_in.splitlines(True), generated.splitlines(True),
                                            "src/schema.ts (checked in)", "from the current document", n=2))
        raise AssertionError(f"sdk/miniprogram/src/schema.ts is stale; refresh it with\n\n    {REFRESH}\n\n"
                             f"{diff[:6000]}")
