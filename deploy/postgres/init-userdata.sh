#!/bin/sh
# First start of the PostgreSQL container only (docker-entrypoint-initdb.d): the user-data
# database beside the tracker database. Its tables come from `python -m userdata.migrate`.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -c "CREATE DATABASE tpc_userdata OWNER \"$POSTGRES_USER\""
