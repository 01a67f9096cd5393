"""The error codes a route can answer, derived from the code (never a hand-kept list).

The OpenAPI document lists, per operation and status, the `code`s of the error envelope it can
return. The domain's share is read off the source: starting from the route function, every
function it calls in `backend` and `miniprogram_api` (through imports, package re-exports and
module attributes) is followed, and each `raise SomeDomainError("code", ...)` found on the way is
collected with its status (a raise without a code takes the class's: `NotFound()` is 404
`not_found`). A helper that builds the error (`def conflict(code): return Conflict(code, ...)`)
is followed too, the code taken from its call site. What a route answers because of how it is
declared (a body, a bearer token, a rate limit, an Idempotency-Key) is added by the Blueprint
(`miniprogram_api/auth.py`).

Nothing here runs domain code: it reads source files. `tests/test_error_codes.py` holds the result
to what the test suite's requests really answered, so a code that slips past this reading (raised
from a variable, say) fails the build instead of going undocumented.
"""
from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from backend.errors import DomainError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("backend", "miniprogram_api")


@dataclass
class _Module:
    name: str
    tree: ast.Module
    names: dict[str, str] = field(default_factory=dict)  # local name -> dotted target
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)


@cache
def _modules() -> dict[str, _Module]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join(parts)
            mod = _Module(name, ast.parse(path.read_text(encoding="utf-8")))
            base = name if is_package else name.rsplit(".", 1)[0]
            for node in ast.walk(mod.tree):
                if isinstance(node, ast.ImportFrom):
                    target = _absolute(base, node.level, node.module)
                    for alias in node.names:
                        mod.names[alias.asname or alias.name] = f"{target}.{alias.name}"
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        mod.names[alias.asname or alias.name.split(".")[0]] = \
                            alias.name if alias.asname else alias.name.split(".")[0]
            for node in mod.tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    mod.functions[node.name] = node
                elif isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            mod.functions[f"{node.name}.{item.name}"] = item
            out[name] = mod
    return out


def _absolute(base: str, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    parts = base.split(".")
    parts = parts[:len(parts) - (level - 1)]
    return ".".join(parts + ([module] if module else []))


def _resolve(dotted: str, depth: int = 0) -> str | None:
    """A dotted name as the module.function (or module.Class) that defines it, following
    re-exports (`from .access import acting_for` in a package's __init__)."""
    if depth > 10:
        return None
    modules = _modules()
    if dotted in modules:
        return dotted
    module, _, attr = dotted.rpartition(".")
    mod = modules.get(module)
    if mod is None:
        return dotted if module.split(".")[0] not in PACKAGES else None
    if attr in mod.functions or _defines_class(mod, attr):
        return dotted
    if attr in mod.names:
        return _resolve(mod.names[attr], depth + 1)
    return None


def _defines_class(mod: _Module, name: str) -> bool:
    return any(isinstance(n, ast.ClassDef) and n.name == name for n in mod.tree.body)


def _error_class(dotted: str | None) -> type[DomainError] | None:
    if not dotted:
        return None
    module, _, attr = dotted.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError):
        return None
    return obj if isinstance(obj, type) and issubclass(obj, DomainError) else None


def _name_of(node: ast.AST, mod: _Module) -> str | None:
    """What a call's function refers to: `f`, `module.f`, `module.sub.f`."""
    if isinstance(node, ast.Name):
        if node.id in mod.functions:
            return f"{mod.name}.{node.id}"
        if node.id in mod.names:
            return _resolve(mod.names[node.id])
        if _defines_class(mod, node.id):
            return f"{mod.name}.{node.id}"
        return None
    if isinstance(node, ast.Attribute):
        owner = _name_of(node.value, mod)
        if owner and owner in _modules():
            return _resolve(f"{owner}.{node.attr}")
    return None


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _codes(node: ast.AST | None, bound: dict[str, str]) -> list[str] | None:
    """The codes an argument can be: a literal, either branch of `a if c else b`, or a parameter
    bound at the call site; None when it cannot be read here."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _codes(node.body, bound), _codes(node.orelse, bound)
        return body + orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.Name) and node.id in bound:
        return [bound[node.id]]
    return None


def _error_of_call(call: ast.Call, mod: _Module, bound: dict[str, str]) -> list[tuple[int, str]]:
    """(status, code) of `SomeError("code", ..., status=...)`, or of a helper returning one."""
    target = _name_of(call.func, mod)
    cls = _error_class(target)
    if cls is not None:
        code_node = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "code"), None)
        codes = [cls.code] if code_node is None else _codes(code_node, bound)
        if codes is None:
            return []  # a code we cannot read here: the coverage test catches it if it is ever answered
        status = next((k.value.value for k in call.keywords if k.arg == "status"
                       and isinstance(k.value, ast.Constant)), cls.status)
        return [(status, code) for code in codes]
    if target and target.rpartition(".")[0] in _modules():
        args = tuple(tuple(_codes(a, bound) or ()) for a in call.args)
        return [e for combo in _expand(args) for e in _errors_returned(target, combo)]
    return []


def _expand(args: tuple[tuple[str, ...], ...]) -> list[tuple]:
    """Each combination of the possible literal arguments (a helper called with `a if c else b`)."""
    combos: list[tuple] = [()]
    for options in args:
        combos = [c + (o,) for c in combos for o in (options or (None,))]
    return combos


@cache
def _errors_returned(target: str, args: tuple) -> list[tuple[int, str]]:
    """Errors a helper builds and returns (`return Conflict(code, MESSAGES[code])`)."""
    module, _, fname = target.rpartition(".")
    mod = _modules()[module]
    fn = mod.functions.get(fname)
    if fn is None:
        return []
    params = [a.arg for a in fn.args.args]
    bound = {p: v for p, v in zip(params, args) if v is not None}
    out = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            out += _error_of_call(node.value, mod, bound)
    return out


@cache
def _direct(target: str) -> tuple[frozenset, frozenset]:
    """(errors raised in the function itself, functions it calls)."""
    module, _, fname = target.rpartition(".")
    mod = _modules().get(module)
    fn = mod.functions.get(fname) if mod else None
    if fn is None:
        return frozenset(), frozenset()
    errors, calls = set(), set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            errors.update(_error_of_call(node.exc, mod, {}))
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Name):
            cls = _error_class(_name_of(node.exc, mod))
            if cls is not None:
                errors.add((cls.status, cls.code))
        if isinstance(node, ast.Call):
            callee = _name_of(node.func, mod)
            if callee and callee.rpartition(".")[0] in _modules():
                calls.add(callee)
    return frozenset(errors), frozenset(calls)


def errors_reachable(view) -> dict[int, set[str]]:
    """Status → codes the code reachable from the view function can raise."""
    fn = inspect.unwrap(view)
    start = f"{fn.__module__}.{fn.__qualname__}"
    seen, todo, found = set(), [start], set()
    while todo:
        target = todo.pop()
        if target in seen:
            continue
        seen.add(target)
        errors, calls = _direct(target)
        found |= errors
        todo.extend(calls)
    out: dict[int, set[str]] = {}
    for status, code in found:
        out.setdefault(status, set()).add(code)
    return out
