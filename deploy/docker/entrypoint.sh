#!/bin/sh
# The image's roles. Settings come from the environment only (deploy/README.md lists them).
#   rasa     the Rasa server: REST, widget (socket.io), Telegram and Slack channels, and the HTTP
#            API, which is only ever enabled with RASA_AUTH_TOKEN
#   actions  the action server: every call needs ACTION_SERVER_TOKEN (never publish its port)
#   migrate  apply the user-data schema migrations once (python -m userdata.migrate)
#   purge    the retention purge (python -m userdata.purge)
#   anything else is run as given (e.g. `rasa --version`)
set -eu
# Secrets as files (Docker/Swarm secrets under /run/secrets, Kubernetes secret volumes): NAME_FILE
# names a file whose content becomes NAME for this process and its children only, so the value
# is never in the container's configuration (`docker inspect`). Trailing newlines are dropped, as
# by `$(cat)`. Setting both NAME and NAME_FILE is an error; an unreadable file stops the start.
for name in RASA_AUTH_TOKEN ACTION_SERVER_TOKEN REST_AUTH_TOKEN USERDATA_KEY PGPASSWORD TRACKER_DB_PASSWORD \
    REDIS_PASSWORD TELEGRAM_ACCESS_TOKEN TELEGRAM_SECRET_TOKEN SLACK_BOT_TOKEN SLACK_SIGNING_SECRET; do
  file="$(printenv "${name}_FILE" || true)"
  [ -n "$file" ] || continue
  if [ -n "$(printenv "$name" || true)" ]; then echo "entrypoint: set $name or ${name}_FILE, not both" >&2; exit 64; fi
  [ -r "$file" ] || { echo "entrypoint: ${name}_FILE: cannot read $file" >&2; exit 66; }
  value="$(cat "$file")"
  export "$name=$value"
  unset "${name}_FILE"
done
unset name file value
role="${1:-rasa}"
[ "$#" -gt 0 ] && shift
# LOG_FORMAT=json: one JSON object a line from Rasa and the action server (observability/logs.py)
# on stdout; Python's own warnings at import time, before logging is set up, stay on stderr
json_logs=""
[ "${LOG_FORMAT:-text}" = json ] && json_logs="--logging-config-file /app/observability/logging-json.yml"
case "$role" in
  rasa)
    : "${RASA_AUTH_TOKEN:?set RASA_AUTH_TOKEN: the HTTP API is only enabled with a token}"
    # WEB_ORIGINS: the widget's page origins, exact and space-separated (rasa run --cors)
    # the endpoints file: --endpoints among the arguments, else RASA_ENDPOINTS, else production
    case " $* " in
      *" --endpoints "*) ;;
      *) set -- --endpoints "${RASA_ENDPOINTS:-endpoints.production.yml}" "$@" ;;
    esac
    # shellcheck disable=SC2086
    set -- --cors ${WEB_ORIGINS:-https://localhost} "$@"
    # shellcheck disable=SC2086
    exec rasa run --model "$(cat models/LATEST)" --credentials credentials.yml \
      --interface "${RASA_HOST:-0.0.0.0}" --port "${RASA_PORT:-5005}" \
      --enable-api --auth-token "$RASA_AUTH_TOKEN" $json_logs "$@"
    ;;
  actions)
    : "${ACTION_SERVER_TOKEN:?set ACTION_SERVER_TOKEN: the action server refuses every call without it}"
    # Inside the container's own network namespace: other containers of the stack reach it.
    export SANIC_HOST="${ACTIONS_HOST:-0.0.0.0}"
    # shellcheck disable=SC2086
    exec rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" $json_logs "$@"
    ;;
  migrate)
    exec python -m userdata.migrate "$@"
    ;;
  purge)
    exec python -m userdata.purge "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
