#!/usr/bin/env bash
# Start the action server and the Rasa server (REST on localhost:5005) on embedded
# defaults, wait until the bot answers, and stop both cleanly on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export SANIC_HOST="${ACTIONS_HOST:-127.0.0.1}"   # the action server listens on localhost only
MODEL="$(cat models/LATEST)"
mkdir -p var
# What the bot writes (var/tracker.db, var/userdata.db and their -wal/-shm files, the token) is
# readable by its owner only; files from an earlier run are made so too.
umask 077
find var -maxdepth 1 -name '*.db*' -exec chmod 600 {} +
# The dependencies' own deprecation notices (TensorFlow, pkg_resources, click...) say nothing to
# someone running the bot: not shown. Set PYTHONWARNINGS yourself to see them.
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
# Reminders: the action server's scheduler sends due reminders through Rasa's HTTP API, which is
# only ever enabled with a token. Without RASA_AUTH_TOKEN a random one is made once (var/, 0600).
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  [ -s var/rasa-auth-token ] || (umask 077; "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))' > var/rasa-auth-token)
  RASA_AUTH_TOKEN="$(cat var/rasa-auth-token)"
fi
export RASA_AUTH_TOKEN
# The action server refuses every call without its shared secret, which Rasa sends (endpoints.yml).
# Without ACTION_SERVER_TOKEN a random one is made once (var/, 0600): the file the action server reads.
if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
  [ -s var/action-server-token ] || (umask 077; "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))' > var/action-server-token)
  ACTION_SERVER_TOKEN="$(cat var/action-server-token)"
fi
export ACTION_SERVER_TOKEN
export RASA_URL="${RASA_URL:-http://127.0.0.1:${RASA_PORT}}"
# Telegram and Slack read their settings from the environment (see credentials.yml): unset = off.
# Website widget: the demo page (scripts/serve_web.py) and the page origins allowed on the bot's
# socket (rasa run --cors; channels/socketio.py refuses any other origin). Space-separated, exact.
WEB_HOST="${WEB_HOST:-127.0.0.1}"
WEB_PORT="${WEB_PORT:-8080}"
read -r -a WEB_ORIGINS <<< "${WEB_ORIGINS:-http://localhost:${WEB_PORT} http://127.0.0.1:${WEB_PORT}}"

pids=()
cleanup() {
  echo; echo ">> stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo ">> starting action server on ${SANIC_HOST}:${ACTIONS_PORT}"
"$BIN/rasa" run actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)

echo ">> starting Rasa server on ${RASA_HOST:-127.0.0.1}:${RASA_PORT} with $MODEL"
"$BIN/rasa" run --model "$MODEL" --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" --credentials credentials.yml \
  --interface "${RASA_HOST:-127.0.0.1}" --port "$RASA_PORT" --cors "${WEB_ORIGINS[@]}" \
  --enable-api --auth-token="$RASA_AUTH_TOKEN" &
pids+=($!)

echo ">> starting the demo page (chat widget) on http://${WEB_HOST}:${WEB_PORT}"
"$BIN/python" -m scripts.serve_web --host "$WEB_HOST" --port "$WEB_PORT" \
  --socket-url "${RASA_SOCKET_URL:-http://127.0.0.1:${RASA_PORT}}" &
pids+=($!)

# Ready = the REST channel answers its health route (Rasa listens only once the model has
# loaded: measured 27 s here). A process that dies meanwhile, or no answer in 5 minutes, is an error.
printf ">> waiting for the bot (loading the model takes about 30 s)"
ready=""
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:${RASA_PORT}/webhooks/rest/" >/dev/null 2>&1; then ready=1; break; fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo; echo ">> a process exited during start-up (see its messages above)"; exit 1; }
  done
  printf "."; sleep 1
done
echo
[ -n "$ready" ] || { echo ">> the bot did not answer within 5 minutes"; exit 1; }
echo ">> ready. Try:"
echo "   curl -s localhost:${RASA_PORT}/webhooks/rest/webhook -H 'Content-Type: application/json' -d '{\"sender\": \"me\", \"message\": \"my lower back hurts\"}'"
echo "   or open http://localhost:${WEB_PORT} for the chat widget"
echo ">> Ctrl-C to stop."
wait -n "${pids[@]}"
