"""Opening the mail store: database URLs, the engine (SQLite in WAL mode, or PostgreSQL), migrations
(Alembic, applied when the store opens, so an upgrade never loses data) and the base every part of the store
builds on: an engine and short transactions. :class:`StoreError` is the database failing, never a patient's
state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ...errors import ScarleafletsError
from ...idle import head_revision

MIGRATION_LOCK = 0x5CA21EAF  # the PostgreSQL advisory lock key that serialises migrations


class StoreError(ScarleafletsError):
    """The database cannot be used (bad URL, unreachable, newer schema than this version knows)."""


def default_url(project_root: Path) -> str:
    return f"sqlite:///{project_root / 'var' / 'scarleaflets.db'}"


def database_problem(exc: sa.exc.SQLAlchemyError) -> str:
    """One line on a database failure, safe for logs: the driver's own first line ("connection refused",
    "database is locked") names the server or file, never a row. SQLAlchemy's full message would add the
    statement's parameters (e-mail addresses, names), and PostgreSQL's detail lines can quote a whole row."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__


def make_engine(url: str) -> Engine:
    try:
        # hide_parameters: no bound value (an e-mail address, a name) in any exception message or log line.
        # pool_pre_ping: a server restart costs one failed pass, not every pooled connection failing in turn.
        server = sa.engine.make_url(url).get_backend_name() != "sqlite"
        engine = sa.create_engine(url, future=True, hide_parameters=True, pool_pre_ping=server)
    except sa.exc.ArgumentError as exc:
        raise StoreError(
            f"cannot use database URL: {exc}; write it like sqlite:///var/scarleaflets.db"
        ) from None
    except ImportError as exc:
        raise StoreError(
            f"cannot use database URL: its driver ({exc.name}) is not installed; for PostgreSQL install "
            "the driver with pip install 'scarleaflets[postgres]' and write postgresql+psycopg://…"
        ) from None
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot make the database's folder {Path(database).parent}: {exc.strerror}; "
                    "choose another place with --db or SCARLEAFLETS_DB"
                ) from None

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:  # noqa: ANN401 (DBAPI object)
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: safe against crashes, one fsync less
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def at_head(engine: Engine) -> bool:
    """Whether the schema is already the newest: then opening the store needs no migration, and no Alembic
    (whose import costs more than an idle send pass)."""
    try:
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except sa.exc.SQLAlchemyError:
        return False  # no schema yet, or a database the migration will report on
    return version is not None and version == head_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default); data is kept (each migration keeps it)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("scarleaflets.mail") / "migrations"))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        # SQLite rebuilds a table to change it; with foreign keys on, dropping the old enrollments table would
        # cascade into every delivery. The pragma is ignored inside a transaction, so it is set before one,
        # and the keys are checked before the migration commits (SQLite's documented procedure).
        raw = connection.connection.driver_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Several instances starting at once on one server would each see the same old revision
                    # and run the same DDL (a duplicate-key error for all but one). The lock queues them for
                    # this transaction; each then reads the revision the one before it committed. (SQLite:
                    # BEGIN IMMEDIATE does this.)
                    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise StoreError("the migration left rows that break a foreign key; nothing was changed")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


class Database:
    """An open store: its engine and short transactions (``BEGIN IMMEDIATE`` on SQLite)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Self:
        engine = make_engine(url)
        try:
            if not at_head(engine):
                migrate(engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open the database: {database_problem(exc)}") from None
        return cls(engine)

    def check(self) -> None:
        """Raise SQLAlchemyError unless the database answers (the web service's /healthz)."""
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()
