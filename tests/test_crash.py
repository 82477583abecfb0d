"""Kill a worker process at random points, again and again, then count: nothing is lost, and a message is
sent twice only when the kill fell between the server's acceptance and the record (same Message-ID)."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scarleaflets.config import open_project
from scarleaflets.mail import EnrollmentRequest, Mailing
from scarleaflets.mail.store import Store

from .conftest import REPO

START = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
PATIENTS = 12
STEPS = 19  # the emails of the demo series

pytestmark = pytest.mark.slow  # worker processes killed again and again, on SQLite and on PostgreSQL


def test_killed_workers_lose_nothing(smtp_server, db_url):
    """On an SQLite file, then on the real PostgreSQL server."""
    _, port, sink = smtp_server
    url = db_url
    mailing = Mailing(open_project(REPO), Store.open(url), b"k" * 32, START.date())
    for n in range(PATIENTS):
        mailing.enroll(
            EnrollmentRequest(
                f"patient{n}@example.org",
                f"Patient {n}",
                "en_GB",
                "riverside",
                "acne-education",
                "Europe/London",
                START.date(),
                START - dt.timedelta(days=1),
                "signed consent form",
            ),
            START,
        )
    mailing.store.close()
    command = [
        sys.executable,
        str(Path(__file__).with_name("crash_worker.py")),
        str(REPO),
        url,
        str(port),
        START.isoformat(),
        "50",
    ]
    rng = random.Random(1125)
    kills = 0
    # The killed workers are forked, one after the other, from a process that has read the project once.
    forks = subprocess.Popen(
        [*command, "--fork-on-request"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert forks.stdin is not None
    assert forks.stdout is not None
    for _ in range(6):
        # Kill on progress, not on a fixed clock, so the kills land mid-series on a fast machine and on a slow,
        # loaded one alike: wait until the server has accepted a few more messages, then kill after a random
        # moment (right after an acceptance, or during the next claim, render or record).
        target = len(sink.messages) + rng.randint(1, 12)
        forks.stdin.write("run\n")
        forks.stdin.flush()
        ready, pid = forks.stdout.readline().split()
        assert ready == "ready"
        deadline = time.monotonic() + 120
        while len(sink.messages) < target and _running(int(pid)) and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.03))
        with contextlib.suppress(ProcessLookupError):  # it may have ended, and been waited for, already
            os.kill(int(pid), signal.SIGKILL)
        while not (line := forks.stdout.readline()).startswith("exit "):  # waited for: it is gone
            assert line, "the forking worker ended"
        kills += line.split() == ["exit", "-9"]  # ended by the kill, not done before it
    forks.stdin.close()
    assert forks.wait(timeout=60) == 0
    forks.stdout.close()
    before_final = len(sink.messages)
    assert 0 < before_final < PATIENTS * STEPS  # the kills fell in the middle of sending
    final = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert final.returncode == 0, final.stderr
    assert "done" in final.stdout

    by_id = collections.Counter()
    for _sender, _recipients, raw in sink.messages:
        header = next(line for line in raw.split(b"\r\n") if line.lower().startswith(b"message-id:"))
        by_id[header.split(b":", 1)[1].strip()] += 1
    assert len(by_id) == PATIENTS * STEPS  # zero lost
    duplicates = sum(count - 1 for count in by_id.values())
    assert kills >= 3
    assert duplicates <= kills  # at most one resend per kill, and always with the same Message-ID
    store = Store.open(url)
    assert {row["status"] for row in store.status_rows(None)} == {"sent"}
    store.close()


def _running(pid: int) -> bool:
    """Whether a forked worker is still running (its parent waits for it at once, so an ended one is gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
