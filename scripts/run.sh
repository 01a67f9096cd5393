#!/usr/bin/env bash
# Run the server on a fresh machine: venv, install, migrate (SQLite under instance/ by default),
# seed demo data when empty, start the WeChat fake, the worker and gunicorn on 127.0.0.1:$PORT.
# DATABASE_URL and PORT override the defaults.
source "$(dirname "$0")/_venv.sh" requirements.txt
PORT="${PORT:-8000}"
FAKE_PORT="${FAKE_PORT:-8900}"
WORKERS="${WEB_CONCURRENCY:-3}"
export APP_ENV="${APP_ENV:-development}"
export WECHAT_API_BASE="${WECHAT_API_BASE:-http://127.0.0.1:$FAKE_PORT/}"
export WECHATPAY_API_BASE="${WECHATPAY_API_BASE:-http://127.0.0.1:$FAKE_PORT/}"
export WECHATPAY_NOTIFY_URL="${WECHATPAY_NOTIFY_URL:-http://127.0.0.1:$PORT/api/v1/payments/wechat/notify}"
mkdir -p instance

# A second run while one runs, or a port another program holds: say so before starting anything.
for check in "PORT $PORT $FAKE_PORT" "FAKE_PORT $FAKE_PORT $PORT"; do
  # shellcheck disable=SC2086
  python scripts/_run_checks.py port $check || exit 1
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "==> migrating $(python scripts/_run_checks.py mask "${DATABASE_URL:-sqlite:///instance/app.db}")"
flask --app wsgi db upgrade
flask --app wsgi seed-demo --if-empty

echo "==> starting the WeChat fake on 127.0.0.1:$FAKE_PORT"
python -m devtools.fake_wechat --port "$FAKE_PORT" --keys-dir instance/wechatpay &
pids+=($!)
echo "==> starting the worker"
flask --app wsgi worker &
pids+=($!)
echo "==> starting gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
# gunicorn.conf.py: worker class, read timeouts, restarts, and access lines without query strings.
gunicorn --config gunicorn.conf.py --workers "$WORKERS" --bind "127.0.0.1:$PORT" --access-logfile - "wsgi:app" &
pids+=($!)

ready=""
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && { ready=1; break; }
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "The backend did not become ready on 127.0.0.1:$PORT within 20 s: see the log above." >&2
  exit 1
fi
CAFE_ID="$(curl -fsS "http://127.0.0.1:$PORT/api/v1/sites?kind=cafe" 2>/dev/null \
  | python -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])' 2>/dev/null || echo '<site_id>')"
cat <<MSG

助残服务 backend is running: http://127.0.0.1:$PORT/api/v1/docs (OpenAPI: /api/v1/openapi.json)
Log in through the fake WeChat with a demo code (a code is single-use; add #anything for a fresh one):

  curl -s -X POST http://127.0.0.1:$PORT/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code": "family#1"}'
  curl -s http://127.0.0.1:$PORT/api/v1/me -H "Authorization: Bearer <token from above>"
  curl -s http://127.0.0.1:$PORT/api/v1/sites

Demo users (code = openid): family, resident, volunteer, home-staff, rehab-staff, cafe-staff, admin.
$(python scripts/_run_checks.py cafe "http://127.0.0.1:$PORT")

Café screens (docs/SCREENS.md), signed in by scanning their QR code with the mini-program:
  order board  http://127.0.0.1:$PORT/board/cafes/$CAFE_ID
  ready screen http://127.0.0.1:$PORT/board/cafes/$CAFE_ID/ready
Staff console (the same sign-in; in the curl line below use home-staff, rehab-staff, device-staff or admin):
  console      http://127.0.0.1:$PORT/console/
Without a phone, confirm the screen's ticket (shown under its QR code in development) as the demo café staff:

  curl -s -X POST http://127.0.0.1:$PORT/api/v1/web-sessions/<ticket>/confirm -H "Authorization: Bearer \$(curl -s -X POST http://127.0.0.1:$PORT/api/v1/auth/login -H 'Content-Type: application/json' -d '{"code": "cafe-staff#'\$RANDOM'"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
