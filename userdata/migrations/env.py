"""Alembic environment for the user-data store (online migrations only)."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from userdata.db import make_engine
from userdata.models import Base

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

connection = config.attributes.get("connection")
if connection is not None:  # given by userdata.migrate
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
