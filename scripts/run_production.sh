#!/usr/bin/env bash
# Production profile on one machine: two Rasa instances (5005, 5006) and the action server
# against PostgreSQL + Redis, as in the tested two-instance setup. Put any load balancer in
# front of 5005/5006: the Redis lock store makes sticky sessions unnecessary.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
umask 077   # anything written here (an SQLite user-data store without USERDATA_URL) is the owner's only
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:5055/webhook}"
export TRACKER_DB_HOST="${TRACKER_DB_HOST:-127.0.0.1}" TRACKER_DB_PORT="${TRACKER_DB_PORT:-5432}"
export TRACKER_DB_NAME="${TRACKER_DB_NAME:-tpc_tracker}" TRACKER_DB_USER="${TRACKER_DB_USER:-postgres}"
export TRACKER_DB_PASSWORD="${TRACKER_DB_PASSWORD:-}"
export REDIS_HOST="${REDIS_HOST:-127.0.0.1}" REDIS_PORT="${REDIS_PORT:-6379}" REDIS_PASSWORD="${REDIS_PASSWORD:-}" REDIS_DB="${REDIS_DB:-0}"
export SANIC_HOST="${ACTIONS_HOST:-127.0.0.1}"
for var in TELEGRAM_ACCESS_TOKEN TELEGRAM_BOT_NAME TELEGRAM_WEBHOOK_URL TELEGRAM_SECRET_TOKEN TELEGRAM_API_URL \
           SLACK_BOT_TOKEN SLACK_SIGNING_SECRET SLACK_CHANNEL SLACK_API_URL; do
  export "$var=${!var:-}"   # empty = that channel is off (403)
done
: "${RASA_AUTH_TOKEN:?set RASA_AUTH_TOKEN: the HTTP API is only enabled with a token}"
: "${ACTION_SERVER_TOKEN:?set ACTION_SERVER_TOKEN: the action server refuses every call without it}"
export ACTION_SERVER_TOKEN
MODEL="$(cat models/LATEST)"

# the tracker database must exist; Rasa creates its tables
psql -h "$TRACKER_DB_HOST" -p "$TRACKER_DB_PORT" -U "$TRACKER_DB_USER" -d postgres -tc \
  "SELECT 1 FROM pg_database WHERE datname = '$TRACKER_DB_NAME'" | grep -q 1 \
  || createdb -h "$TRACKER_DB_HOST" -p "$TRACKER_DB_PORT" -U "$TRACKER_DB_USER" "$TRACKER_DB_NAME"

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait' EXIT
trap 'exit 130' INT TERM
# the action server reads whole conversations (data exports) from the same tracker store
RASA_ENDPOINTS=endpoints.production.yml "$BIN/rasa" run actions --actions actions --port 5055 & pids+=($!)
for port in 5005 5006; do
  "$BIN/rasa" run --model "$MODEL" --endpoints endpoints.production.yml --credentials credentials.yml \
    --interface "${RASA_HOST:-127.0.0.1}" --port "$port" --enable-api --auth-token="$RASA_AUTH_TOKEN" & pids+=($!)
done
echo ">> action server :5055, Rasa instances :5005 and :5006 (Ctrl-C stops all)"
wait -n "${pids[@]}"
