"""A worker for the crash test: runs send passes in simulated time against an SMTP server until killed.

Usage: python tests/crash_worker.py PROJECT DB_URL SMTP_PORT START_ISO DAYS [--fork-on-request]

With ``--fork-on-request`` the project is read (and its catalogs gated) once, and each line on standard input
forks a fresh worker process from it, which prints ``ready PID``, runs as above, and exits; this process
reports ``exit CODE`` when it has ended (killed: ``exit -9``). The kill trials kill those workers, without
paying for a new interpreter and a new read of the project each time.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path

from scarleaflets.config import open_project
from scarleaflets.mail import Mailing
from scarleaflets.mail.delivery import open_transport
from scarleaflets.mail.store import Store


def run(mailing: Mailing, port: str, start: dt.datetime, days: int, ready: str) -> None:
    """Send passes an hour apart from ``start`` for ``days`` days."""
    transport = open_transport(f"smtp://127.0.0.1:{port}?timeout=5", mailing.project.root)
    moment = start
    print(ready, flush=True)
    while moment <= start + dt.timedelta(days=days):
        mailing.send_due(moment, transport, worker="crash", lease=dt.timedelta(hours=2))
        moment += dt.timedelta(hours=1)
    transport.close()
    print("done", flush=True)


def main() -> None:
    project_dir, db_url, port, start_text, days = sys.argv[1:6]
    start = dt.datetime.fromisoformat(start_text)
    project = open_project(Path(project_dir))
    if sys.argv[6:] != ["--fork-on-request"]:
        run(Mailing(project, Store.open(db_url), b"k" * 32, start.date()), port, start, int(days), "ready")
        return
    # The project read and gated here, once, before any fork; each worker opens its own database connections.
    mailing = Mailing(project, Store.open("sqlite://"), b"k" * 32, start.date())
    for _request in sys.stdin:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                mailing.store = Store.open(db_url)
                run(mailing, port, start, int(days), f"ready {os.getpid()}")
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    main()
