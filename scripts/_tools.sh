# Sourced by test.sh after _venv.sh: what the browser, lint and SDK tests need beyond Python.
# - Debian's chromium (Playwright drives it; no browser is ever downloaded) and a Chinese font for
#   its screenshots, from apt when missing (sudo only when not root).
# - The node packages of tools/openapi (redocly), tools/browser (axe-core, swagger-ui-dist) and
#   sdk/miniprogram (typescript, openapi-typescript): `npm ci` when a lock file changed since the
#   last install (a stamp in node_modules, as _venv.sh does for pip). No install scripts run.
if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh family 2>/dev/null | grep -q .; then
  echo "==> installing chromium and a Chinese font (apt)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q chromium fonts-wqy-microhei \
    || { $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium fonts-wqy-microhei; }
fi

if command -v npm >/dev/null; then
  export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false SCARF_ANALYTICS=false
  for dir in tools/openapi tools/browser sdk/miniprogram; do
    [ -f "$ROOT/$dir/package-lock.json" ] || continue
    stamp="$ROOT/$dir/node_modules/.installed-$(cat "$ROOT/$dir/package.json" "$ROOT/$dir/package-lock.json" | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
      echo "==> npm ci in $dir"
      (cd "$ROOT/$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
      touch "$stamp"
    fi
  done
else
  echo "==> npm not found: the lint, browser and SDK tests will be skipped (and fail with CI=true)"
fi
