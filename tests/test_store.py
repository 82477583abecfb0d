"""store.py: migrations keep data, the models match the migrations, deliveries are unique per step."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from scarleaflets.store import NewEnrollment, PlannedDelivery, Store, make_engine, metadata, migrate

NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


def test_upgrading_an_existing_database_keeps_its_data(db_url):
    url = db_url
    engine = make_engine(url)
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO enrollments (email, email_hash, name, locale, brand, series, timezone, start_date, "
            "consent_at, consent_source, status, created_at, updated_at) VALUES ('old@example.org', 'h', 'Old', "
            "'en', 'riverside', 'acne-education', 'Europe/London', '2026-11-01', '2026-11-01 10:00:00', 'form', "
            "'active', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"
        )
        columns = {c["name"] for c in sa.inspect(connection).get_columns("deliveries")}
        assert "claimed_by" not in columns
    engine.dispose()
    store = Store.open(url)  # migrates to the newest revision
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT email FROM enrollments").scalar() == "old@example.org"
        columns = {c["name"] for c in sa.inspect(connection).get_columns("deliveries")}
        assert "claimed_by" in columns
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version == "0006"
    store.close()


def test_the_tables_the_code_uses_are_exactly_what_the_migrations_create(db_url):
    store = Store.open(db_url)
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    store.close()


def test_one_delivery_per_enrollment_and_step(db_url):
    store = Store.open(db_url)
    new = NewEnrollment(
        "a@example.org",
        "h",
        None,
        "en",
        "riverside",
        "acne-education",
        "Europe/London",
        NOW.date(),
        NOW,
        "test",
    )
    with pytest.raises(sa.exc.IntegrityError):
        store.enroll(
            new,
            [PlannedDelivery("welcome", 0, NOW), PlannedDelivery("welcome", 1, NOW)],
            NOW,
            lambda eid, step: f"<{eid}.{step}@example.org>",
        )
    assert store.enrollment_counts() == {}  # the failed enrollment left nothing behind
    store.close()


def test_wal_mode_and_a_file_under_var(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'var' / 'x.db'}")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert (tmp_path / "var" / "x.db").is_file()
    store.close()


def test_concurrent_workers_never_claim_the_same_delivery(db_url):
    """Six workers, each with its own connection, claim and record until nothing is left: every delivery is
    claimed exactly once (BEGIN IMMEDIATE on SQLite; FOR UPDATE SKIP LOCKED, rechecked, on PostgreSQL)."""
    import threading

    store = Store.open(db_url)
    steps = [PlannedDelivery(f"s{i}", i, NOW - dt.timedelta(hours=i)) for i in range(8)]
    for n in range(120):
        store.enroll(
            NewEnrollment(
                f"p{n}@example.org",
                f"h{n}",
                None,
                "en",
                "riverside",
                "acne-education",
                "UTC",
                NOW.date(),
                NOW,
                "t",
            ),
            steps,
            NOW,
            lambda eid, step: f"<{eid}.{step}@example.org>",
        )
    total = 120 * len(steps)
    claimed: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(name: str, worker_store: Store) -> None:
        try:
            start.wait()
            while batch := worker_store.claim_due(NOW, 2, name, dt.timedelta(hours=1)):
                for delivery in batch:
                    claimed.append(delivery.id)
                    worker_store.record_sent(delivery.id, name, NOW)
        except BaseException as exc:  # reported below, with the worker's name
            errors.append(exc)
        finally:
            worker_store.close()

    # Opened here, one after the other: Alembic's migration context is process-global, not thread-safe.
    threads = [threading.Thread(target=work, args=(f"w{i}", Store.open(db_url))) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(claimed) == total, f"{len(claimed) - len(set(claimed))} deliveries claimed twice"
    assert len(set(claimed)) == total
    assert {row["status"] for row in store.status_rows()} == {"sent"}
    store.close()
