"""mail/store: migrations keep data, the models match the migrations, deliveries are unique per step."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from scarleaflets.errors import ScarleafletsError
from scarleaflets.mail import Enrollment
from scarleaflets.mail.store import (
    ALL_CLINICS,
    PlannedDelivery,
    Store,
    StoreError,
    SuppressedError,
    make_engine,
    metadata,
    migrate,
)

NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


def head_revision() -> str:
    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("scarleaflets.mail") / "migrations"))
    return str(ScriptDirectory.from_config(config).get_current_head())


def patient(address: str, brand: str = "riverside", consent: dt.datetime = NOW) -> Enrollment:
    return Enrollment(
        address, None, "en", brand, "acne-education", "Europe/London", NOW.date(), consent, "form"
    )


def enroll(store: Store, new: Enrollment, at: dt.datetime = NOW) -> tuple[int, bool]:
    """Enroll with the keyed hash ``hash-<address>`` and two steps."""
    steps = [PlannedDelivery("welcome", 0, at), PlannedDelivery("types", 1, at + dt.timedelta(days=7))]
    return store.enroll(new, f"hash-{new.email}", steps, at, lambda eid, step: f"<{eid}.{step}@example.org>")


def rows(store: Store, sql: str) -> list[tuple[object, ...]]:
    with store.engine.connect() as connection:
        return [tuple(r) for r in connection.exec_driver_sql(sql)]


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
    assert version == head_revision()
    store.close()


def test_scoping_suppressions_keeps_every_delivery_and_gives_unsubscribes_their_clinic(db_url):
    """0005 rebuilds the tables on SQLite: with foreign keys on, dropping the old enrollments table would have
    cascaded into every delivery. Old unsubscribes become per clinic; bounces and erasures stay for all."""
    engine = make_engine(db_url)
    migrate(engine, "0004")
    enrollment = (
        "INSERT INTO enrollments (id, email, email_hash, name, locale, brand, series, timezone, start_date, "
        "consent_at, consent_source, status, created_at, updated_at) VALUES ({id}, 'p{id}@example.org', '{hash}', "
        "NULL, 'en', '{brand}', 'acne-education', 'UTC', '2026-11-01', '2026-11-01 10:00:00', 'form', '{status}', "
        "'2026-11-01 10:00:00', '2026-11-01 10:00:00')"
    )
    with engine.begin() as connection:
        for values in (
            {"id": 1, "hash": "u", "brand": "riverside", "status": "unsubscribed"},
            {"id": 2, "hash": "u", "brand": "harbor", "status": "active"},
            {"id": 3, "hash": "b", "brand": "harbor", "status": "suppressed"},
        ):
            connection.exec_driver_sql(enrollment.format(**values))
        connection.exec_driver_sql(
            "INSERT INTO deliveries (enrollment_id, step, step_index, due_at, status, attempts, next_attempt_at, "
            "message_id) VALUES (2, 'welcome', 0, '2026-11-02 09:00:00', 'pending', 0, '2026-11-02 09:00:00', "
            "'<m2@example.org>'), (1, 'welcome', 0, '2026-11-02 09:00:00', 'cancelled', 0, "
            "'2026-11-02 09:00:00', '<m1@example.org>')"
        )
        connection.exec_driver_sql(
            "INSERT INTO suppressions (email_hash, reason, created_at) VALUES ('u', 'unsubscribed', "
            "'2026-11-03 10:00:00'), ('b', 'bounced', '2026-11-03 10:00:00'), ('f', 'forgotten', "
            "'2026-11-03 10:00:00')"
        )
    engine.dispose()
    store = Store.open(db_url)
    assert rows(store, "SELECT id, enrollment_id, status FROM deliveries ORDER BY id") == [
        (1, 2, "pending"),
        (2, 1, "cancelled"),
    ]
    assert rows(store, "SELECT email_hash, scope, reason FROM suppressions ORDER BY email_hash") == [
        ("b", ALL_CLINICS, "bounced"),
        ("f", ALL_CLINICS, "forgotten"),
        ("u", "riverside", "unsubscribed"),
    ]
    store.close()


def test_ids_are_never_reused_after_an_erasure(db_url):
    """An erased patient's unsubscribe token and Message-IDs name their enrollment id: no later patient may
    get it, even when the erased one had the highest id (SQLite would reuse it without AUTOINCREMENT)."""
    store = Store.open(db_url)
    first, _ = enroll(store, patient("a@example.org"))
    erased, _ = enroll(store, patient("b@example.org"))
    erased_steps = rows(store, f"SELECT id FROM deliveries WHERE enrollment_id = {erased}")  # noqa: S608 (an int)
    assert store.forget("hash-b@example.org", NOW, "riverside") == 1
    later, _ = enroll(store, patient("c@example.org"))
    assert later > erased > first
    later_steps = rows(store, f"SELECT id FROM deliveries WHERE enrollment_id = {later}")  # noqa: S608 (an int)
    assert min(later_steps) > max(erased_steps)
    store.close()


def test_an_unsubscribe_stops_one_clinic_and_a_bounce_every_clinic(db_url):
    store = Store.open(db_url)
    enroll(store, patient("a@example.org", "riverside"))
    enroll(store, patient("a@example.org", "harbor"))
    assert store.unsubscribe("hash-a@example.org", "riverside", NOW) == 1
    assert store.unsubscribe("hash-a@example.org", "riverside", NOW) == 0  # idempotent
    assert store.enrollment_counts("riverside") == {"unsubscribed": 1}
    assert store.enrollment_counts("harbor") == {"active": 1}
    with pytest.raises(SuppressedError, match="for this clinic"):  # the same old consent cannot re-enroll
        enroll(store, patient("a@example.org", "riverside"))
    assert store.suppress("hash-a@example.org", "bounced", NOW, ALL_CLINICS) == 1
    assert store.enrollment_counts() == {"unsubscribed": 1, "suppressed": 1}
    assert rows(store, "SELECT DISTINCT status FROM deliveries") == [("cancelled",)]
    with pytest.raises(SuppressedError, match=r"bounced .* cannot be enrolled"):
        enroll(
            store, patient("a@example.org", "harbor", NOW + dt.timedelta(days=1)), NOW + dt.timedelta(days=1)
        )
    store.close()


def test_a_suppressed_address_is_not_a_database_failure():
    """Callers treat the two differently: an import reports a suppressed address on its row and goes on, while a
    database that cannot be used stops the command."""
    assert issubclass(SuppressedError, ScarleafletsError)
    assert not issubclass(SuppressedError, StoreError)
    assert not issubclass(StoreError, SuppressedError)


def test_enrolling_again_after_an_unsubscribe_needs_consent_given_after_it(db_url):
    store = Store.open(db_url)
    old, _ = enroll(store, patient("a@example.org"))
    later = NOW + dt.timedelta(days=3)
    store.unsubscribe("hash-a@example.org", "riverside", NOW + dt.timedelta(days=1))
    with pytest.raises(SuppressedError, match="needs consent given after that"):
        enroll(store, patient("a@example.org", consent=NOW + dt.timedelta(hours=1)), later)
    new, created = enroll(store, patient("a@example.org", consent=NOW + dt.timedelta(days=2)), later)
    assert created
    assert new > old  # a new enrollment with a new id; the old one stays unsubscribed
    assert store.enrollment_counts() == {"active": 1, "unsubscribed": 1}
    assert enroll(store, patient("a@example.org", consent=NOW + dt.timedelta(days=2)), later) == (new, False)
    assert rows(store, "SELECT COUNT(*) FROM suppressions") == [(0,)]  # the clinic's suppression is lifted
    store.close()


def test_erasure_touches_only_that_clinics_patient(db_url):
    store = Store.open(db_url)
    enroll(store, patient("a@example.org", "riverside"))
    assert store.forget("hash-a@example.org", NOW, "harbor") == 0  # not harbor's patient: nothing happens
    assert rows(store, "SELECT COUNT(*) FROM suppressions") == [(0,)]
    assert store.enrollment_counts() == {"active": 1}
    assert not store.was_erased("hash-a@example.org", "harbor")
    assert store.forget("hash-a@example.org", NOW, "riverside") == 1
    assert store.was_erased("hash-a@example.org", "riverside")
    assert rows(store, "SELECT email_hash, scope, reason FROM suppressions") == [
        ("hash-a@example.org", "riverside", "forgotten")
    ]
    assert rows(store, "SELECT COUNT(*) FROM enrollments") == [(0,)]
    store.close()


def test_the_tables_the_code_uses_are_exactly_what_the_migrations_create(db_url):
    store = Store.open(db_url)
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    store.close()


def test_one_delivery_per_enrollment_and_step(db_url):
    store = Store.open(db_url)
    new = Enrollment(
        "a@example.org", None, "en", "riverside", "acne-education", "Europe/London", NOW.date(), NOW, "test"
    )
    with pytest.raises(sa.exc.IntegrityError):
        store.enroll(
            new,
            "h",
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


@pytest.mark.slow  # over 3 s: many claiming threads
def test_concurrent_workers_never_claim_the_same_delivery(db_url):
    """Six workers, each with its own connection, claim and record until nothing is left: every delivery is
    claimed exactly once (BEGIN IMMEDIATE on SQLite; FOR UPDATE SKIP LOCKED, rechecked, on PostgreSQL)."""
    import threading

    store = Store.open(db_url)
    steps = [PlannedDelivery(f"s{i}", i, NOW - dt.timedelta(hours=i)) for i in range(8)]
    for n in range(120):
        store.enroll(
            Enrollment(
                f"p{n}@example.org", None, "en", "riverside", "acne-education", "UTC", NOW.date(), NOW, "t"
            ),
            f"h{n}",
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
    assert {row["status"] for row in store.status_rows(None)} == {"sent"}
    store.close()


def test_the_same_enrollment_at_the_same_moment_is_made_once(db_url):
    """Two servers receiving the same API request at once: one enrollment, and the others are told it exists
    (on PostgreSQL the unique index refuses the second insert; SQLite serialises the transactions)."""
    import threading

    Store.open(db_url).close()  # migrated once; Alembic's context is process-global, not thread-safe
    stores = [Store(make_engine(db_url)) for _ in range(6)]
    start = threading.Barrier(len(stores))
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def work(store: Store) -> None:
        try:
            start.wait()
            results.append(enroll(store, patient("same@example.org")))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert len({enrollment_id for enrollment_id, _ in results}) == 1
    assert rows(stores[0], "SELECT COUNT(*) FROM enrollments") == [(1,)]
    for store in stores:
        store.close()


@pytest.mark.parametrize("outcome", ["postpone", "retry"])
def test_a_claim_taken_back_after_an_unsubscribe_is_cancelled_not_reopened(db_url, outcome):
    """`unsubscribe` cannot cancel a claimed step (it may be with the mail server); when the worker then gives
    the claim back (outside the window, a temporary failure) it must not become pending again."""
    store = Store.open(db_url)
    store.enroll(
        Enrollment("u@example.org", None, "en", "riverside", "acne-education", "UTC", NOW.date(), NOW, "t"),
        "h",
        [PlannedDelivery("s0", 0, NOW), PlannedDelivery("s1", 1, NOW + dt.timedelta(days=1))],
        NOW,
        lambda eid, step: f"<{eid}.{step}@example.org>",
    )
    (claimed,) = store.claim_due(NOW, 10, "w", dt.timedelta(hours=1))
    assert store.unsubscribe("h", "riverside", NOW) == 1
    later = NOW + dt.timedelta(hours=1)
    if outcome == "postpone":
        store.postpone(claimed.id, "w", later)
    else:
        store.record_retry(claimed.id, "w", "451 try again", later, NOW)
    assert {row["status"] for row in store.status_rows(None)} == {"cancelled"}
    assert store.claim_due(later + dt.timedelta(days=2), 10, "w", dt.timedelta(hours=1)) == []
    store.close()


@pytest.mark.slow  # the real PostgreSQL server and five processes
def test_instances_starting_at_once_on_a_new_postgresql_database_all_open_it(postgres_server):
    """Two web services and three workers started together each migrate the database on opening: without a
    lock, all but one failed with a duplicate-key error from the same DDL (an advisory lock queues them)."""
    import subprocess
    import sys

    postgres_server.psql("CREATE DATABASE started_together;")
    url = postgres_server.get_uri("started_together").replace("postgresql://", "postgresql+psycopg://", 1)
    code = "import sys; from scarleaflets.mail.store import Store; Store.open(sys.argv[1]).close()"
    processes = [
        subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True)
        for _ in range(5)
    ]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 5, errors


def test_0008_adds_the_release_to_every_delivery_and_keeps_the_old_ones_unknown(db_url):
    """Deliveries sent before the upgrade keep everything, with no release (unknown); new outcomes record it."""
    engine = make_engine(db_url)
    migrate(engine, "0007")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO enrollments (email, email_hash, name, locale, brand, series, timezone, start_date, "
            "consent_at, consent_source, status, created_at, updated_at) VALUES ('old@example.org', 'h', NULL, "
            "'en', 'riverside', 'acne-education', 'UTC', '2026-11-01', '2026-11-01 10:00:00', 'form', "
            "'active', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO deliveries (enrollment_id, step, step_index, due_at, status, attempts, next_attempt_at, "
            "message_id, sent_at) VALUES (1, 'welcome', 0, '2026-11-02 09:00:00', 'sent', 1, "
            "'2026-11-02 09:00:00', '<m1@example.org>', '2026-11-02 09:00:00'), (1, 'types', 1, "
            "'2026-11-09 09:00:00', 'pending', 0, '2026-11-09 09:00:00', '<m2@example.org>', NULL)"
        )
    engine.dispose()
    store = Store.open(db_url)
    query = "SELECT step, status, attempts, message_id, release FROM deliveries ORDER BY id"
    assert rows(store, query) == [
        ("welcome", "sent", 1, "<m1@example.org>", None),
        ("types", "pending", 0, "<m2@example.org>", None),
    ]
    (due,) = store.claim_due(dt.datetime(2026, 11, 9, 9, tzinfo=dt.UTC), 10, "w", dt.timedelta(minutes=10))
    store.record_sent(due.id, "w", dt.datetime(2026, 11, 9, 9, tzinfo=dt.UTC), "12")
    assert [row[-1] for row in rows(store, query)] == [None, "12"]
    store.close()


def test_0009_adds_the_release_of_each_enrollment_and_keeps_the_old_ones_unknown(db_url):
    """Enrollments made before the upgrade keep everything, with no release (they follow the current one); a
    new enrollment records the release its series came from, and its claimed deliveries carry it."""
    engine = make_engine(db_url)
    migrate(engine, "0008")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO enrollments (email, email_hash, name, locale, brand, series, timezone, start_date, "
            "consent_at, consent_source, status, created_at, updated_at) VALUES ('old@example.org', 'h', NULL, "
            "'en', 'riverside', 'acne-education', 'UTC', '2026-11-01', '2026-11-01 10:00:00', 'form', "
            "'active', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO deliveries (enrollment_id, step, step_index, due_at, status, attempts, next_attempt_at, "
            "message_id) VALUES (1, 'welcome', 0, '2026-11-02 09:00:00', 'pending', 0, '2026-11-02 09:00:00', "
            "'<m1@example.org>')"
        )
    engine.dispose()
    store = Store.open(db_url)
    assert rows(store, "SELECT email, release FROM enrollments") == [("old@example.org", None)]
    store.enroll(
        patient("new@example.org"),
        "h2",
        [PlannedDelivery("welcome", 0, dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))],
        dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC),
        lambda eid, step: f"<{eid}.{step}@example.org>",
        release="7",
    )
    claimed = store.claim_due(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), 10, "w", dt.timedelta(minutes=10))
    assert sorted((due.enrollment.email, due.series_release) for due in claimed) == [
        ("new@example.org", "7"),
        ("old@example.org", None),
    ]
    store.close()


def test_a_blocked_delivery_waits_uncharged_and_is_reported_until_it_gets_past_the_content(db_url):
    store = Store.open(db_url)
    enroll(store, patient("a@example.org"))
    lease = dt.timedelta(minutes=10)
    (claimed,) = store.claim_due(NOW, 10, "w", lease)
    later = NOW + dt.timedelta(minutes=15)
    store.record_blocked(claimed.id, "w", "step 'welcome' not in the current content (release 3)", later)
    assert (
        store.claim_due(NOW + dt.timedelta(minutes=5), 10, "w", lease) == []
    )  # not before it is tried again
    assert [(r["step"], r["status"]) for r in store.status_rows(None)] == [
        ("welcome", "blocked"),
        ("types", "pending"),
    ]
    (trouble,) = store.trouble_rows("riverside")
    assert (trouble["status"], trouble["attempts"]) == ("blocked", 0)
    assert trouble["last_error"] == "blocked: step 'welcome' not in the current content (release 3)"
    (again,) = store.claim_due(later, 10, "w", lease)  # the next step still waits for it
    store.postpone(again.id, "w", later + dt.timedelta(hours=1))  # past the content check: no longer blocked
    assert store.trouble_rows("riverside") == []
    assert [(r["step"], r["status"]) for r in store.status_rows(None)] == [
        ("welcome", "pending"),
        ("types", "pending"),
    ]
    store.close()


def test_a_lapsed_claim_of_a_patient_who_unsubscribed_is_cancelled_not_kept_for_ever(db_url):
    store = Store.open(db_url)
    enroll(store, patient("a@example.org"))
    lease = dt.timedelta(minutes=10)
    assert len(store.claim_due(NOW, 10, "died", lease)) == 1
    store.unsubscribe("hash-a@example.org", "riverside", NOW + dt.timedelta(minutes=1))
    assert store.claim_due(NOW + dt.timedelta(minutes=5), 10, "w", lease) == []
    assert [r["status"] for r in store.trouble_rows(None)] == ["claimed"]  # its sender may still be at work
    assert store.claim_due(NOW + dt.timedelta(minutes=11), 10, "w", lease) == []
    assert store.trouble_rows(None) == []
    assert rows(store, "SELECT status, last_error, claimed_by FROM deliveries ORDER BY id") == [
        ("cancelled", "unsubscribed", None),
        ("cancelled", "unsubscribed", None),
    ]
    store.close()
