"""Alembic environment: SQLModel.metadata is the target; the URL comes from the settings
(or from the caller, via config attribute "engine" or main option "sqlalchemy.url")."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bot.schema  # noqa: F401 - registers every table on SQLModel.metadata
from bot.config import load_settings
from bot.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = config.attributes.get("engine") or make_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
