"""A worker for the crash test: runs send passes in simulated time against an SMTP server until killed.

Usage: python tests/crash_worker.py PROJECT DB_URL SMTP_PORT START_ISO DAYS
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from scarleaflets.config import open_project
from scarleaflets.mail import Mailing
from scarleaflets.mail.delivery import open_transport
from scarleaflets.mail.store import Store


def main() -> None:
    project_dir, db_url, port, start_text, days = sys.argv[1:6]
    start = dt.datetime.fromisoformat(start_text)
    project = open_project(Path(project_dir))
    mailing = Mailing(project, Store.open(db_url), b"k" * 32, start.date())
    transport = open_transport(f"smtp://127.0.0.1:{port}?timeout=5", project.root)
    moment = start
    print("ready", flush=True)
    while moment <= start + dt.timedelta(days=int(days)):
        mailing.send_due(moment, transport, worker="crash", lease=dt.timedelta(hours=2))
        moment += dt.timedelta(hours=1)
    transport.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
