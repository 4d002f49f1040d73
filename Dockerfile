# One image for the Rasa server and the action server (same code, same pinned environment).
# Build: docker build -t trigger-point-coach .   (see deploy/ for compose and Helm)
FROM python:3.11-slim-bookworm
ENV PYTHONPATH=/app PYTHONDONTWRITEBYTECODE=1 RASA_TELEMETRY_ENABLED=false SANIC_HOST=0.0.0.0
WORKDIR /app
COPY requirements/lock.txt requirements/lock.txt
# rasa 3.6 declares Python <3.11 but runs on 3.11: pinned deps first, then rasa without resolution
RUN pip install --no-cache-dir pip==24.3.1 \
 && pip install --no-cache-dir -r requirements/lock.txt \
 && pip install --no-cache-dir --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
COPY . .
RUN python -m knowledge.build && useradd --uid 1001 --create-home app && chown -R app /app
USER 1001
EXPOSE 5005 5055
ENTRYPOINT ["rasa"]
CMD ["run", "--model", "models", "--endpoints", "endpoints.production.yml", "--credentials", "credentials.yml"]
