#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) for the home
# page, a question page and the log-in page, served as in production: gunicorn,
# production settings, the demo data in a throw-away SQLite database, collected
# static files. Debian's Chromium runs headless; nothing leaves 127.0.0.1.
#
#   make lighthouse                        # or: tools/lighthouse.sh
#   LIGHTHOUSE_PRESET=desktop make lighthouse
#   LIGHTHOUSE_MIN=90 make lighthouse      # exit 1 if any score is below 90
#
# Reports (JSON and HTML, one per page) go to LIGHTHOUSE_OUT (default: a new
# temporary folder, printed at the end). Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
PRESET=${LIGHTHOUSE_PRESET:-mobile}
OUT=${LIGHTHOUSE_OUT:-$(mktemp -d -t mlqa-lighthouse.XXXXXX)}
MIN=${LIGHTHOUSE_MIN:-0}
mkdir -p "$OUT"

[ -x "$CHROME_PATH" ] || { echo "Chromium not found at $CHROME_PATH (apt-get install chromium)" >&2; exit 2; }
[ -x node_modules/.bin/lighthouse ] || npm ci --no-audit --no-fund

work=$(mktemp -d -t mlqa-lighthouse-site.XXXXXX)
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DJANGO_DEBUG=0 DJANGO_SSL_REDIRECT=0 DJANGO_EMAIL_CONSOLE=1 ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DATABASE_URL="sqlite:///$work/db.sqlite3"
unset REDIS_URL DJANGO_SETTINGS_MODULE

server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "Preparing a production-like site in $work ..."
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo --force >/dev/null  # a throw-away site with DEBUG off
$PY manage.py collectstatic --noinput -v0
question=$($PY manage.py shell -v0 -c "from questions.models import Question; print(Question.objects.published().order_by('pk').first().get_absolute_url())" | tail -n1)

$PY -m gunicorn mlqa_site.wsgi --workers 2 --bind "127.0.0.1:$port" --no-control-socket \
  --log-level warning >"$work/gunicorn.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/gunicorn.log"; exit 1; }
  sleep 0.2
done
curl -fsS "$base/healthz" >/dev/null

preset_flag=()
[ "$PRESET" = desktop ] && preset_flag=(--preset=desktop)
for page in "home=/" "question=$question" "login=/accounts/login/"; do
  name=${page%%=*}
  path=${page#*=}
  echo "Lighthouse ($PRESET): $base$path"
  # A time limit so that an audit waiting for the network cannot hang the run.
  timeout 300 node_modules/.bin/lighthouse "$base$path" \
    --quiet "${preset_flag[@]}" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run" \
    --output=json --output=html --output-path="$OUT/$name" \
    --max-wait-for-load=30000
done

$PY - "$OUT" "$MIN" "$PRESET" <<'EOF'
import json, sys
from pathlib import Path

out, minimum, preset = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
categories = ["performance", "accessibility", "best-practices", "seo"]
print(f"\nLighthouse scores ({preset}), reports in {out}")
print(f"{'page':<10}" + "".join(f"{c:>16}" for c in categories))
low = []
for name in ("home", "question", "login"):
    report = json.loads((out / f"{name}.report.json").read_text())
    scores = {c: report["categories"][c]["score"] for c in categories}
    row = [("n/a" if s is None else str(round(s * 100))) for s in scores.values()]
    print(f"{name:<10}" + "".join(f"{v:>16}" for v in row))
    for c, s in scores.items():
        if s is None or s * 100 < minimum:
            low.append(f"{name} {c}: {s}")
    for audit in report["audits"].values():
        if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") in ("binary", "numeric") and audit["id"] in {a["id"] for c in categories for a in report["categories"][c]["auditRefs"] if a["weight"] > 0}:
            print(f"    {name}: {audit['id']} ({audit['score']}): {audit['title']}")
if low:
    print("Below LIGHTHOUSE_MIN:", ", ".join(low))
    sys.exit(1)
EOF
