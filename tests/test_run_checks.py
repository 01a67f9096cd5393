"""Issue 15, item 7: scripts/run.sh says plainly when an instance already runs or a port is taken
(before starting anything), and its banner never shows a database password. The full run is
tests/test_run_command.py."""
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import _run_checks  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_sh(**env_over) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT", "DATABASE_URL", "APP_ENV"))}
    env.update(VENV=str(Path(sys.prefix)), **env_over)
    return subprocess.run(["bash", "scripts/run.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("url, shown", [
    ("postgresql+psycopg://postgres:s3cret@db.local:5432/app", "postgresql+psycopg://postgres:***@db.local:5432/app"),
    ("postgresql://app:p%40ss@127.0.0.1/app?sslmode=require", "postgresql://app:***@127.0.0.1/app?sslmode=require"),
    ("postgresql://app@127.0.0.1/app", "postgresql://app@127.0.0.1/app"),
    ("sqlite:///instance/app.db", "sqlite:///instance/app.db"),
])
def test_mask_hides_only_the_password(url, shown):
    assert _run_checks.mask(url) == shown


class _Ready(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - what our /readyz answers
        body = json.dumps({"status": "ready", "checks": {"database": "ok"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_running_instance_is_detected_and_nothing_starts():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        done = run_sh(PORT=str(port), FAKE_PORT=str(free_port()))
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 1
    assert f"The backend is already running on http://127.0.0.1:{port}" in done.stderr
    suggested = done.stderr.split("PORT=", 1)[1].split()
    web, fake = int(suggested[0]), int(suggested[1].removeprefix("FAKE_PORT="))
    assert web != fake and port not in (web, fake)
    assert "migrating" not in done.stdout and "starting" not in done.stdout


def test_a_busy_port_is_named_and_nothing_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_sh(PORT=str(free_port()), FAKE_PORT=str(port))
    assert done.returncode == 1
    assert f"Port {port} (FAKE_PORT) on 127.0.0.1 is in use by another program" in done.stderr
    assert "starting" not in done.stdout


def test_the_banner_masks_the_database_password():
    done = run_sh(PORT=str(free_port()), FAKE_PORT=str(free_port()),
                  DATABASE_URL="postgresql+psycopg://postgres:hunter2@127.0.0.1:1/nothing")
    assert done.returncode != 0  # nothing listens on port 1: the migration fails, after the banner line
    assert "==> migrating postgresql+psycopg://postgres:***@127.0.0.1:1/nothing" in done.stdout
    assert "hunter2" not in done.stdout + done.stderr
