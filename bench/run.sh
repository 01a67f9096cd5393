#!/usr/bin/env bash
# Benchmarks against PostgreSQL under gunicorn (see bench/README.md): venv, wrk, a fresh database
# (BENCH_DATABASE_URL) migrated and bulk-seeded, the WeChat fake and gunicorn (4 workers, APP_ENV=bench),
# then bench/measure.py prints the table and saves it under bench/results/.
# Extra arguments go to bench/measure.py (e.g. `bench/run.sh --only activities menu`).
# BENCH_SKIP_SEED=1 reuses the database as it is (the signup burst needs a fresh seed).
source "$(dirname "$0")/../scripts/_venv.sh" requirements-dev.txt
export BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/bench}"
PORT="${BENCH_PORT:-18000}"
FAKE_PORT="${BENCH_FAKE_PORT:-18900}"
export BENCH_WORKERS="${BENCH_WORKERS:-4}"
WORKERS="$BENCH_WORKERS"
KEYS="$ROOT/instance/bench-wechatpay"

if ! command -v wrk >/dev/null; then
  echo "==> installing wrk"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y wrk || { $SUDO apt-get update && $SUDO apt-get install -y wrk; }
fi

export APP_ENV=bench
export DATABASE_URL="$BENCH_DATABASE_URL"
export WECHAT_API_BASE="http://127.0.0.1:$FAKE_PORT/"
export WECHATPAY_API_BASE="http://127.0.0.1:$FAKE_PORT/"
export WECHATPAY_NOTIFY_URL="http://127.0.0.1:$PORT/api/v1/payments/wechat/notify"
export WECHATPAY_DEV_KEYS_DIR="$KEYS"
mkdir -p "$KEYS" bench/results

if [ "${BENCH_SKIP_SEED:-0}" != 1 ]; then
  echo "==> recreating $BENCH_DATABASE_URL"
  python -m bench.recreate_db "$BENCH_DATABASE_URL"
  flask --app wsgi db upgrade 2>&1 | grep -v '^INFO' || true
  python -m bench.seed
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "==> starting the WeChat fake on 127.0.0.1:$FAKE_PORT and gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
python -m devtools.fake_wechat --port "$FAKE_PORT" --keys-dir "$KEYS" >/dev/null 2>&1 &
pids+=($!)
# The production shape (gunicorn.conf.py); only the worker count, the port and the backlog differ.
gunicorn --config gunicorn.conf.py --workers "$WORKERS" --bind "127.0.0.1:$PORT" --backlog 2048 --log-level warning "wsgi:app" &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$PORT/bench/hello" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/bench/hello" >/dev/null || { echo "gunicorn did not come up (is APP_ENV=bench honoured?)"; exit 1; }

echo "==> measuring (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
python -m bench.measure --base "http://127.0.0.1:$PORT" --db "$BENCH_DATABASE_URL" "$@"
