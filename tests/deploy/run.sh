#!/usr/bin/env bash
# make test-deploy: build every image, start the compose stack (2 Rasa replicas, 2 action
# servers, nginx, PostgreSQL, Redis, fake Telegram/Slack APIs) and run tests/deploy/stack
# against it through nginx. Tears everything down whatever the outcome: containers, networks,
# volumes, the images it built, and the Docker Engine if it started one.
#
# No Docker Engine and root: installs Debian's docker.io (and docker-compose, debootstrap) and
# starts dockerd. No registry: the base image debian:bookworm-slim is made with debootstrap
# (once per run, shared by every image). PostgreSQL, Redis and nginx are test images built from
# Debian's packages (tests/deploy/images/); a user's machine uses the official images.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
RUN_ID="$(date +%s)-$$"
WORK="$(mktemp -d /tmp/tpc-deploy.XXXXXX)"
PROJECT="tpcdeploy$$"
TAG="tpc-deploy-test"
compose_ready=""
T0=$SECONDS

# shellcheck source=tests/docker_engine.sh
source "$ROOT/tests/docker_engine.sh"

teardown() {  # teardown EXIT_CODE: the compose project (its logs first when it failed)
  [ -n "$compose_ready" ] || return 0
  compose logs --no-color > "$WORK/compose.log" 2>&1
  if [ "$1" != 0 ]; then echo "---- compose logs (last lines of each service) ----"; compose logs --no-color --tail=25 2>&1 | grep -v '^lb_.*" [23]0[0-9] ' | tail -n 150; fi
  compose down -v --remove-orphans --timeout 20 >/dev/null 2>&1
}
on_exit test-deploy teardown

# -- tools and engine ------------------------------------------------------------------------
command -v openssl >/dev/null || apt_quiet openssl
docker_engine_start

if "$DOCKER" compose version >/dev/null 2>&1; then
  COMPOSE=("$DOCKER" compose)
else
  if ! command -v docker-compose >/dev/null; then
    apt_quiet docker-compose
  fi
  COMPOSE=(docker-compose)
fi
compose() {
  "${COMPOSE[@]}" -p "$PROJECT" -f "$ROOT/deploy/docker-compose.yml" -f "$ROOT/tests/deploy/compose.test.yml" "$@"
}
log "engine: $("$DOCKER" version --format '{{.Server.Version}}'), compose: $("${COMPOSE[@]}" version --short 2>/dev/null || echo '?')"

# -- images ------------------------------------------------------------------------------------
stack_images "$TAG" "$RUN_ID"
# The Prometheus configuration and alert rules, checked and unit-tested by the image's own promtool.
"$DOCKER" run --rm --network none -v "$ROOT/deploy/prometheus:/etc/prometheus:ro" --entrypoint /bin/sh \
  "$TAG/prometheus:$RUN_ID" -c 'cd /etc/prometheus && promtool check config prometheus.yml && promtool test rules alerts.test.yml' \
  > "$WORK/promtool.log" 2>&1 || { cat "$WORK/promtool.log"; echo "promtool found problems" >&2; exit 1; }
log "promtool: configuration, rules and rule tests pass"

# -- TLS (a CA of the test's own: nginx's certificate, the fake APIs' certificate) and secrets ----
TLS="$WORK/tls"
mkdir -p "$TLS"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tpc-deploy-test-ca" \
  -keyout "$TLS/ca-key.pem" -out "$TLS/ca.pem" 2>/dev/null
certificate() {  # certificate NAME SAN
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$TLS/$1-key.pem" -out "$TLS/$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\n' "$2" > "$TLS/$1.ext"
  openssl x509 -req -in "$TLS/$1.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca-key.pem" -CAcreateserial -days 2 \
    -extfile "$TLS/$1.ext" -out "$TLS/$1-cert.pem" 2>/dev/null
}
certificate lb "DNS:localhost,IP:127.0.0.1"
certificate fakes "DNS:fakes"
cp "$TLS/lb-cert.pem" "$TLS/cert.pem" && cp "$TLS/lb-key.pem" "$TLS/key.pem"
rm -f "$TLS/ca-key.pem" "$TLS"/*.csr
chmod 0644 "$TLS"/*.pem   # read by the containers' own users; a throw-away test key
"$DOCKER" run --rm --entrypoint cat "$APP_IMAGE" /opt/venv/lib/python3.11/site-packages/certifi/cacert.pem > "$WORK/ca-bundle.pem"
cat "$TLS/ca.pem" >> "$WORK/ca-bundle.pem"

secret() { openssl rand -hex 24; }
export TPC_IMAGE="$APP_IMAGE" POSTGRES_IMAGE="$TAG/postgres:$RUN_ID" REDIS_IMAGE="$TAG/redis:$RUN_ID" NGINX_IMAGE="$TAG/nginx:$RUN_ID"
export PROMETHEUS_IMAGE="$TAG/prometheus:$RUN_ID"
export TLS_DIR="$TLS" TPC_TESTS_DIR="$ROOT/tests" TPC_CA_BUNDLE="$WORK/ca-bundle.pem"
export LB_ADDRESS=127.0.0.1 LB_PORT="${TPC_DEPLOY_PORT:-18443}"
export RASA_PUBLIC_URL="https://localhost:$LB_PORT"   # the export links point at nginx
export POSTGRES_PASSWORD="$(secret)" REDIS_PASSWORD="$(secret)" RASA_AUTH_TOKEN="$(secret)" USERDATA_KEY="$(secret)"
export REST_AUTH_TOKEN="$(secret)" ACTION_SERVER_TOKEN="$(secret)"   # REST is off in the stack without its token
export TELEGRAM_ACCESS_TOKEN="123456789:AA$(secret)" TELEGRAM_SECRET_TOKEN="$(secret)" TELEGRAM_BOT_NAME=tpc_test_bot
export TELEGRAM_WEBHOOK_URL="https://localhost/webhooks/telegram/webhook" TELEGRAM_API_URL="https://fakes:8443"
export SLACK_BOT_TOKEN="xoxb-$(secret)" SLACK_SIGNING_SECRET="$(secret)" SLACK_API_URL="https://fakes:8444/api/"
export TPC_WEB_PORT="${TPC_DEPLOY_WEB_PORT:-18080}"   # the demo page for the widget test (loopback)
export WEB_ORIGINS="http://127.0.0.1:$TPC_WEB_PORT"
compose_ready=1

# -- the stack tests ---------------------------------------------------------------------------
export TPC_DEPLOY_STACK=1 TPC_STACK_PROJECT="$PROJECT" TPC_STACK_WORK="$WORK" TPC_DOCKER="$DOCKER"
export TPC_COMPOSE="${COMPOSE[*]}" TPC_SECONDS_BEFORE_STACK="$((SECONDS - T0))"
export TPC_DEPLOY_IMAGES="$APP_IMAGE $POSTGRES_IMAGE $REDIS_IMAGE $NGINX_IMAGE $PROMETHEUS_IMAGE"
log "running tests/deploy/stack"
"$ROOT/.venv/bin/python" -m pytest "$ROOT/tests/deploy/stack" -p no:cacheprovider -v
# A measurement, not a test: turns per second with 2 and 1 Rasa replicas, on the same stack.
if [ "${TPC_DEPLOY_BENCH:-0}" = 1 ]; then
  log "measuring throughput (bench/deploy_throughput.py, reports/deploy_throughput.json)"
  "$ROOT/.venv/bin/python" -m bench.deploy_throughput
fi
