"""The README's run command works from a fresh clone: migrates, seeds, starts the fake and
gunicorn, and a demo login through the fake succeeds over HTTP; the banner's line that confirms a
screen's sign-in ticket as the demo café staff works as printed.

The clone reuses this environment's virtualenv (VENV) so the test does not download packages;
CI's own fresh clone exercises the install step.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from .conftest import TEST_DB

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(TEST_DB != "sqlite", reason="the run command's default database is SQLite; once per suite")
def test_run_command_from_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    port, fake_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT", "DATABASE_URL", "APP_ENV"))}
    env.update(PORT=str(port), FAKE_PORT=str(fake_port), VENV=str(Path(sys.prefix)), WEB_CONCURRENCY="2")
    proc = subprocess.Popen(["bash", "scripts/run.sh"], cwd=clone, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, text=True)
    lines: list[str] = []  # read as it comes, so the banner can be used while the server runs
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/readyz", timeout=3).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None, "".join(lines)
            time.sleep(0.3)
        else:
            pytest.fail("server did not become ready")
        r = requests.post(f"{base}/auth/login", json={"code": "family#smoke"}, timeout=10)
        assert r.status_code == 200, r.text
        token = r.json()["token"]
        me = requests.get(f"{base}/me", headers={"Authorization": f"Bearer {token}"}, timeout=5).json()
        assert me["nickname"] == "王女士" and "family" in me["roles"]
        residents = requests.get(f"{base}/me/residents", headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert residents.json()["items"][0]["verification"] == "verified"
        assert requests.get(f"{base}/sites", timeout=5).json()["total"] == 4  # home, rehab station, café, device centre
        assert (clone / "instance" / "app.db").exists()
        confirm_a_screen_with_the_banners_line(lines, f"http://127.0.0.1:{port}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        reader.join(timeout=10)
    assert "curl" in "".join(lines)  # it printed how to log in


def confirm_a_screen_with_the_banners_line(lines: list[str], root: str) -> None:
    """A screen asks for a ticket; the banner's curl line, run as printed, signs it in as cafe-staff."""
    deadline = time.monotonic() + 30
    while not any("/confirm" in line for line in lines):
        assert time.monotonic() < deadline, "".join(lines)
        time.sleep(0.2)
    command = next(line for line in lines if "/confirm" in line).strip()
    board = next(line for line in lines if "order board" in line).split()[-1]
    screen = requests.Session()
    ticket = screen.post(f"{root}/api/v1/web-sessions", timeout=10).json()["ticket"]
    done = subprocess.run(["bash", "-c", command.replace("<ticket>", ticket)], capture_output=True, text=True,
                          timeout=30)
    assert '"status": "confirmed"' in done.stdout or '"status":"confirmed"' in done.stdout, done.stdout + done.stderr
    assert screen.get(f"{root}/api/v1/web-sessions/{ticket}", timeout=10).json()["status"] == "confirmed"
    page = screen.get(board, timeout=10)
    assert page.status_code == 200 and "订单屏" in page.text and "csrf-token" in page.text
