"""The architecture's layers, checked on the source (every import statement, function-level ones
included), not hoped for in review:

- `backend` never imports `miniprogram_api`, `devtools` or `flask.request`;
- `miniprogram_api` knows nothing of SQL (it may name SQLAlchemy's exception types, to map them);
- a domain imports another only through its public module (`backend.<domain>`, the package), and
  only domains listed before it in `backend.DOMAINS` (dependency order);
- the infrastructure modules (everything in `backend` that is not a domain) import no domain,
  except the composition root (`backend/__init__.py`) and the commands that walk every domain
  (`backend/demo.py`, `backend/cli.py`);
- no module imports itself back through a cycle.
"""
import ast
from pathlib import Path

import backend

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = list(backend.DOMAINS)
COMPOSITION = {"backend", "backend.demo", "backend.cli"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in (ROOT / package).rglob("*.py")}


MODULES = {**_modules("backend"), **_modules("miniprogram_api")}


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, relative ones resolved. `from X import y`
    counts as importing X.y when that is a module, else X."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.append((sub if sub in MODULES else target, node.lineno))
    return out


def _type_checking_only(path: Path) -> set[int]:
    """Lines of imports under `if TYPE_CHECKING:` (annotations only: no runtime dependency)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    lines.add(inner.lineno)
    return lines


def _graph() -> dict[str, list[tuple[str, int]]]:
    graph = {}
    for name, path in MODULES.items():
        skip = _type_checking_only(path)
        graph[name] = [(target, line) for target, line in _imports(name, path) if line not in skip]
    return graph


GRAPH = _graph()


def _domain_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "backend" and len(parts) > 1 and parts[1] in DOMAINS:
        return parts[1]
    return None


def test_backend_knows_no_http_and_no_devtools():
    bad = []
    for module, imports in GRAPH.items():
        if not module.startswith("backend"):
            continue
        for target, line in imports:
            if target.split(".")[0] in ("miniprogram_api", "devtools") or target == "flask.request":
                bad.append(f"{module}:{line} imports {target}")
    # `from flask import request` resolves to the flask module: look for the name itself.
    for module, path in MODULES.items():
        if module.startswith("backend"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "flask" and \
                        any(a.name in ("request", "session") for a in node.names):
                    bad.append(f"{module}:{node.lineno} imports flask.request")
    assert not bad, bad


def test_the_http_layer_knows_no_sql():
    bad = [f"{module}:{line} imports {target}" for module, imports in GRAPH.items()
           if module.startswith("miniprogram_api") for target, line in imports
           if target.split(".")[0] == "sqlalchemy" and not target.startswith("sqlalchemy.exc")]
    assert not bad, bad


def test_domains_meet_only_through_public_modules_in_dependency_order():
    bad = []
    for module, imports in GRAPH.items():
        own = _domain_of(module)
        for target, line in imports:
            other = _domain_of(target)
            if other is None or other == own:
                continue
            if own is None:
                if module.startswith("backend") and module not in COMPOSITION:
                    bad.append(f"{module}:{line}: infrastructure imports the {other} domain")
                continue
            if target != f"backend.{other}":
                bad.append(f"{module}:{line} imports {target}: use `backend.{other}` (its public module)")
            if DOMAINS.index(other) > DOMAINS.index(own):
                bad.append(f"{module}:{line}: {own} imports {other}, which comes after it in backend.DOMAINS")
    assert not bad, "\n".join(bad)


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    cycles, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return cycles


def _module_edges() -> dict[str, list[str]]:
    edges = {m: sorted({t for t, _ in imports if t in MODULES and t != m}) for m, imports in GRAPH.items()}
    # A package's submodule importing its own package is not a cycle of code: Python has the
    # package half-initialised, which is how every `from . import x` works. Leave those out.
    return {m: [t for t in targets if not m.startswith(t + ".")] for m, targets in edges.items()}


def test_no_import_cycles():
    cycles = _cycles(_module_edges())
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_sees_a_violation():
    """The checks above would fail on what this project had: jobs.py <-> worker.py <-> the domains'
    job modules, and domains reaching into each other's submodules."""
    assert _cycles({"backend.jobs": ["backend.worker", "backend.rehab.jobs"],
                    "backend.rehab.jobs": ["backend.worker"], "backend.worker": ["backend.jobs"]})
    assert _domain_of("backend.identity.residents") == "identity"
    edges = _module_edges()
    assert "backend.identity" in edges["backend.activities.signups"]  # imports are read and resolved
