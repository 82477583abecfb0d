"""Alembic environment for scarleaflets: the connection comes from the caller (store.migrate)."""

from __future__ import annotations

from alembic import context

from scarleaflets.mail.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always given by store.migrate
    raise RuntimeError("run migrations through `scarleaflets` (store.migrate), which passes the connection")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
