#!/usr/bin/env bash
# make test-fresh: the README's two commands on a machine like a newcomer's. A clean Debian 12
# image (debootstrap: minbase plus python3 make git curl ca-certificates, nothing else), a clean
# clone of the commit copied into it, then exactly:
#   make run   until the REST channel answers "my lower back hurts" with the checklist and the
#              page on :8080 returns 200; then Ctrl-C (SIGINT to its process group), and nothing
#              may be left listening;
#   make test  its summary line; only tests that need PostgreSQL, Redis or RabbitMQ (not in the
#              image) may skip.
# Package registries are reached as the deployment images reach them: this machine's CA bundle
# (PIP_CERT, for a TLS-intercepting proxy) is mounted at run time, never part of the image.
# Times of each step: reports/fresh.json. Everything it made is removed at the end.
#
# TPC_FRESH_TEST_ONLY=1 leaves `make run` out: `make test` then starts from the bare clone (install,
# training and all), which is what "a fresh clone's make test" measures.
#
# TPC_FRESH_WORKTREE=1 copies the working tree (tracked and untracked, not ignored files)
# instead of a clone of HEAD: for trying a change before committing it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
RUN_ID="$(date +%s)-$$"
WORK="$(mktemp -d /tmp/tpc-fresh.XXXXXX)"
IMAGE="tpc-fresh:$RUN_ID"
CONTAINER="tpc-fresh-$RUN_ID"
HOME_DIR=/root/trigger-point-coach
T0=$SECONDS
declare -A STEPS=()
image_made=""
container_made=""

# shellcheck source=tests/docker_engine.sh
source "$ROOT/tests/docker_engine.sh"

report() {  # report EXIT_CODE: reports/fresh.json
  mkdir -p "$ROOT/reports"
  {
    printf '{"commit": "%s", "exit_code": %s, "total_seconds": %s, "steps": {' \
      "${TESTED_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD)}" "$1" "$((SECONDS - T0))"
    local first=1 key
    for key in image clone make_run_ready make_run_stop make_test; do
      [ -n "${STEPS[$key]:-}" ] || continue
      [ -n "$first" ] || printf ', '
      printf '"%s": %s' "$key" "${STEPS[$key]}"
      first=""
    done
    printf '}, "make_test_summary": "%s"}\n' "$(tail -1 "$WORK/summary" 2>/dev/null || true)"
  } > "$ROOT/reports/fresh.json"
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  report "$rc"
  if [ -n "$container_made" ]; then
    if [ "$rc" != 0 ]; then
      for file in /tmp/run.log /tmp/test.log; do
        echo "---- $file in the container (last lines) ----"
        "$DOCKER" exec "$CONTAINER" tail -n 60 "$file" 2>/dev/null
      done
    fi
    "$DOCKER" rm -f "$CONTAINER" >/dev/null 2>&1
  fi
  [ -z "$image_made" ] || "$DOCKER" image rm -f "$IMAGE" >/dev/null 2>&1
  docker_engine_stop
  rm -rf "$WORK"
  log "test-fresh finished with exit code $rc after $((SECONDS - T0)) s (reports/fresh.json)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

inside() { "$DOCKER" exec "$CONTAINER" bash -c "$1"; }
step() { STEPS[$1]=$(($2)); log "$1: ${STEPS[$1]} s"; }

docker_engine_start

# -- the newcomer's machine ----------------------------------------------------------------------
started=$SECONDS
log "making a clean Debian 12 image (debootstrap: python3 make git curl ca-certificates)"
debootstrap_image "$IMAGE" python3,make,git,curl,ca-certificates
image_made=1
step image "SECONDS - started"

started=$SECONDS
if [ -n "${TPC_FRESH_WORKTREE:-}" ]; then
  mkdir "$WORK/src"
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard | (cd "$ROOT" && xargs -0 tar -c --ignore-failed-read 2>/dev/null) | tar -x -C "$WORK/src"
  git -C "$WORK/src" init -q && git -C "$WORK/src" add -A && git -C "$WORK/src" -c user.name=fresh -c user.email=fresh@localhost commit -qm worktree
  log "copied the working tree (as one commit)"
else
  git clone --quiet --no-local "$ROOT" "$WORK/src"
  git -C "$WORK/src" checkout --quiet --detach "$(git -C "$ROOT" rev-parse HEAD)"
  TESTED_COMMIT=$(git -C "$WORK/src" rev-parse --short HEAD)  # the report names what was tested
  log "cloned commit $TESTED_COMMIT"
fi
ca_args=()
if [ -n "${PIP_CERT:-}" ] && [ -s "$PIP_CERT" ]; then
  ca_args=(-v "$PIP_CERT:/run/host-ca.crt:ro" -e PIP_CERT=/run/host-ca.crt -e SSL_CERT_FILE=/run/host-ca.crt
           -e NODE_EXTRA_CA_CERTS=/run/host-ca.crt)
fi
"$DOCKER" run -d --name "$CONTAINER" --init --shm-size=1g "${ca_args[@]}" "$IMAGE" sleep infinity >/dev/null
container_made=1
"$DOCKER" cp "$WORK/src/." "$CONTAINER:$HOME_DIR"
step clone "SECONDS - started"
inside "python3 --version; make --version | head -1" | while read -r line; do log "container: $line"; done

# -- make run --------------------------------------------------------------------------------------
if [ -z "${TPC_FRESH_TEST_ONLY:-}" ]; then
started=$SECONDS
log "make run"
inside "cd $HOME_DIR && { setsid make run > /tmp/run.log 2>&1 & echo \$! > /tmp/run.pid; wait \$!; echo \$? > /tmp/run.rc; } >/dev/null 2>&1 &"
answer=""
for _ in $(seq 1 1200); do
  if inside "test -e /tmp/run.rc"; then echo "make run exited early" >&2; exit 1; fi
  if inside "curl -fsS -m 5 -o /dev/null http://127.0.0.1:5005/webhooks/rest/" 2>/dev/null; then
    answer="$(inside "curl -sS -m 60 http://127.0.0.1:5005/webhooks/rest/webhook -H 'Content-Type: application/json' -d '{\"sender\": \"newcomer\", \"message\": \"my lower back hurts\"}'")"
    break
  fi
  sleep 1
done
step make_run_ready "SECONDS - started"
echo "$answer" | python3 -c 'import json, sys; kinds = [(m.get("custom") or {}).get("kind") for m in json.load(sys.stdin)]; assert "checklist" in kinds, kinds' \
  || { echo "make run: 'my lower back hurts' got no checklist: $answer" >&2; exit 1; }
log "make run answered 'my lower back hurts' with the checklist"
page="$(inside "curl -sS -m 10 -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/")"
[ "$page" = 200 ] || { echo "make run: the page on :8080 answered $page" >&2; exit 1; }
log "the page on :8080 returned 200"
started=$SECONDS
inside 'kill -INT -- "-$(cat /tmp/run.pid)"'
for _ in $(seq 1 60); do inside "test -e /tmp/run.rc" && break; sleep 0.5; done
inside "test -e /tmp/run.rc" || { echo "make run did not stop within 30 s of Ctrl-C" >&2; exit 1; }
# Nothing listening: no TCP socket in state LISTEN (0A) in /proc/net/tcp{,6}.
listening="$(inside "awk 'NR > 1 && \$4 == \"0A\" {print \$2}' /proc/net/tcp /proc/net/tcp6")"
[ -z "$listening" ] || { echo "still listening after Ctrl-C: $listening" >&2; exit 1; }
step make_run_stop "SECONDS - started"
log "Ctrl-C stopped everything (exit code $(inside 'cat /tmp/run.rc')), nothing listening; $(inside 'wc -l < /tmp/run.log') lines of output"
fi

# -- make test -------------------------------------------------------------------------------------
started=$SECONDS
log "make test"
set +e
inside "cd $HOME_DIR && make test > /tmp/test.log 2>&1"
rc=$?
set -e
step make_test "SECONDS - started"
inside "grep -E '^=+ .*(passed|failed|error).* in [0-9.]+s' /tmp/test.log | tail -1" > "$WORK/summary" || true
log "make test: $(cat "$WORK/summary") (exit code $rc)"
[ "$rc" = 0 ] || { echo "make test failed in the clean container" >&2; exit 1; }
# A skip is allowed only for a service that is not in the image.
bad_skips="$(inside "grep -E '^SKIPPED' /tmp/test.log | grep -vE 'PostgreSQL|Redis|RabbitMQ' || true")"
[ -z "$bad_skips" ] || { echo "tests skipped for another reason than a missing service:"; echo "$bad_skips"; exit 1; } >&2
