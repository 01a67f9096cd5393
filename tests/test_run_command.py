"""The README's run command works from a fresh clone: migrates, seeds, starts the fake and
gunicorn, and a demo login through the fake succeeds over HTTP.

The clone reuses this environment's virtualenv (VENV) so the test does not download packages;
CI's own fresh clone exercises the install step.
"""
import os
import signal
import socket
import subprocess
import sys
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
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/readyz", timeout=3).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None, proc.stdout.read()
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
        assert requests.get(f"{base}/sites", timeout=5).json()["total"] == 3
        assert (clone / "instance" / "app.db").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
    assert "curl" in out  # it printed how to log in
