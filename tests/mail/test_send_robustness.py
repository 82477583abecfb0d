"""Field trials of sending when the content changes under enrolled patients (issue 12, item 3): a renamed step,
a language taken out, a template that fails for one language, each published by `scarleaflets release` (the
sender reads only the current release). Only the deliveries that need what is missing
wait, with the reason in `status`; every other patient keeps getting their emails; nothing is left claimed;
`worker` never dies. And `history`: what one clinic sent one patient, from which release."""

from __future__ import annotations

import datetime as dt
import json
import mailbox
import os
import shutil
import signal
import sys
import time
import zoneinfo

import pytest

from ..cli.test_mail import enroll_args, run, start_worker
from ..conftest import translate_all

SECRET = "r" * 40


@pytest.fixture
def project(request, monkeypatch):
    """A scratch copy of the mini project with its two-step series and its release 1, free to be edited by the
    test; an edit reaches the sender once it is released (:func:`release`)."""
    monkeypatch.setenv("SCARLEAFLETS_SECRET", SECRET)
    return request.getfixturevalue("mail_project")


def release(project) -> None:
    """Publish the working tree's edits: the sender and `enroll` read only the current release."""
    run(project, "release")


def rename_step(project, old: str, new: str) -> None:
    """What an editor did in the issue: a step's id changed after patients were enrolled."""
    path = project.root / "content" / "series" / "mini-series.yaml"
    path.write_text(path.read_text().replace(f"id: {old}\n", f"id: {new}\n"))


def break_spanish_template(project) -> None:
    """A brand's own text template that fails to render in Spanish only (an undefined name)."""
    folder = project.root / "templates" / "brands" / "mini" / "email"
    folder.mkdir(parents=True)
    text = (project.root / "templates" / "email" / "step.txt.j2").read_text()
    (folder / "step.txt.j2").write_text(text + '{% if locale.tag == "es" %}{{ no_such_value }}{% endif %}\n')


def recipients(box) -> list[str]:
    return sorted(str(message["To"]) for message in mailbox.Maildir(str(box), create=False))


def days() -> tuple[dt.date, dt.date]:
    # The real clock on purpose: enroll, send-due, worker and status read it themselves (they have no option
    # to set it), so the days these tests enroll and send on must be the real ones.
    today = dt.datetime.now(dt.UTC).date()
    return today, today + dt.timedelta(days=1)


def rename_after_one_patient_got_the_first_step(project, db: str, send: tuple[str, ...]) -> dt.date:
    """early@ got step 'first' today; late@ starts tomorrow; then 'first' is renamed 'opening' in release 2.
    Returns tomorrow."""
    today, tomorrow = days()
    run(project, *enroll_args("early@example.org"), "--start", today.isoformat(), "--db", db)
    assert run(project, *send, "--now", f"{today}T12:00:00Z").stdout.startswith("1 sent")
    run(project, *enroll_args("late@example.org"), "--start", tomorrow.isoformat(), "--db", db)
    rename_step(project, "first", "opening")
    release(project)  # release 2
    return tomorrow


def emails_of(project, db: str, address: str) -> list[dict]:
    """`history --json` of one patient of the mini clinic: the emails of their first enrollment."""
    out = run(project, "history", address, "--brand", "mini", "--json", "--db", db).stdout
    return json.loads(out)["enrollments"][0]["emails"]


def test_a_renamed_step_still_reaches_the_patients_enrolled_before_the_rename(project, tmp_path):
    """The issue's crash (a raw StopIteration, the delivery left claimed) and the block that replaced it: a
    patient enrolled on release 1 continues its series, so the step renamed in release 2 is composed from
    release 1 and sent; `history` says so. A patient enrolled on release 2 gets the renamed step."""
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    box = tmp_path / "box"
    send = ("send-due", "--transport", f"maildir://{box}", "--db", db)
    tomorrow = rename_after_one_patient_got_the_first_step(project, db, send)
    run(project, *enroll_args("new@example.org"), "--start", tomorrow.isoformat(), "--db", db)

    out = run(project, *send, "--now", f"{tomorrow}T12:00:00Z")
    assert out.stdout == "3 sent, 0 to retry, 0 failed, 0 waiting\n"  # early's second; late's and new's first
    out = run(project, *send, "--now", f"{tomorrow + dt.timedelta(days=1)}T12:00:00Z")
    assert out.stdout == "2 sent, 0 to retry, 0 failed, 0 waiting\n"  # late's and new's second
    assert [(e["step"], e["state"], e["release"]) for e in emails_of(project, db, "late@example.org")] == [
        ("1 first", "sent", "1"),  # the step as release 1 had it: the patient started there
        ("2 second", "sent", "2"),  # a step the current release still has comes from it
    ]
    first = emails_of(project, db, "new@example.org")[0]
    assert (first["step"], first["release"]) == ("1 opening", "2")
    status = run(project, "status", "--brand", "mini", "--db", db).stdout
    assert "blocked deliveries" not in status
    assert "enrollments: 3 completed" in status


def test_a_renamed_step_whose_release_is_gone_blocks_only_the_deliveries_that_need_it(project, tmp_path):
    """Without the release a patient was enrolled on (someone deleted its folder), the renamed step cannot be
    composed: the email waits, blocked, with its reason in `status`; the other patient's email goes; when the
    step is back, the blocked one goes."""
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    box = tmp_path / "box"
    send = ("send-due", "--transport", f"maildir://{box}", "--db", db)
    tomorrow = rename_after_one_patient_got_the_first_step(project, db, send)
    shutil.rmtree(project.root / "releases" / "1")

    out = run(project, *send, "--now", f"{tomorrow}T12:00:00Z")
    assert out.stdout.splitlines() == [
        "1 sent, 0 to retry, 0 failed, 0 waiting, 1 blocked",
        "  1 blocked: step 'first' not in the current content (series mini-series, release 2)",
    ]
    status = run(project, "status", "--brand", "mini", "--db", db).stdout
    assert "claimed" not in status
    assert (
        "mini-series / 1 first): blocked: step 'first' not in the current content (series mini-series, "
        f"release 2); tried again from {tomorrow} 12:15 UTC" in status
    )
    problems = json.loads(run(project, "status", "--json", "--brand", "mini", "--db", db).stdout)["problems"]
    assert [(p["step"], p["status"], p["attempts"]) for p in problems] == [("first", "blocked", 0)]
    late = run(project, "history", "late@example.org", "--brand", "mini", "--db", db).stdout
    assert "blocked: step 'first' not in the current content" in late

    early = run(project, *send, "--now", f"{tomorrow}T12:10:00Z")  # not yet tried again: nothing to do
    assert early.stdout == "0 sent, 0 to retry, 0 failed, 0 waiting\n"
    rename_step(project, "opening", "first")  # the content comes back: the blocked email goes
    release(project)  # release 3
    assert run(project, *send, "--now", f"{tomorrow}T12:20:00Z").stdout.startswith("1 sent")
    assert recipients(box) == ["early@example.org", "early@example.org", "late@example.org"]
    assert "blocked deliveries" not in run(project, "status", "--brand", "mini", "--db", db).stdout


def test_a_language_taken_out_and_a_failing_template_stop_only_their_own_emails(project, tmp_path):
    """Spanish taken out of the brand and its catalog deleted: the Spanish patient's email is blocked. A
    template that fails in one language is that email's temporary failure, with where it failed; the pass goes
    on and the English patient gets theirs."""
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    box = tmp_path / "box"
    send = ("send-due", "--transport", f"maildir://{box}", "--db", db)
    today, _ = days()
    for address, locale in (("es@example.org", "es"), ("en@example.org", "en")):
        run(project, *enroll_args(address, locale), "--start", today.isoformat(), "--db", db)
    break_spanish_template(project)
    release(project)  # release 2
    out = run(project, *send, "--now", f"{today}T12:00:00Z").stdout.splitlines()
    assert out[0] == "1 sent, 1 to retry, 0 failed, 0 waiting"
    assert out[1].startswith(
        "  1 to retry: cannot compose or send: UndefinedError: 'no_such_value' is undefined (at "
    )
    assert recipients(box) == ["en@example.org"]

    brand = project.root / "content" / "brands" / "mini.yaml"
    brand.write_text(brand.read_text().replace("locales: [en, es]", "locales: [en]"))
    shutil.rmtree(project.root / "locales" / "es")
    release(project)  # release 3
    later = run(project, *send, "--now", f"{today}T13:00:00Z").stdout.splitlines()
    assert later == [
        "0 sent, 0 to retry, 0 failed, 0 waiting, 1 blocked",
        "  1 blocked: language 'es' not in the current content (release 3)",
    ]
    status = run(project, "status", "--brand", "mini", "--db", db).stdout
    assert "blocked: language 'es' not in the current content (release 3)" in status
    assert "example.org" not in status


def test_history_shows_one_clinics_emails_to_one_patient_and_nothing_of_anyone_else(project, tmp_path):
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    box = tmp_path / "box"
    send = ("send-due", "--transport", f"maildir://{box}", "--db", db)
    today, tomorrow = days()
    other = project.root / "content" / "brands" / "other.yaml"
    other.write_text(
        (project.root / "content" / "brands" / "mini.yaml").read_text().replace("id: mini", "id: other")
    )
    release(project)  # release 2, with the other clinic
    paris = [*enroll_args("ann@example.org", "es", "Europe/Paris"), "--name", "Ann Secret"]
    run(project, *paris, "--start", today.isoformat(), "--db", db)
    elsewhere = [a if a != "mini" else "other" for a in enroll_args("bob@example.org")]
    run(project, *elsewhere, "--start", today.isoformat(), "--db", db)
    run(project, *send, "--now", f"{today}T12:00:00Z")
    release(project)  # release 3: the next email records it
    run(project, *send, "--now", f"{tomorrow}T12:00:00Z")

    out = run(project, "history", "ANN@example.org", "--brand", "mini", "--db", db).stdout
    lines = out.splitlines()
    assert lines[0].startswith(f"enrollment 1: mini-series, started {today}, time zone Europe/Paris, ")
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    local = noon.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    assert lines[2].split() == [
        *f"{local:%Y-%m-%d %H:%M %Z}".split(),
        *f"{noon:%Y-%m-%d %H:%M}".split(),
        "1",
        "first",
        "es",
        "2",
        "sent",
    ]
    assert lines[3].split()[-4:] == ["second", "es", "3", "sent"]
    assert "ann@" not in out.lower()
    assert "Ann Secret" not in out
    as_json = json.loads(
        run(project, "history", "ann@example.org", "--brand", "mini", "--json", "--db", db).stdout
    )
    assert [(e["step"], e["state"], e["release"]) for e in as_json["enrollments"][0]["emails"]] == [
        ("1 first", "sent", "2"),
        ("2 second", "sent", "3"),
    ]

    unknown = "no emails: the address is not a patient of clinic mini\n"
    assert run(project, "history", "bob@example.org", "--brand", "mini", "--db", db).stdout == unknown
    assert run(project, "history", "nobody@example.org", "--brand", "mini", "--db", db).stdout == unknown
    assert "1 first" in run(project, "history", "bob@example.org", "--brand", "other", "--db", db).stdout
    typo = run(project, "history", "ann@example.org", "--brand", "mnii", "--db", db, ok=False)
    assert typo.exit_code == 2
    assert "unknown brand 'mnii'; brands: mini, other" in typo.stderr
    assert run(project, "history", "ann@example.org", "--db", db, ok=False).exit_code == 2
    run(project, "forget", "ann@example.org", "--brand", "mini", "--db", db)
    erased = run(project, "history", "ann@example.org", "--brand", "mini", "--db", db).stdout
    assert erased == "no emails: the clinic erased this patient's data (only a keyed hash remains)\n"


def test_status_says_what_becomes_of_a_claim_whose_sender_died(project, tmp_path):
    """A claim is a lease: younger than ten minutes it is a sender at work; older, its sender is gone and the
    next pass takes it over — or cancels it, when the patient unsubscribed meanwhile (before, such a claim
    was never taken over and showed as claimed for ever)."""
    from scarleaflets.mail.store import Store

    db = f"sqlite:///{tmp_path / 'mail.db'}"
    today, _ = days()
    for address in ("a@example.org", "b@example.org", "c@example.org"):
        run(project, *enroll_args(address), "--start", today.isoformat(), "--db", db)
    now = dt.datetime.now(dt.UTC)  # the real clock: the status command below ages the claims against it
    store = Store.open(db)
    lease = dt.timedelta(minutes=10)
    (young,) = store.claim_due(now - dt.timedelta(minutes=2, seconds=30), 1, "worker-busy", lease)
    old = store.claim_due(now - dt.timedelta(minutes=30, seconds=30), 2, "worker-dead", lease)
    store.close()
    run(project, "unsubscribe", "c@example.org", "--brand", "mini", "--db", db)
    stopped = next(d for d in old if d.enrollment.email == "c@example.org")
    taken = next(d for d in old if d.enrollment.email != "c@example.org")
    status = run(project, "status", "--brand", "mini", "--db", db).stdout
    assert "claimed deliveries (held by a sender while it sends; a claim lapses after 10 min):" in status
    assert (
        f"delivery {young.id} (enrollment {young.enrollment_id}, mini-series / 1 first): claimed by "
        in status
    )
    assert "claimed by worker-busy 2 min ago\n" in status
    assert (
        f"delivery {taken.id} (enrollment {taken.enrollment_id}, mini-series / 1 first): claimed by worker-dead "
        "30 min ago: lapsed, its sender stopped; the next pass takes it over" in status
    )
    assert (
        f"enrollment {stopped.enrollment_id}, mini-series / 1 first): claimed by worker-dead 30 min ago: "
        in status
    )
    assert "the next pass cancels it (the series stopped)" in status
    out = run(project, "send-due", "--transport", f"maildir://{tmp_path / 'box'}", "--db", db).stdout
    assert out.startswith("1 sent")  # the dead worker's claim; the young one is left to its sender
    after = run(project, "status", "--brand", "mini", "--db", db).stdout
    assert after.count("claimed by") == 1
    assert "claimed by worker-busy" in after
    history = run(project, "history", "c@example.org", "--brand", "mini", "--db", db).stdout
    assert "suppressed: unsubscribed" in history


@pytest.mark.slow
def test_a_worker_over_content_with_a_renamed_step_keeps_sending_every_other_patient(
    project, tmp_path, smtp_server
):
    """`worker` in its own process, started after a step was renamed and a template broken for Spanish: the
    email of the renamed step is blocked, the Spanish one is retried later, and every other patient's email
    goes; the worker keeps passing, prints each reason, and stops cleanly without a traceback."""
    host, port, sink = smtp_server
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    run(project, *enroll_args("before@example.org"), "--start", yesterday.isoformat(), "--db", db)
    run(
        project,
        "send-due",
        "--transport",
        f"maildir://{tmp_path / 'box'}",
        "--now",
        f"{yesterday}T12:00:00Z",
        "--db",
        db,
    )
    for address, locale in (("one@example.org", "en"), ("two@example.org", "en"), ("tres@example.org", "es")):
        run(project, *enroll_args(address, locale), "--db", db)
    rename_step(project, "second", "follow-up")  # before@'s next email
    break_spanish_template(project)
    # The renamed step's texts translated too: else Spanish is held back and served from release 1 as it was.
    run(project, "i18n", "extract")
    run(project, "i18n", "update")
    translate_all(project, "es", "ES")
    release(project)  # release 2
    # before@ was enrolled on release 1, which would still send it the renamed step: without that release (its
    # folder deleted by hand), the step is blocked, the case this worker must live through.
    shutil.rmtree(project.root / "releases" / "1")
    env = {**os.environ, "SCARLEAFLETS_SECRET": SECRET}
    worker = start_worker(
        [sys.executable, "-m", "scarleaflets", "--project", str(project.root)], host, port, db, env
    )
    deadline = time.monotonic() + 90
    while len(sink.messages) < 2 and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.2)
    time.sleep(2)  # a pass or two more: the worker goes on
    worker.send_signal(signal.SIGTERM)
    stdout, stderr = worker.communicate(timeout=60)
    assert worker.returncode == 0, stderr
    assert sorted(to[0] for _, to, _ in sink.messages) == ["one@example.org", "two@example.org"]
    assert " pass: 2 sent, 1 to retry, 0 failed, 0 waiting, 1 blocked" in stdout
    assert "  1 blocked: step 'second' not in the current content (series mini-series, release 2)" in stdout
    assert "  1 to retry: cannot compose or send: UndefinedError: 'no_such_value' is undefined" in stdout
    assert "worker stopped cleanly" in stdout
    assert "Traceback" not in stderr
    status = run(project, "status", "--brand", "mini", "--db", db).stdout
    assert "claimed" not in status
    assert "blocked: step 'second' not in the current content" in status
    assert "deferred after 1 attempt(s)" in status


NEW_SERIES = """\
id: mini-series
name: Mini series
steps:
  - id: first
    day: 0
    topics: [sample]
    subject: The first email
    preheader: A short preheader.
    intro: A short introduction.
  - id: follow-up
    day: 1
    topics: [other]
    subject: The follow-up
    preheader: Another preheader.
    intro: Another introduction.
  - id: recap
    day: 3
    topics: [sample]
    subject: A recap
    preheader: The same again.
    intro: What the first email said.
"""


def test_staff_move_patients_onto_the_new_series_and_only_the_ones_named(project, tmp_path):
    """The series is rewritten in release 2. `move-patients --dry-run` says what it would do and does nothing;
    moving one patient (--email) replaces their open steps with the new series' steps they were not taught
    (the recap of a topic already sent is left out); the other patient stays on release 1's series; a second
    move changes nothing."""
    db = f"sqlite:///{tmp_path / 'mail.db'}"
    box = tmp_path / "box"
    send = ("send-due", "--transport", f"maildir://{box}", "--db", db)
    today, tomorrow = days()
    for address in ("ann@example.org", "bob@example.org"):
        run(project, *enroll_args(address), "--start", today.isoformat(), "--db", db)
    assert run(project, *send, "--now", f"{today}T12:00:00Z").stdout.startswith("2 sent")  # both: first
    (project.root / "content" / "series" / "mini-series.yaml").write_text(NEW_SERIES)
    run(project, "i18n", "extract")
    run(project, "i18n", "update")
    translate_all(project, "es", "ES")
    release(project)  # release 2

    def steps(address: str) -> list[tuple[str, str, str | None]]:
        return [(e["step"], e["state"].split(":")[0], e["release"]) for e in emails_of(project, db, address)]

    before = steps("ann@example.org")
    move = ("move-patients", "--brand", "mini", "--email", "ann@example.org", "--db", db)
    dry = run(project, *move, "--dry-run").stdout
    assert dry.splitlines() == [
        "would move 1 patient(s) of mini to the series of release 2: 1 email(s) planned from it, 1 of the old "
        "series no longer planned, 1 step(s) left out as already taught"
    ]
    assert steps("ann@example.org") == before == [("1 first", "sent", "1"), ("2 second", "pending", None)]
    assert "ann@" not in dry

    assert run(project, *move).stdout.startswith("moved 1 patient(s) of mini to the series of release 2")
    assert steps("ann@example.org") == [("1 first", "sent", "1"), ("3 follow-up", "pending", None)]
    assert run(project, *send, "--now", f"{tomorrow}T12:00:00Z").stdout.startswith("2 sent")
    assert steps("ann@example.org") == [("1 first", "sent", "1"), ("3 follow-up", "sent", "2")]
    assert steps("bob@example.org") == [("1 first", "sent", "1"), ("2 second", "sent", "1")]  # not moved

    later = (tomorrow + dt.timedelta(days=1)).isoformat()
    run(project, *enroll_args("cat@example.org"), "--start", later, "--db", db)  # on release 2's series
    again = run(project, "move-patients", "--brand", "mini", "--db", db).stdout
    assert again.startswith("moved 0 patient(s)")  # ann and bob have finished their series
    assert "1 patient(s) already on release 2: unchanged" in again
