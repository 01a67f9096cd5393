"""Start the real thing as a subprocess: gunicorn with several workers on a migrated database."""
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(database_url: str, fake_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT", "REDIS_URL", "RATELIMIT"))}
    env.update(APP_ENV="development", DATABASE_URL=database_url, WECHAT_API_BASE=fake_url + "/",
               WECHATPAY_API_BASE=fake_url + "/", LOG_LEVEL="WARNING", **extra)
    return env


def migrate(env: dict) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def flask_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)


@contextmanager
def scratch_postgres(pg_url: str):
    """A new, empty PostgreSQL database next to `pg_url`'s, dropped afterwards."""
    import uuid

    import sqlalchemy as sa
    name = f"scratch_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def gunicorn(env: dict, workers: int = 2, port: int | None = None, args: tuple[str, ...] = ()):
    """Yield the base URL of gunicorn serving wsgi:app with `workers` workers, configured as deployed
    (the repository's gunicorn.conf.py); `args` are more gunicorn flags."""
    port = port or free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
                             "--workers", str(workers), "--bind", f"127.0.0.1:{port}", *args,
                             "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
