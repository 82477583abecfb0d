"""Benchmark of the email series, measured side by side in one run (ratios, not absolute times).

    .venv/bin/python bench/email.py [--deliveries 2000] [--enrollments 1000000] [--postgres]

(a) end-to-end sending — claim, render, SMTP, record — of N due deliveries, against plain smtplib sending
    the same messages, pre-built, over one connection to the same aiosmtpd server; target: at least half
    its rate;
(b) the due-deliveries query over 1,000,000 enrollments (8 deliveries each) — target: under 5 ms, with the
    query plan using an index;
(c) peak memory of a send pass is flat in the number of enrollments (10,000 vs 1,000,000).

Everything runs in a scratch folder; nothing in the working tree changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named email.py, as the issue asks: keep its folder off the import path, or it would shadow
# the standard library's email package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import datetime as dt
import json
import smtplib
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from aiosmtpd.controller import Controller

from scarleaflets.config import open_project
from scarleaflets.mail import Enrollment, EnrollmentRequest, Mailing
from scarleaflets.mail.delivery import open_transport
from scarleaflets.mail.store import Store, deliveries

START = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SEND_AT = dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC)  # step 2 (no attachment) is due, inside the window


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sending(work: Path, deliveries: int) -> tuple[float, float, float]:
    """(a): rates of our pipeline and of plain smtplib on the same messages. Returns (ours, plain, ratio)."""
    port = free_port()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        project = open_project(ROOT)
        mailing = Mailing(project, Store.open(f"sqlite:///{work / 'send.db'}"), b"k" * 32, START.date())
        locales = ["en", "fr", "de", "ar", "ru", "hi"]
        for n in range(deliveries):
            mailing.enroll(
                EnrollmentRequest(
                    f"p{n}@example.org",
                    f"Patient {n}",
                    locales[n % len(locales)],
                    "riverside",
                    "acne-education",
                    "Europe/London",
                    START.date(),
                ),
                START,
            )
        # Only the second step is due: mark the welcome emails as sent so no attachment skews the comparison.
        with mailing.store.engine.begin() as connection:
            connection.exec_driver_sql(
                "UPDATE deliveries SET status='sent', sent_at='2026-12-01 09:00:00' WHERE step='welcome'"
            )
        transport = open_transport(f"smtp://127.0.0.1:{port}?timeout=30", ROOT)
        for locale in locales:  # warm: a long-running worker reads each catalog once, at its first message
            mailing.translator(locale)
        for brand in mailing.brands.values():  # a preview renders each logo once (a release stores it)
            mailing.logo(brand)
        start = time.perf_counter()
        report = mailing.send_due(SEND_AT, transport, worker="bench", limit=deliveries)
        ours = time.perf_counter() - start
        transport.close()
        assert report.sent == deliveries, report
        # The same messages, built beforehand, sent with plain smtplib over one connection.
        raw = _rebuild(mailing, deliveries)
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            for n, message in enumerate(raw):
                smtp.sendmail("education@riverside.example.org", [f"p{n}@example.org"], message)
        plain = time.perf_counter() - start
    finally:
        controller.stop()
    return deliveries / ours, deliveries / plain, (deliveries / ours) / (deliveries / plain)


def _rebuild(mailing: Mailing, count: int) -> list[bytes]:
    """Compose the same step for the same patients, outside the timed section."""
    from scarleaflets.signing import unsubscribe_token

    series = mailing.series["acne-education"]
    brand = mailing.brands["riverside"]
    locales = ["en", "fr", "de", "ar", "ru", "hi"]
    out = []
    for n in range(count):
        locale = locales[n % len(locales)]
        message = mailing.composer(mailing.edition(locale)).compose(
            brand=brand,
            series=series,
            step=series.step("scar-types"),
            recipient=Enrollment(
                f"p{n}@example.org",
                f"Patient {n}",
                locale,
                "riverside",
                "acne-education",
                "UTC",
                SEND_AT.date(),
                SEND_AT,
                "bench",
            ),
            translator=mailing.translator(locale),
            manifest=mailing.source.review(locale),
            message_id=f"<bench{n}@riverside.example.org>",
            unsubscribe_url=mailing.project.settings.unsubscribe_url
            + unsubscribe_token(b"k" * 32, n + 1, SEND_AT.date()),
            now=SEND_AT,
        )
        out.append(message)
    return out


def populate(path: Path, enrollments: int) -> None:
    """A database with ``enrollments`` patients, 8 deliveries each, spread over a year, built in SQL."""
    store = Store.open(f"sqlite:///{path}")
    store.close()
    connection = sqlite3.connect(path)
    connection.executescript(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {enrollments})
        INSERT INTO enrollments (id, email, email_hash, name, locale, brand, series, timezone, start_date,
            consent_at, consent_source, status, created_at, updated_at)
        SELECT i, 'p' || i || '@example.org', printf('%064d', i), NULL, 'en', 'riverside', 'acne-education',
            'Europe/London', '2026-01-01', '2026-01-01', 'bench', 'active', '2026-01-01', '2026-01-01' FROM n;
        INSERT INTO deliveries (enrollment_id, step, step_index, due_at, status, attempts, next_attempt_at,
            message_id, sent_at)
        SELECT e.id, 's' || k.k, k.k, datetime('2026-01-01', '+' || (k.k * 7 + e.id % 300) || ' days'),
            CASE WHEN k.k < 2 THEN 'sent' ELSE 'pending' END, 0,
            datetime('2026-01-01', '+' || (k.k * 7 + e.id % 300) || ' days'), '<' || e.id || '.' || k.k || '@x>',
            CASE WHEN k.k < 2 THEN datetime('2026-01-01', '+' || (k.k * 7 + e.id % 300) || ' days') END
        FROM enrollments e,
            (SELECT 0 k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
             UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) k;
        ANALYZE;
        """
    )
    connection.close()


def due_query(path: Path) -> tuple[float, list[str]]:
    """(b): median time of the due query (a batch of 100) and its plan."""
    store = Store.open(f"sqlite:///{path}")
    now = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
    query = store.due_query(now, 100, dt.timedelta(minutes=10))
    times = []
    with store.engine.connect() as connection:
        compiled = str(query.compile(store.engine, compile_kwargs={"literal_binds": True}))
        plan = [str(row[3]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled)]
        for _ in range(50):
            start = time.perf_counter()
            rows = connection.execute(query).all()
            times.append(time.perf_counter() - start)
    store.close()
    assert len(rows) == 100
    return statistics.median(times), plan


def due_query_postgres(work: Path, enrollments: int) -> tuple[float, float, list[str]]:
    """(b') with ``--postgres``: the same query, and the claim as workers run it (FOR UPDATE SKIP LOCKED), on a
    real PostgreSQL server (pgserver, a dev dependency) holding the same data. Returns (query, claim, plan)."""
    import warnings

    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(work / "pgdata", cleanup_mode="stop")
    try:
        server.psql("CREATE DATABASE bench;")
        url = server.get_uri("bench").replace("postgresql://", "postgresql+psycopg://", 1)
        store = Store.open(url)
        day = "((k * 7 + mod(e.id, 300)) || ' days')::interval"
        with store.engine.begin() as connection:
            connection.exec_driver_sql(
                f"""
                INSERT INTO enrollments (id, email, email_hash, name, locale, brand, series, timezone,
                    start_date, consent_at, consent_source, status, created_at, updated_at)
                SELECT i, 'p' || i || '@example.org', lpad(i::text, 64, '0'), NULL, 'en', 'riverside',
                    'acne-education', 'Europe/London', DATE '2026-01-01', TIMESTAMP '2026-01-01', 'bench',
                    'active', TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01'
                FROM generate_series(1, {enrollments}) AS i;
                INSERT INTO deliveries (enrollment_id, step, step_index, due_at, status, attempts,
                    next_attempt_at, message_id, sent_at)
                SELECT e.id, 's' || k, k, TIMESTAMP '2026-01-01' + {day},
                    CASE WHEN k < 2 THEN 'sent' ELSE 'pending' END, 0, TIMESTAMP '2026-01-01' + {day},
                    '<' || e.id || '.' || k || '@x>', CASE WHEN k < 2 THEN TIMESTAMP '2026-01-01' + {day} END
                FROM enrollments AS e CROSS JOIN generate_series(0, 7) AS k;
                """
            )
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        now = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
        query = store.due_query(now, 100, dt.timedelta(minutes=10))
        times, claims = [], []
        with store.engine.connect() as connection:
            compiled = str(query.compile(store.engine, compile_kwargs={"literal_binds": True}))
            plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + compiled)]
            for _ in range(50):
                start = time.perf_counter()
                rows = connection.execute(query).all()
                times.append(time.perf_counter() - start)
            assert len(rows) == 100
            connection.rollback()  # end the implicit transaction of the plain reads
            locking = query.with_for_update(skip_locked=True, of=deliveries)
            for _ in range(50):
                with connection.begin() as transaction:
                    start = time.perf_counter()
                    connection.execute(locking).all()
                    claims.append(time.perf_counter() - start)
                    transaction.rollback()
        store.close()
    finally:
        server.cleanup()
    return statistics.median(times), statistics.median(claims), plan


def peak_memory(path: Path) -> float:
    """(c): peak RSS (MB) of a process that runs one claim pass of 500 on the database."""
    code = (
        f"import datetime as dt, resource, sys; sys.path.insert(0, {str(ROOT / 'src')!r});"
        f"from scarleaflets.mail.store import Store; s = Store.open({f'sqlite:///{path}'!r});"
        "rows = s.claim_due(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), 500, 'm', dt.timedelta(minutes=10));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(completed.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--enrollments", type=int, default=1_000_000)
    parser.add_argument(
        "--postgres", action="store_true", help="also measure (b) on a real PostgreSQL server (pgserver)"
    )
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scarleaflets-email-bench-"))
    results: dict[str, object] = {"date": dt.date.today().isoformat()}

    ours, plain, ratio = sending(work, options.deliveries)
    print(
        f"(a) {options.deliveries} deliveries: ours {ours:.0f}/s (claim, render, SMTP, record), plain smtplib "
        f"{plain:.0f}/s (pre-built): ratio {ratio:.2f} (target >= 0.5)"
    )
    results.update(a_ours_per_s=round(ours), a_plain_per_s=round(plain), a_ratio=round(ratio, 3))

    small, large = work / "small.db", work / "large.db"
    populate(small, 10_000)
    started = time.perf_counter()
    populate(large, options.enrollments)
    print(
        f"    (built a database of {options.enrollments:,} enrollments in {time.perf_counter() - started:.0f} s)"
    )
    median, plan = due_query(large)
    indexed = any("USING COVERING INDEX ix_deliveries_due" in step for step in plan)
    print(
        f"(b) due query over {options.enrollments:,} enrollments: median {median * 1000:.2f} ms "
        f"(target < 5 ms); index used: {indexed}"
    )
    for step in plan:
        print(f"      {step}")
    results.update(b_query_ms=round(median * 1000, 3), b_index_used=indexed)
    if options.postgres:
        started = time.perf_counter()
        pg_median, pg_claim, pg_plan = due_query_postgres(work, options.enrollments)
        pg_indexed = any("ix_deliveries_due" in step for step in pg_plan)
        print(
            f"(b') PostgreSQL, same data (built in {time.perf_counter() - started:.0f} s): due query median "
            f"{pg_median * 1000:.2f} ms, claim (FOR UPDATE SKIP LOCKED) median {pg_claim * 1000:.2f} ms; "
            f"index used: {pg_indexed} (for information: the < 5 ms target is the default store's; these times "
            "depend on the server's shared_buffers, 128 MB in pgserver's default configuration)"
        )
        for step in pg_plan:
            print(f"      {step}")
        results.update(
            b_pg_query_ms=round(pg_median * 1000, 3),
            b_pg_claim_ms=round(pg_claim * 1000, 3),
            b_pg_index=pg_indexed,
        )

    small_mb, large_mb = peak_memory(small), peak_memory(large)
    print(
        f"(c) peak memory of a 500-delivery claim pass: {small_mb:.0f} MB at 10,000 enrollments, "
        f"{large_mb:.0f} MB at {options.enrollments:,} (ratio {large_mb / small_mb:.2f}; flat means ~1.0)"
    )
    results.update(c_mb_small=round(small_mb), c_mb_large=round(large_mb))
    print(json.dumps(results))
    ok = ratio >= 0.5 and median < 0.005 and indexed and large_mb / small_mb < 1.2
    print("all targets met" if ok else "some targets missed (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
