# Sourced by tests/deploy/run.sh, tests/deploy/swarm/run.sh and tests/fresh/run.sh: a Docker
# Engine, and Debian base images made with debootstrap when no registry is reachable. Expects
# `WORK` and `T0` (the run's start, in $SECONDS) from the caller; sets DOCKER (the CLI to use) and
# STARTED_DOCKERD (the engine's pid when this run started it). docker_engine_stop stops only an
# engine this run started. The two stack runs also share their images (stack_images) and their
# exit (on_exit).

DOCKER=docker
STARTED_DOCKERD=""
created_images=()   # removed at the end by on_exit, newest first

log() { printf '>> [%4ds] %s\n' "$((SECONDS - T0))" "$*"; }

as_root() { [ "$(id -u)" = 0 ] || { echo "$0: $1 (run as root, or provide it)" >&2; exit 1; }; }

apt_quiet() {  # apt_quiet PACKAGE...: install Debian packages, output only on failure
  as_root "missing: $*"
  log "installing $* (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } > "$WORK/apt.log" 2>&1 \
    || { tail -30 "$WORK/apt.log"; exit 1; }
}

docker_engine_start() {
  local need=()
  command -v dockerd >/dev/null || command -v docker >/dev/null || need+=(docker.io)
  [ "${#need[@]}" -eq 0 ] || apt_quiet "${need[@]}"
  # A CLI whose `docker build` does BuildKit (a build secret): buildx, or Debian's docker.io CLI.
  if ! docker buildx version >/dev/null 2>&1 && [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; fi
  export DOCKER_BUILDKIT=1
  if ! "$DOCKER" info >/dev/null 2>&1; then
    as_root "no Docker Engine answers"
    command -v dockerd >/dev/null || apt_quiet docker.io
    [ -x /usr/bin/docker ] && ! docker buildx version >/dev/null 2>&1 && DOCKER=/usr/bin/docker
    log "starting dockerd"
    dockerd > "$WORK/dockerd.log" 2>&1 &
    STARTED_DOCKERD=$!
    for _ in $(seq 1 120); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 0.5; done
    "$DOCKER" info >/dev/null 2>&1 || { cat "$WORK/dockerd.log"; echo "dockerd did not start" >&2; exit 1; }
  fi
}

docker_engine_stop() {
  [ -n "$STARTED_DOCKERD" ] || return 0
  "$DOCKER" builder prune -af >/dev/null 2>&1
  "$DOCKER" image prune -f >/dev/null 2>&1
  kill "$STARTED_DOCKERD" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$STARTED_DOCKERD" 2>/dev/null || break; sleep 0.5; done
  log "stopped the Docker Engine this run started"
}

# debootstrap_image NAME [PACKAGE,...]: Debian 12 (minbase, plus the packages) imported as NAME.
debootstrap_image() {
  local name="$1" include="${2:-}" rootfs="$WORK/rootfs-$$"
  command -v debootstrap >/dev/null || apt_quiet debootstrap
  as_root "debootstrap needs root"
  local mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  debootstrap --variant=minbase ${include:+--include="$include"} bookworm "$rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; exit 1; }
  cat > "$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} bookworm-security main
EOF
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar -C "$rootfs" -c . | "$DOCKER" import - "$name" >/dev/null
  rm -rf "$rootfs"
}

# on_exit NAME TEARDOWN: whatever the outcome (an error, Ctrl-C), TEARDOWN EXIT_CODE, then the
# images this run made, the engine it started and WORK are removed; exits with the exit code.
on_exit() {
  EXIT_NAME="$1" EXIT_TEARDOWN="$2"
  trap finish EXIT
  trap 'exit 130' INT TERM
}
finish() {
  local rc=$? i
  set +e
  trap - EXIT INT TERM
  log "tearing down"
  "$EXIT_TEARDOWN" "$rc"
  for ((i = ${#created_images[@]} - 1; i >= 0; i--)); do "$DOCKER" image rm -f "${created_images[i]}" >/dev/null 2>&1; done
  docker_engine_stop
  rm -rf "$WORK"
  log "$EXIT_NAME finished with exit code $rc after $((SECONDS - T0)) s"
  exit "$rc"
}

# build_image NAME CONTEXT [docker build args...]: its log in WORK, its seconds in WORK/build-seconds.
build_image() {
  local name="$1" context="$2" started=$SECONDS label="${1%:*}"
  shift 2
  created_images+=("$name")
  "$DOCKER" build -q -t "$name" "$@" "$context" > "$WORK/build-${name//[:\/]/_}.log" 2>&1 \
    || { tail -40 "$WORK/build-${name//[:\/]/_}.log"; echo "build of $name failed" >&2; exit 1; }
  echo "${label##*/} $((SECONDS - started))" >> "$WORK/build-seconds"
  log "built $name in $((SECONDS - started)) s"
}

# stack_images TAG RUN_ID: the images of the compose and Swarm stacks under this run's own tags.
# The base image debian:bookworm-slim: the engine's own, pulled, or made with debootstrap (and then
# removed at the end). The app image (APP_IMAGE, from ./Dockerfile) and PostgreSQL, Redis, nginx
# and Prometheus test images from Debian's packages (tests/deploy/images/; a user's machine uses
# the official images): TAG/<service>:RUN_ID. pip inside the build trusts what pip here trusts (a
# TLS-intercepting proxy's CA, PIP_CERT), as a BuildKit secret: used by the install step only, in
# no layer. A user's machine needs none.
stack_images() {
  local tag="$1" run_id="$2" base="debian:bookworm-slim" started=$SECONDS service
  if "$DOCKER" image inspect "$base" >/dev/null 2>&1; then
    log "base image $base is present"
  elif timeout 120 "$DOCKER" pull -q "$base" >/dev/null 2>&1; then
    log "base image $base pulled"
  else
    log "no registry: making $base with debootstrap"
    debootstrap_image "$base"
    created_images+=("$base")
    echo "base $((SECONDS - started))" >> "$WORK/build-seconds"
  fi
  local secret_args=()
  if [ -n "${PIP_CERT:-}" ] && [ -s "$PIP_CERT" ]; then secret_args=(--secret "id=pip_ca,src=$PIP_CERT"); fi
  APP_IMAGE="$tag/app:$run_id"
  build_image "$APP_IMAGE" "$ROOT" "${secret_args[@]}"
  for service in postgres redis nginx prometheus; do
    build_image "$tag/$service:$run_id" "$ROOT/tests/deploy/images/$service"
  done
}
