#!/usr/bin/env bash
# make test-swarm: the production stack on Docker Swarm (deploy/swarm/stack.yml) on a one-node
# swarm, and tests/deploy/swarm against it: a rolling update of Rasa under load, a killed task
# replaced by the orchestrator, secrets never visible in `docker inspect`.
#
# As tests/deploy/run.sh: a Docker Engine (installed and started when root and none answers),
# the base image made with debootstrap when no registry answers, PostgreSQL, Redis, nginx and
# Prometheus test images from Debian's packages. `docker swarm init` only when this engine is
# not in a swarm, and then `docker swarm leave --force` at the end. Whatever the outcome, it
# removes the stack, its volumes, the images it built, the swarm and the engine it started; it
# never touches other containers, images, networks or stacks on the same engine.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT="$PWD"
RUN_ID="$(date +%s)-$$"
WORK="$(mktemp -d /tmp/tpc-swarm.XXXXXX)"
STACK="tpcswarm$$"
TAG="tpc-swarm-test"
swarm_joined=""
gwbridge_created=""
stack_deployed=""
T0=$SECONDS

# shellcheck source=tests/docker_engine.sh
source "$ROOT/tests/docker_engine.sh"

stack_containers() { "$DOCKER" ps -aq --filter "label=com.docker.stack.namespace=$STACK"; }

teardown() {  # teardown EXIT_CODE: the stack (its services' logs first when it failed), the swarm
  if [ -n "$stack_deployed" ]; then
    for service in $("$DOCKER" stack services -q "$STACK" 2>/dev/null); do
      "$DOCKER" service logs --raw --no-trunc "$service" > "$WORK/service-$service.log" 2>&1
      if [ "$1" != 0 ]; then
        echo "---- $("$DOCKER" service inspect -f '{{.Spec.Name}}' "$service") (last lines) ----"
        tail -n 20 "$WORK/service-$service.log"
      fi
    done
    "$DOCKER" stack rm "$STACK" >/dev/null 2>&1
    for _ in $(seq 1 120); do [ -z "$(stack_containers)" ] && break; sleep 0.5; done
    for _ in $(seq 1 60); do
      [ -z "$("$DOCKER" network ls -q --filter "label=com.docker.stack.namespace=$STACK")" ] && break
      sleep 0.5
    done
    "$DOCKER" volume ls -q --filter "label=com.docker.stack.namespace=$STACK" | xargs -r "$DOCKER" volume rm -f >/dev/null 2>&1
  fi
  if [ -n "$swarm_joined" ]; then
    "$DOCKER" swarm leave --force >/dev/null 2>&1 && log "left the swarm this run initialised"
    [ -n "$gwbridge_created" ] && "$DOCKER" network rm docker_gwbridge >/dev/null 2>&1
  fi
  return 0
}
on_exit test-swarm teardown

command -v openssl >/dev/null || apt_quiet openssl
docker_engine_start
log "engine: $("$DOCKER" version --format '{{.Server.Version}}')"

# -- images (as tests/deploy/run.sh, under this run's own tags) ---------------------------------
stack_images "$TAG" "$RUN_ID"
# The rolling update's "new version": the same image under another tag (a new image for Swarm).
"$DOCKER" tag "$APP_IMAGE" "$APP_IMAGE-next"
created_images+=("$APP_IMAGE-next")

# -- TLS and the secrets (files, made into Docker secrets by `docker stack deploy`) -------------
TLS="$WORK/tls"
SECRETS="$WORK/secrets"
mkdir -p "$TLS" && mkdir -m 700 "$SECRETS"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$TLS/key.pem" -out "$TLS/cert.pem" 2>/dev/null
cp "$TLS/cert.pem" "$TLS/ca.pem"
for name in postgres_password redis_password rasa_auth_token action_server_token rest_auth_token userdata_key; do
  openssl rand -hex 24 | tr -d '\n' > "$SECRETS/$name"
done

# -- the swarm -----------------------------------------------------------------------------------
if [ "$("$DOCKER" info --format '{{.Swarm.LocalNodeState}}')" = active ]; then
  log "this engine is already in a swarm: using it (it is left as it is)"
else
  "$DOCKER" network inspect docker_gwbridge >/dev/null 2>&1 || gwbridge_created=1
  "$DOCKER" swarm init --advertise-addr 127.0.0.1 >/dev/null
  swarm_joined=1
  log "initialised a one-node swarm"
fi

export TPC_IMAGE="$APP_IMAGE" TPC_NEXT_IMAGE="$APP_IMAGE-next" POSTGRES_IMAGE="$TAG/postgres:$RUN_ID"
export REDIS_IMAGE="$TAG/redis:$RUN_ID" NGINX_IMAGE="$TAG/nginx:$RUN_ID" PROMETHEUS_IMAGE="$TAG/prometheus:$RUN_ID"
export TPC_SECRETS_DIR="$SECRETS" TLS_DIR="$TLS" LB_PORT="${TPC_SWARM_PORT:-18543}"
export RASA_PUBLIC_URL="https://localhost:$LB_PORT"
# All the load comes from one address: nginx's per-client limits would refuse it (the compose
# test checks the real limits).
export NGINX_LIMITS="$ROOT/tests/deploy/limits-measure.conf"
export TPC_SWARM_STACK=1 TPC_STACK_PROJECT="$STACK" TPC_STACK_WORK="$WORK" TPC_DOCKER="$DOCKER"
export TPC_SECONDS_BEFORE_STACK="$((SECONDS - T0))"
stack_deployed=1
log "running tests/deploy/swarm (stack $STACK)"
"$ROOT/.venv/bin/python" -m pytest "$ROOT/tests/deploy/swarm" -p no:cacheprovider -v
