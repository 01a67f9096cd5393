"""gunicorn.conf.py as gunicorn reads it: the deployed shape, and flags that may still override it."""
import re
import subprocess

import requests

from ..servers import BIN, ROOT, base_env, gunicorn, migrate


def effective(*flags: str) -> dict[str, str]:
    out = subprocess.run([str(BIN / "gunicorn"), "--print-config", *flags, "wsgi:app"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return dict(re.findall(r"^(\w+)\s+= (.*)$", out, re.M))


def test_the_config_file_is_read_from_the_working_directory_and_flags_override_the_count():
    cfg = effective("--workers", "3")  # no --config: ./gunicorn.conf.py, as `gunicorn wsgi:app` reads it
    assert cfg["worker_class"] == "serving.worker.BufferedThreadWorker"
    assert cfg["workers"] == "3" and int(cfg["threads"]) >= 4
    assert int(cfg["max_requests"]) > 0 and int(cfg["max_requests_jitter"]) > 0
    assert 0 < int(cfg["keepalive"]) <= 10
    # graceful shutdown outlasts the longest bounded request (WeChat: 4 calls of at most 5 s)
    assert int(cfg["graceful_timeout"]) >= 20


def test_access_lines_carry_no_query_string(tmp_path, fake_url):
    env = base_env(f"sqlite:///{tmp_path / 'log.db'}", fake_url)
    migrate(env)
    log = tmp_path / "access.log"
    with gunicorn(env, workers=1, args=("--access-logfile", str(log))) as url:
        r = requests.get(url + "/api/v1/activities", params={"q": "CANARY-110101199001011234"}, timeout=10)
        assert r.status_code in (200, 422)
    text = log.read_text()
    assert "/api/v1/activities" in text and "CANARY" not in text
