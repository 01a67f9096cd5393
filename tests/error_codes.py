"""Every error a route answers during the test suite must be one its OpenAPI document lists (the
code of the envelope, under its status), and every 422 speaks Chinese. Recorded by the app fixture
(tests/conftest.py) for every request the suite makes, checked when the session ends."""
import re
from collections import defaultdict

from flask import request

OBSERVED: dict[tuple[str, str], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
MESSAGES_422: list[tuple[str, dict]] = []


def record(sender, response, **_extra) -> None:
    if request.url_rule is None or response.status_code < 400 or not response.is_json:
        return
    body = response.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return  # WeChat Pay's notify answers in its own format
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", request.url_rule.rule)
    OBSERVED[(request.method.lower(), path)][response.status_code].add(body["error"].get("code"))
    if response.status_code == 422:
        MESSAGES_422.append((f"{request.method} {path}", body["error"]))


def documented(spec: dict) -> dict[tuple[str, str], dict[int, set[str]]]:
    out = {}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method == "parameters":
                continue
            codes = {}
            for status, response in op.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                enum = schema.get("properties", {}).get("error", {}).get("properties", {}).get("code", {}).get("enum")
                if enum is not None:
                    codes[int(status)] = set(enum)
            out[(method, path)] = codes
    return out


def undocumented(observed, docs) -> list[str]:
    problems = []
    for (method, path), statuses in sorted(observed.items()):
        if (method, path) not in docs:
            continue  # not an API operation (the docs page)
        for status, codes in sorted(statuses.items()):
            if status == 405:
                continue  # another method on the path: not a response of this operation
            listed = docs[(method, path)].get(status, set())
            for code in sorted(codes - listed):
                problems.append(f"{method.upper()} {path} answered {status} {code!r}; documented: "
                                f"{sorted(listed) or 'nothing'}")
    return problems


ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")


def english_in_422(entries, known_words: set[str]) -> list[str]:
    """Messages and field messages with ASCII words other than field names and codes."""
    problems = []
    for where, error in entries:
        fields = error.get("fields") or {}
        allowed = known_words | {part for name in fields for part in re.split(r"[.\[\]]", name) if part}
        for text in [error.get("message", "")] + [m for msgs in fields.values() for m in msgs]:
            stray = [w for w in ASCII_WORD.findall(text) if w not in allowed]
            if stray:
                problems.append(f"{where}: {text!r} ({', '.join(stray)})")
    return sorted(set(problems))
