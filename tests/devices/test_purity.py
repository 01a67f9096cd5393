"""The building blocks stay framework-free: no Flask, no SQLAlchemy, nothing else of the app."""
import ast
import sys
from pathlib import Path

import pytest

import backend.devices

PURE = ["classification", "forms_catalogue", "answers", "subsidy", "spreadsheet"]
ALLOWED_THIRD_PARTY = {"openpyxl"}
ROOT = Path(backend.devices.__file__).parent


@pytest.mark.parametrize("module", PURE)
def test_imports_only_the_standard_library_openpyxl_and_siblings(module):
    tree = ast.parse((ROOT / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            assert node.level == 1, f"{module}: relative imports stay inside backend.devices"
            continue
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) else []
        for name in names:
            top = name.split(".")[0]
            assert top in ALLOWED_THIRD_PARTY or top in sys.stdlib_module_names, f"{module}: {name}"

