# Sourced by tests/deploy/run.sh and tests/fresh/run.sh: a Docker Engine, and Debian base images
# made with debootstrap when no registry is reachable. Expects `log` and `WORK` from the caller;
# sets DOCKER (the CLI to use) and STARTED_DOCKERD (the engine's pid when this run started it).
# docker_engine_stop stops only an engine this run started.

DOCKER=docker
STARTED_DOCKERD=""

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
