"""Alembic environment: the URL comes from the caller (api.db.migrate), the schema from api.db."""

from __future__ import annotations

from alembic import context

from api.db import Base, engine_for

config = context.config
url = config.attributes.get("connection_url") or config.get_main_option("sqlalchemy.url")


def run() -> None:
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    with engine_for(url).connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata,
                          render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()


run()
