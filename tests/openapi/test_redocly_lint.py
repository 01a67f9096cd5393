"""The OpenAPI document passes `redocly lint` with the ruleset in tools/openapi/redocly.yaml
(Redocly's `recommended`): no error. Warnings are listed with the errors when it fails."""
import json
import re
from collections import Counter, defaultdict

from ..tooling import node_package, run_node


def where(problem: dict) -> str:
    """'#/paths/~1api~1v1~1sites/get' → 'GET /api/v1/sites'; other pointers as they are."""
    pointer = (problem.get("location") or [{}])[0].get("pointer", "")
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("#/").split("/")]
    if len(parts) >= 3 and parts[0] == "paths" and parts[2] in ("get", "put", "post", "patch", "delete"):
        return f"{parts[2].upper()} {parts[1]}" + ("".join(f" {p}" for p in parts[3:]) if parts[3:] else "")
    return pointer


def report(problems: list[dict]) -> str:
    counts = Counter((p["severity"], p["ruleId"]) for p in problems)
    lines = [f"{sum(n for (s, _), n in counts.items() if s == 'error')} errors, "
             f"{sum(n for (s, _), n in counts.items() if s != 'error')} warnings:"]
    lines += [f"  {severity:5} {rule}: {n}" for (severity, rule), n in sorted(counts.items())]
    by_rule: dict[tuple, list[str]] = defaultdict(list)
    for p in problems:
        by_rule[(p["severity"], p["ruleId"], p["message"])].append(where(p))
    for (severity, rule, message), places in sorted(by_rule.items()):
        lines.append(f"\n{severity} {rule}: {message}")
        lines += [f"  {place}" for place in places]
    return "\n".join(lines)


def test_openapi_document_passes_redocly_lint(client, tmp_path):
    tools = node_package("tools/openapi")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(client.get("/api/v1/openapi.json").get_json(), ensure_ascii=False), encoding="utf-8")
    result = run_node([str(tools / "node_modules" / ".bin" / "redocly"), "lint", "--config", str(tools / "redocly.yaml"),
                       "--format", "json", "--max-problems", "100000", str(spec)], cwd=tools, timeout=120)
    try:
        output = json.loads(result.stdout)
    except ValueError:
        raise AssertionError(f"redocly lint crashed (exit {result.returncode}):\n{result.stdout[-3000:]}"
                             f"\n{result.stderr[-3000:]}") from None
    problems = output["problems"]
    errors = [p for p in problems if p["severity"] == "error"]
    if problems and not errors:
        print(report(problems))  # the warnings, shown with -s or -rP
    assert not errors and result.returncode == 0, "redocly lint (tools/openapi/redocly.yaml): " + report(problems)


def test_every_rule_changed_in_the_ruleset_says_why():
    ruleset = (node_package("tools/openapi") / "redocly.yaml").read_text()
    assert re.search(r"^extends:\n  - recommended$", ruleset, re.M), "the ruleset extends Redocly's recommended"
    block = re.search(r"^rules:\n((?:[ \t]+.*\n?|\n)*)", ruleset, re.M)
    for line in (block.group(1).splitlines() if block else []):
        if re.match(r"\s+[\w/-]+:", line):
            assert re.search(r"#\s*\S.{10,}", line), f"a rule changed without a one-line reason: {line.strip()}"
