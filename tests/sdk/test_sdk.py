"""The mini-program SDK's own tests (`npm test` in sdk/miniprogram: type-check, build, unit tests
against a fake wx, and the live test) against the real thing: a fresh database migrated and seeded
with `flask --app wsgi seed-demo`, the WeChat fake and gunicorn, reached over HTTP only."""
import re
from contextlib import contextmanager
from pathlib import Path

from ..conftest import PG_URL, TEST_DB
from ..servers import base_env, flask_cli, gunicorn, scratch_postgres
from ..tooling import node_package, run_node


@contextmanager
def scratch_database(tmp_path: Path):
    if TEST_DB == "postgresql":
        with scratch_postgres(PG_URL) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'sdk.db'}"


def test_sdk_npm_test_against_gunicorn(database_url, fake_url, keys, tmp_path):
    # `database_url` only for its policy: PostgreSQL unreachable → skipped locally, failed in CI.
    sdk = node_package("sdk/miniprogram")
    with scratch_database(tmp_path) as url:
        env = base_env(url, fake_url, **{k: v for k, v in keys.items() if k.startswith("WECHATPAY_")})
        flask_cli(env, "db", "upgrade")
        assert "demo data created" in flask_cli(env, "seed-demo").stdout
        with gunicorn(env, workers=2) as base:
            result = run_node(["npm", "test"], cwd=sdk, API_BASE=base)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"npm test failed (exit {result.returncode}):\n{output[-8000:]}"
    # The live test ran (API_BASE reached it) and nothing was skipped or failed.
    assert re.search(r"✔ live: ", output), output[-4000:]
    assert re.search(r"^ℹ skipped 0$", output, re.M) and re.search(r"^ℹ fail 0$", output, re.M), output[-4000:]
