# One image for the Rasa server, the action server and the one-shot jobs (user-data migrations,
# retention purge): same code, same pinned environment. Debian 12's own python3 (3.11) in a venv.
#
#   DOCKER_BUILDKIT=1 docker build -t trigger-point-coach .
#
# It builds from the registry's debian:bookworm-slim, or from a local image of that name
# (tests/deploy/run.sh makes one with debootstrap when no registry is reachable). Behind a
# TLS-intercepting proxy, hand pip the proxy's CA bundle as a BuildKit secret; it is mounted
# for the install step only and never lands in a layer:
#   docker build --secret id=pip_ca,src=/etc/ssl/certs/ca-certificates.crt -t trigger-point-coach .
#
# The trained model is built INTO the image, next to the knowledge content it was trained with
# (knowledge/content/, read by the action server at run time; see deploy/README.md): the image is
# the unit that is tested, rolled out and rolled back, every replica serves the same model and
# content, and no volume has to be shared between nodes. A model in models/ of the build context
# that matches the inputs (scripts/train_if_stale.py: hash of config, domain, data, components,
# knowledge, lock file) is reused; otherwise it is trained here. Nothing is downloaded at run time.
FROM debian:bookworm-slim AS base
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# The Makefile's install, runtime part only (no test runner, linters or browser driver): uv from
# its hashed pin, then every runtime pin and rasa + rasa-sdk with --no-deps (they declare Python
# <3.11 but run on 3.11). No compiler: multidict 5.2.0 is built without its C extension (Makefile).
# The bytecode is compiled here and kept: the containers run read-only with PYTHONDONTWRITEBYTECODE,
# so without it every start compiled all it imported from source (docs/architecture.md "Start-up").
FROM base AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_DEFAULT_TIMEOUT=180 \
    UV_NO_CACHE=1 UV_HTTP_TIMEOUT=180 MULTIDICT_NO_EXTENSIONS=1
COPY requirements/uv.lock.txt requirements/runtime.lock.txt requirements/rasa.lock.txt /tmp/req/
RUN --mount=type=secret,id=pip_ca \
    if [ -s /run/secrets/pip_ca ]; then export PIP_CERT=/run/secrets/pip_ca SSL_CERT_FILE=/run/secrets/pip_ca; fi \
 && python -m pip install --quiet --require-hashes -r /tmp/req/uv.lock.txt \
 && uv pip install --quiet --compile-bytecode --python /opt/venv/bin/python --no-deps --require-hashes \
      -r /tmp/req/runtime.lock.txt -r /tmp/req/rasa.lock.txt \
 && pip uninstall --quiet --yes uv \
 && rm -rf /tmp/req
WORKDIR /app
COPY . .
ENV PYTHONPATH=/app RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
RUN python scripts/train_if_stale.py \
 && rm -rf .rasa \
 && find /app -name __pycache__ -prune -exec rm -rf {} +

FROM base
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Files stay root-owned and read-only to the app user: the code, the model and the knowledge
# content are never written at run time (the containers run with a read-only root filesystem).
RUN useradd --system --uid 10001 --user-group --home-dir /nonexistent --shell /usr/sbin/nologin app \
 && chmod 0755 /app/deploy/docker/entrypoint.sh
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH PYTHONPATH=/app PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HOME=/tmp MPLCONFIGDIR=/tmp/matplotlib RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1
USER 10001:10001
EXPOSE 5005 5055
# Healthy when this container's server answers: Rasa's REST channel once the model is loaded
# (about 30 s), or the action server's /health.
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=3 \
  CMD ["python", "/app/deploy/docker/healthcheck.py"]
ENTRYPOINT ["/app/deploy/docker/entrypoint.sh"]
CMD ["rasa"]
