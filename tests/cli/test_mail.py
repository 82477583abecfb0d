"""cli/mail.py and cli/sending.py, the email commands: enroll, send-due, status, unsubscribe, forget, and a
worker stopped by SIGTERM."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from scarleaflets.cli import cli


def run(project, *args, ok=True):
    result = CliRunner().invoke(cli, ["--project", str(project.root), *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def enroll_args(address: str, locale: str = "en", timezone: str = "UTC") -> list[str]:
    """The `enroll` command line for one patient of the mini brand's series."""
    return [
        "enroll",
        address,
        "--locale",
        locale,
        "--brand",
        "mini",
        "--series",
        "mini-series",
        "--timezone",
        timezone,
        "--consent-at",
        "2026-01-05T10:00",
        "--consent-source",
        "signed consent form",
    ]


def start_worker(
    command: list[str], host: str, port: int, db: str, env: dict[str, str]
) -> subprocess.Popen[str]:
    """`scarleaflets worker` in a subprocess: a pass every second, to the test's SMTP server."""
    return subprocess.Popen(
        [*command, "worker", "--every", "1", "--transport", f"smtp://{host}:{port}?timeout=5", "--db", db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_enroll_send_status_unsubscribe_forget(mail_project, tmp_path, monkeypatch):
    monkeypatch.setenv("SCARLEAFLETS_SECRET", "x" * 40)
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    box = tmp_path / "box"
    # The real date: `enroll` and `send-due` read the clock themselves (enroll has no option to set it), and a
    # start date must lie near their today.
    today = dt.date.today().isoformat()
    out = run(
        mail_project,
        *enroll_args("pat@example.org", "es", "Europe/Paris"),
        *("--name", "Pat", "--start", today, "--db", db),
    )
    assert "enrolled" in out.stdout
    assert "pat@example.org" not in out.stdout  # no personal data in the output
    again = run(
        mail_project, *enroll_args("pat@example.org", "es", "Europe/Paris"), "--start", today, "--db", db
    )
    assert "already enrolled" in again.stdout
    bad = run(mail_project, *enroll_args("pat@example.org", "xx", "Europe/Paris"), "--db", db, ok=False)
    assert bad.exit_code == 1
    assert "locale: not published for mini" in bad.stderr
    sent = run(mail_project, "send-due", "--transport", f"maildir://{box}", "--db", db)
    assert sent.stdout.startswith("1 sent")
    status = json.loads(run(mail_project, "status", "--json", "--brand", "mini", "--db", db).stdout)
    assert {(s["step"], s["status"]) for s in status["steps"]} == {("first", "sent"), ("second", "pending")}
    unclear = run(mail_project, "unsubscribe", "PAT@example.org", "--db", db, ok=False)
    assert unclear.exit_code == 2  # a patient-data command names its clinic, or --all-brands
    assert "say which clinic: --brand ID, or --all-brands for every clinic" in unclear.stderr
    typo = run(mail_project, "unsubscribe", "pat@example.org", "--brand", "mnii", "--db", db, ok=False)
    assert "Invalid value for --brand: unknown brand 'mnii'; brands: mini" in typo.stderr
    out = run(mail_project, "unsubscribe", "PAT@example.org", "--brand", "mini", "--db", db).stdout
    assert out == "unsubscribed from clinic mini: 1 active enrollment(s) stopped\n"
    nothing = run(mail_project, "forget", "someone.else@example.org", "--brand", "mini", "--db", db).stdout
    assert nothing == "nothing to erase: the address is not a patient of clinic mini\n"
    assert "erased 1" in run(mail_project, "forget", "pat@example.org", "--brand", "mini", "--db", db).stdout
    assert (
        json.loads(run(mail_project, "status", "--json", "--all-brands", "--db", db).stdout)["enrollments"]
        == {}
    )


def test_enroll_refuses_a_bidi_control_in_the_name(mail_project, tmp_path, monkeypatch):
    monkeypatch.setenv("SCARLEAFLETS_SECRET", "x" * 40)
    db = f"sqlite:///{tmp_path / 'bidi.db'}"
    bad = run(mail_project, *enroll_args("pat@example.org"), "--name", "Pat\u202e", "--db", db, ok=False)
    assert bad.exit_code == 1
    assert "name: must not contain invisible bidirectional control characters" in bad.stderr


def test_csv_problems_exit_1_with_lines(mail_project, tmp_path):
    csv_file = tmp_path / "p.csv"
    csv_file.write_text(
        "email,locale,brand,series,timezone,consent_at,consent_source\n"
        "bad,es,mini,mini-series,Europe/Paris,2026-01-05T10:00,form\n"
    )
    result = run(
        mail_project, "enroll", "--csv", str(csv_file), "--db", f"sqlite:///{tmp_path / 'm.db'}", ok=False
    )
    assert result.exit_code == 1
    assert f"{csv_file}:2: email: not a valid e-mail address" in result.stderr
    missing = tmp_path / "q.csv"
    missing.write_text("email,name\na@example.org,A\n")
    result = run(
        mail_project, "enroll", "--csv", str(missing), "--db", f"sqlite:///{tmp_path / 'm.db'}", ok=False
    )
    assert "missing column(s) locale, brand, series, timezone, consent_at, consent_source" in result.stderr


@pytest.mark.slow  # a real `worker` process
def test_worker_stops_cleanly_on_sigterm(mail_project, tmp_path, smtp_server):
    host, port, sink = smtp_server
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    env = {**os.environ, "SCARLEAFLETS_SECRET": "y" * 40}
    enroll = [sys.executable, "-m", "scarleaflets", "--project", str(mail_project.root)]
    subprocess.run(
        [*enroll, *enroll_args("w@example.org"), "--db", db],
        check=True,
        env=env,
        capture_output=True,
    )
    worker = start_worker(enroll, host, port, db, env)
    deadline = time.monotonic() + 60
    while not sink.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sink.messages, "the worker sent nothing"
    worker.send_signal(signal.SIGTERM)
    stdout, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 0, stderr
    assert "worker stopped cleanly" in stdout
    assert " pass: 1 sent, 0 to retry, 0 failed, 0 waiting" in stdout  # one line per pass, with counts
    assert "Traceback" not in stderr


@pytest.mark.slow  # a real `worker` process and the real PostgreSQL server
def test_worker_rides_out_a_database_outage(mail_project, smtp_server, postgres_server):
    """The PostgreSQL server drops the worker's connections and refuses new ones for a while: the worker says
    so in one line (no address, no traceback), keeps going, and sends to a patient enrolled after the outage."""
    host, port, sink = smtp_server
    postgres_server.psql("CREATE DATABASE outage;")
    db = postgres_server.get_uri("outage").replace("postgresql://", "postgresql+psycopg://", 1)
    env = {**os.environ, "SCARLEAFLETS_SECRET": "y" * 40}
    command = [sys.executable, "-m", "scarleaflets", "--project", str(mail_project.root)]

    def enroll(address: str) -> None:
        subprocess.run(
            [*command, *enroll_args(address), "--db", db], check=True, env=env, capture_output=True
        )

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 60
        while len(sink.messages) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(sink.messages) >= count, "the worker sent nothing"

    enroll("before@example.org")
    worker = start_worker(command, host, port, db, env)
    wait_for(1)
    postgres_server.psql("ALTER DATABASE outage ALLOW_CONNECTIONS false;")
    postgres_server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'outage';")
    time.sleep(3)  # passes fail meanwhile
    postgres_server.psql("ALTER DATABASE outage ALLOW_CONNECTIONS true;")
    enroll("after@example.org")
    wait_for(2)
    worker.send_signal(signal.SIGTERM)
    stdout, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 0, stderr
    assert "worker stopped cleanly" in stdout
    assert "database unavailable: " in stderr
    assert "trying again at the next pass" in stderr
    assert "Traceback" not in stderr
    assert "example.org" not in stderr
    assert [m[1] for m in sink.messages] == [["before@example.org"], ["after@example.org"]]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "nonsense",
            "cannot use database URL: Could not parse SQLAlchemy URL from given URL string; write it like",
        ),
        (
            "mysql://db.example.org/x",
            "its driver (MySQLdb) is not installed; for PostgreSQL install the driver",
        ),
        (
            "sqlite:////proc/none/x.db",
            "cannot make the database's folder /proc/none: No such file or directory",
        ),
        ("postgresql+psycopg://u:hunter2@127.0.0.1:9/x", "port 9 failed: Connection refused"),
    ],
)
def test_an_unusable_database_is_one_clear_line(mail_project, url, message):
    result = run(mail_project, "status", "--all-brands", "--db", url, ok=False)
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_a_database_failing_mid_command_is_one_line_without_personal_data(mail_project, tmp_path):
    """A damaged database (a table gone) fails the command with the driver's reason, no traceback, and none
    of the values the command was writing."""
    import sqlite3

    db_file = tmp_path / "damaged.db"
    db = f"sqlite:///{db_file}"
    run(mail_project, "status", "--all-brands", "--db", db)  # creates the schema
    with sqlite3.connect(db_file) as connection:
        connection.execute("DROP TABLE suppressions")
    result = run(
        mail_project,
        *enroll_args("private.person@example.org"),
        "--name",
        "Private Person",
        "--db",
        db,
        ok=False,
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: database error: no such table: suppressions; ")
    assert "run the command again" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "private.person" not in result.output
    assert "Private Person" not in result.output


def _enrolled(project, tmp_path, monkeypatch, *addresses: str) -> str:
    """A database with these patients enrolled in the mini series since yesterday; returns its URL."""
    monkeypatch.setenv("SCARLEAFLETS_SECRET", "z" * 40)
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    # The real date, as `enroll` and `send-due` read the clock themselves: so the first step is due now.
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    for address in addresses:
        run(project, *enroll_args(address), "--start", yesterday, "--db", db)
    return db


def test_send_due_stopped_by_the_server_exits_3_with_one_line(
    mail_project, tmp_path, monkeypatch, smtp_factory
):
    from ..conftest import free_port

    db = _enrolled(mail_project, tmp_path, monkeypatch, "ann@example.org", "bob@example.org")
    down = run(
        mail_project,
        "send-due",
        "--transport",
        f"smtp://127.0.0.1:{free_port()}?timeout=2",
        "--db",
        db,
        ok=False,
    )
    assert down.exit_code == 3
    assert down.stdout.startswith("0 sent, 0 to retry, 0 failed, 0 waiting")
    assert down.stderr.strip().splitlines() == [
        "error: sending stopped at connect: ConnectionRefusedError: Connection refused; a sender or mail server "
        "problem, not the patients': nobody was suppressed and 2 email(s) stay due, uncharged"
    ]
    port, sink = smtp_factory()
    sink.replies["MAIL"] = "553 5.1.8 sender address rejected"
    refused = run(
        mail_project, "send-due", "--transport", f"smtp://127.0.0.1:{port}?timeout=5", "--db", db, ok=False
    )
    assert refused.exit_code == 3
    assert "error: sending stopped at MAIL FROM: 553 5.1.8 sender address rejected; " in refused.stderr
    assert "example.org" not in refused.output
    del sink.replies["MAIL"]
    sent = run(mail_project, "send-due", "--transport", f"smtp://127.0.0.1:{port}?timeout=5", "--db", db)
    assert sent.stdout.startswith("2 sent")


def test_send_due_and_status_show_every_failure_with_its_reason(
    mail_project, tmp_path, monkeypatch, smtp_server
):
    from scarleaflets.mail.store import Store

    host, port, _ = smtp_server
    db = _enrolled(
        mail_project,
        tmp_path,
        monkeypatch,
        "stuck@example.org",
        "t451@example.org",
        "p550@example.org",
        "ok@example.org",
    )
    store = Store.open(db)
    # The real clock, as the `status` command reads it. 5.5 minutes ago: `status` reads the clock to the second,
    # so exactly 5 could show as "4 min ago"
    now = dt.datetime.now(dt.UTC)
    (stuck,) = store.claim_due(
        now - dt.timedelta(minutes=5, seconds=30), 1, "worker-gone", dt.timedelta(minutes=10)
    )
    store.close()
    out = run(mail_project, "send-due", "--transport", f"smtp://{host}:{port}?timeout=5", "--db", db)
    assert out.stdout.splitlines() == [
        "1 sent, 1 to retry, 1 failed, 0 waiting",
        "  1 failed: RCPT TO: 550 5.1.1 no such user",
        "  1 to retry: RCPT TO: 451 4.3.0 try again later",
    ]
    status = run(mail_project, "status", "--all-brands", "--db", db).stdout
    assert "failing deliveries (last error):" in status
    assert "mini-series / 1 first): failed after 1 attempt(s), first failed " in status
    assert ": RCPT TO: 550 5.1.1 no such user" in status
    assert "mini-series / 1 first): deferred after 1 attempt(s), first failed " in status
    assert ": RCPT TO: 451 4.3.0 try again later" in status
    assert (
        f"delivery {stuck.id} (enrollment {stuck.enrollment_id}, mini-series / 1 first): claimed by worker-gone 5 min ago"
        in status
    )
    assert "example.org" not in status
    problems = json.loads(run(mail_project, "status", "--json", "--all-brands", "--db", db).stdout)[
        "problems"
    ]
    assert sorted(p["status"] for p in problems) == ["claimed", "deferred", "failed"]


# Run in a fresh interpreter: the command's own entry point, then the names of every module it loaded.
_IMPORTS_OF_A_PASS = """\
import runpy, sys
sys.argv = ["scarleaflets", *sys.argv[1:]]
try:
    runpy.run_module("scarleaflets", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
print("MODULES", *sorted(sys.modules))
"""


def _modules_of(tmp_path, releases, *args: str) -> set[str]:
    """The modules one command loads, run in a fresh interpreter over the shipped project's release."""
    from ..conftest import REPO

    result = subprocess.run(
        [sys.executable, "-c", _IMPORTS_OF_A_PASS, "--project", str(REPO), *args],
        env={
            **{k: v for k, v in os.environ.items() if k != "SCARLEAFLETS_SECRET_FILE"},
            "SCARLEAFLETS_SECRET": "0" * 64,
            "SCARLEAFLETS_RELEASES": str(releases),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.rpartition("MODULES ")[2].split())


def _no_pdf_engine(loaded: set[str]) -> None:
    assert sorted(m for m in loaded if m == "weasyprint" or m.startswith("weasyprint.")) == []
    assert {
        "scarleaflets.leaflets.pdf",
        "scarleaflets.leaflets.build",
        "scarleaflets.releases.make",
    }.isdisjoint(loaded)


@pytest.mark.slow
def test_sending_and_enrolling_load_no_weasyprint_and_an_idle_pass_no_database_library(
    tmp_path, shipped_releases
):
    """Sending never loads the PDF engine: enrolling a patient and a pass that sends the welcome email (with
    the brand's logo as the release stored it) load the mail service and the release loader, never WeasyPrint, the
    leaflet renderers or the release builder; an idle `send-due` pass (nothing due) does not even load the mail
    service, SQLAlchemy or Alembic (see scarleaflets/idle.py)."""
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    box = f"maildir://{tmp_path / 'maildir'}"
    monday = "2026-12-07"  # the riverside clinic sends on weekdays, 09:00-17:30 in London
    enrolled = _modules_of(
        tmp_path,
        shipped_releases,
        *(
            "enroll",
            "pat@example.org",
            "--locale",
            "fr",
            "--brand",
            "riverside",
            "--series",
            "acne-education",
        ),
        *("--timezone", "Europe/London", "--start", monday, "--consent-at", "2026-11-02T10:00"),
        *("--consent-source", "signed consent form", "--db", db),
    )
    assert {"scarleaflets.mail.service", "scarleaflets.releases.loader"} <= enrolled
    _no_pdf_engine(enrolled)
    idle = _modules_of(
        tmp_path, shipped_releases, "send-due", "--now", f"{monday}T08:00:00Z", "--transport", box, "--db", db
    )
    assert {"scarleaflets.idle", "scarleaflets.releases.loader"} <= idle
    assert {"scarleaflets.mail.service", "sqlalchemy", "alembic"}.isdisjoint(idle)
    _no_pdf_engine(idle)
    sending = _modules_of(
        tmp_path, shipped_releases, "send-due", "--now", f"{monday}T10:00:00Z", "--transport", box, "--db", db
    )
    assert {"scarleaflets.mail.service", "scarleaflets.releases.loader"} <= sending
    assert "alembic" not in sending  # the schema is the newest: opening the store needs no migration
    _no_pdf_engine(sending)
    (message,) = (tmp_path / "maildir" / "new").iterdir()
    assert b"X-Scarleaflets-Release: 1" in message.read_bytes()
    sent = message.read_bytes()
    assert b"Content-Type: application/pdf" not in sent  # the demo series links to its leaflets
    assert b"leaflets.example.org/leaflets/" in sent
    assert b"Content-Type: image/png" in sent  # the release's logo: no PDF engine loaded for it
