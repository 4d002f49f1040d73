#!/bin/sh
# The image's roles. Settings come from the environment only (deploy/README.md lists them).
#   rasa     the Rasa server: REST, widget (socket.io), Telegram and Slack channels, and the HTTP
#            API, which is only ever enabled with RASA_AUTH_TOKEN (deploy/docker/rasa_server.py
#            hands it to Rasa: no token or key is ever a command-line argument)
#   actions  the action server: every call needs ACTION_SERVER_TOKEN (never publish its port)
#   migrate  apply the user-data schema migrations once (python -m userdata.migrate)
#   purge    the retention purge (python -m userdata.purge)
#   anything else is run as given (e.g. `rasa --version`)
set -eu
# Secrets as files (Docker/Swarm secrets under /run/secrets, Kubernetes Secret volumes): NAME_FILE
# names a file whose content becomes NAME for this process and its children only, so the value
# is never in the container's configuration (`docker inspect`, the pod's spec). Trailing newlines
# are dropped, as by `$(cat)`. Setting both NAME and NAME_FILE is an error; an unreadable file
# stops the start, but for the channels' keys (OPTIONAL): a Kubernetes Secret without a channel's
# key mounts no file, and that channel stays off, as with NAME unset.
OPTIONAL=" REST_AUTH_TOKEN TELEGRAM_ACCESS_TOKEN TELEGRAM_SECRET_TOKEN SLACK_BOT_TOKEN SLACK_SIGNING_SECRET "
# shellcheck disable=SC2086
for name in RASA_AUTH_TOKEN ACTION_SERVER_TOKEN USERDATA_KEY PGPASSWORD TRACKER_DB_PASSWORD REDIS_PASSWORD $OPTIONAL; do
  file="$(printenv "${name}_FILE" || true)"
  [ -n "$file" ] || continue
  if [ -n "$(printenv "$name" || true)" ]; then echo "entrypoint: set $name or ${name}_FILE, not both" >&2; exit 64; fi
  unset "${name}_FILE"
  case "$OPTIONAL" in *" $name "*) [ -e "$file" ] || continue ;; esac
  [ -r "$file" ] || { echo "entrypoint: ${name}_FILE: cannot read $file" >&2; exit 66; }
  value="$(cat "$file")"
  export "$name=$value"
done
unset OPTIONAL name file value
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
    # `rasa run`, the token added by rasa_server.py from the environment: never on the command
    # line, which anyone on the host sees (`ps`, `docker top`)
    # shellcheck disable=SC2086
    exec python "$(dirname "$0")/rasa_server.py" run --model "$(cat models/LATEST)" --credentials credentials.yml \
      --interface "${RASA_HOST:-0.0.0.0}" --port "${RASA_PORT:-5005}" \
      --enable-api $json_logs "$@"
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
