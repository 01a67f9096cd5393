"""What the browser, lint and SDK tests need from outside Python: Debian's chromium and the node
packages of tools/ and sdk/ (scripts/test.sh installs them). Missing locally: the test is skipped
with the reason and the fix. Missing with CI=true: the test fails, since CI must run it."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"

# Node tools run offline and quietly: no usage data, no update checks, no install-time analytics.
NODE_ENV = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NO_UPDATE_NOTIFIER": "1",
    "SCARF_ANALYTICS": "false",
    "npm_config_update_notifier": "false",
    "npm_config_fund": "false",
    "npm_config_audit": "false",
}


def require(present: bool, what: str, fix: str) -> None:
    if present:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing (CI=true: failing, not skipping); {fix}", pytrace=False)
    pytest.skip(f"{what} is missing; {fix}")


def node_package(folder: str) -> Path:
    """tools/openapi, tools/browser or sdk/miniprogram, its node_modules installed."""
    path = ROOT / folder
    require(shutil.which("node") is not None and shutil.which("npm") is not None, "Node.js 20 with npm",
            "install Node.js 20 (the tools need >= 20.19)")
    require((path / "node_modules").is_dir(), f"{folder}/node_modules",
            f"run scripts/test.sh, or `npm ci --ignore-scripts` in {folder}")
    return path


def node_env(**extra: str) -> dict:
    return {**os.environ, **NODE_ENV, **extra}


def run_node(args: list[str], cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=node_env(**env), capture_output=True, text=True, timeout=timeout)
