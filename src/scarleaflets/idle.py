"""Is any email due? One look at a local SQLite store with the standard library's driver, before a send pass.

An idle ``send-due`` — run from cron every few minutes, with nothing due most of the time — should cost little
more than starting the command. It is answered here, without SQLAlchemy, Alembic or the mail service (whose
package loads them all). The answer is only ever "certainly nothing" or "maybe": for any other database, a
missing file, a schema that is not the newest (the full pass migrates it), an error, or when anything is
pending or deferred until now or a claim is older than the lease, the full pass runs and decides, exactly as
without this look. Skipping an idle pass loses nothing: a pass that records an outcome also completes the
enrollments it finished.

This module sits outside the mail package so that importing it loads nothing of it; the values it shares with
the store (statuses, the lease, the default database, the newest migration) are compared by a test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from pathlib import Path

PENDING, DEFERRED, CLAIMED = "pending", "deferred", "claimed"  # as mail/store/schema.py names them
LEASE = dt.timedelta(minutes=10)  # how long a claim holds: mail.service.LEASE
DEFAULT_DB = Path("var") / "scarleaflets.db"  # in the project folder: mail.store.default_url
IDLE_SUMMARY = "0 sent, 0 to retry, 0 failed, 0 waiting"  # mail.service.PassReport().summary()
MIGRATIONS = Path(__file__).resolve().parent / "mail" / "migrations" / "versions"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def head_revision() -> str | None:
    """The newest migration's revision ("0007"), from the migration files' names (0001_initial.py …)."""
    found = [m.group(1) for path in MIGRATIONS.glob("*.py") if (m := _REVISION_FILE.match(path.name))]
    return max(found) if found else None


def sqlite_file(url: str | None, project_root: Path) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (the project's default database for None), else None."""
    if url is None:
        return project_root / DEFAULT_DB
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    path = url.removeprefix("sqlite:///")
    return Path(path) if path else None


def _stamp(moment: dt.datetime) -> str:
    """A time as the store keeps it on SQLite: naive UTC text, to the microsecond (compared as text)."""
    naive = moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f")


def nothing_due(url: str | None, project_root: Path, now: dt.datetime, lease: dt.timedelta = LEASE) -> bool:
    """True only when the store certainly has nothing to claim at ``now`` (see the module docstring)."""
    path = sqlite_file(url, project_root)
    if path is None or not path.is_file():
        return False
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return False
    with contextlib.closing(connection):
        try:
            version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if version is None or version[0] != head_revision():
                return False
            due = connection.execute(
                "SELECT 1 FROM deliveries WHERE status IN (?, ?) AND next_attempt_at <= ? LIMIT 1",
                (PENDING, DEFERRED, _stamp(now)),
            ).fetchone()
            expired = connection.execute(
                "SELECT 1 FROM deliveries WHERE status = ? AND claimed_at <= ? LIMIT 1",
                (CLAIMED, _stamp(now - lease)),
            ).fetchone()
        except sqlite3.Error:
            return False
    return due is None and expired is None
