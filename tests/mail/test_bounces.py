"""mail/bounces.py: real bounce reports (a real Postfix's DSNs, flufl.bounce's collected samples, RFC 5965's feedback
reports) classified; re-addressed to deliveries really sent over SMTP (aiosmtpd) and applied to the real store
on SQLite and PostgreSQL: exactly the bounced address is suppressed, for every clinic, and nobody else."""

from __future__ import annotations

import datetime as dt
import email
import mailbox
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from scarleaflets.cli import cli
from scarleaflets.mail import EnrollmentRequest, Mailing
from scarleaflets.mail.bounces import (
    BounceSourceError,
    ImapSource,
    MaildirSource,
    classify,
    mask,
    open_source,
    process,
)
from scarleaflets.mail.delivery import open_transport
from scarleaflets.mail.store import ALL_CLINICS, Store, bounce_events, deliveries, enrollments, suppressions
from scarleaflets.signing import email_hash, return_path, verify_return_path

from ..conftest import DATA, REPO

SAMPLES = DATA / "bounces"
SECRET = b"k" * 32
RIVERSIDE_OPEN = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)  # a Tuesday: 09:30 in London
HARBOR_OPEN = dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)  # 10:30 in Los Angeles


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# classification of real reports, without any store -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "status", "recipients"),
    [
        ("postfix-hard-5.1.1.eml", "hard", "5.1.1", ("nobody-here@patients.example.org",)),
        ("postfix-delayed-4.4.1.eml", "soft", "4.4.1", ("ann.tan@far.example.net",)),
        ("postfix-5.2.0.eml", "hard", "5.2.0", ("stuck@patients.example.org",)),
        ("flufl-dsn_05.eml", "soft", "4.4.1", ("userx@example.cz",)),
        ("flufl-dsn_17.eml", "soft", "4.3.0", ("xxx@example.fi", "userx@example.fi")),
        ("flufl-dsn_10.eml", "hard", "5.0.0", ("anne.person@dom.ain",)),
        # Gmail's 550 5.7.1 "likely unsolicited mail", relayed in an Exim DSN with Status 5.0.0: the message was
        # refused, not the address.
        ("flufl-simple_42.eml", "soft", "5.7.1", ()),
        ("flufl-exim_01.eml", "hard", "", ("userx@its.example.nl",)),
        ("flufl-sendmail_01.eml", "hard", "", ("zzzzz@nfg.nl", "zzzzz@shaft.coal.nl")),
        ("flufl-postfix_01.eml", "hard", "", ("xxxxx@local.ie",)),
        ("flufl-microsoft_01.eml", "hard", "", ("userx@example.COM",)),
        ("flufl-qmail_01.eml", "hard", "", ("userx@example.de",)),
        ("flufl-yahoo_01.eml", "hard", "", ("userx@example.com",)),
        ("flufl-simple_35.eml", "soft", "", ("calvin@example.com",)),
        ("arf-rfc5965-b1.eml", "complaint", "abuse", ()),
        ("arf-rfc5965-b2.eml", "complaint", "abuse", ("user@example.com",)),
        ("not-a-report.eml", "none", "", ()),
        ("malformed-dsn.eml", "malformed", "", ()),
    ],
)
def test_real_reports_are_classified(name, kind, status, recipients):
    report = classify(sample(name), SECRET)
    assert (report.kind, report.status) == (kind, status)
    if recipients:
        assert report.recipients == recipients
    assert "@" not in report.reason  # reasons are shown and stored: never an address
    assert report.delivery_id is None  # none of them carries a token signed with our key


def test_reasons_mask_the_local_part_of_the_bounced_address_too():
    report = classify(sample("postfix-hard-5.1.1.eml"), SECRET)
    assert report.reason == 'failed 5.1.1: X-Postfix; unknown user: "<address>"'
    assert mask("550 5.1.1 <ann@example.org>: no such user ann", ("ann@example.org",)) == (
        "550 5.1.1 <<address>>: no such user <address>"
    )


def test_garbage_never_raises_and_is_reported_in_one_line(capsys):
    # flufl.bounce 6.0.0's Yale detector raises IndexError on a message without From: one casualty, no traceback.
    garbage = classify(b"\x00\xff\xfe not mail at all", SECRET)
    assert (garbage.kind, garbage.reason) == ("malformed", "the bounce parser failed on it (IndexError)")
    assert capsys.readouterr().err == ""


def test_the_return_path_names_the_delivery_and_cannot_be_forged():
    address = return_path(SECRET, 42, "bounces@riverside.example.org")
    local, _, domain = address.partition("@")
    assert domain == "riverside.example.org"
    assert local.startswith("bounces+d42-")
    assert local == local.lower()  # some servers change the case of a local part; the token survives
    assert verify_return_path(SECRET, f"To: <{address}>") == 42
    assert verify_return_path(SECRET, address.upper()) == 42
    assert verify_return_path(b"x" * 32, address) is None  # another key
    assert verify_return_path(SECRET, address.replace("+d42-", "+d43-")) is None  # another delivery
    assert verify_return_path(SECRET, address[:-25] + "@riverside.example.org") is None  # truncated
    assert verify_return_path(SECRET, "bounces@riverside.example.org") is None


# the real store, real SMTP -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_mailing(shipped_project):
    return Mailing(shipped_project, Store.open("sqlite://"), SECRET, RIVERSIDE_OPEN.date())


@pytest.fixture
def mailing(shared_mailing, db_url):
    shared_mailing.store = Store.open(db_url)
    yield shared_mailing
    shared_mailing.store.close()


def enroll(mailing, address: str, brand: str) -> int:
    locale, zone = ("en_GB", "Europe/London") if brand == "riverside" else ("en", "America/Los_Angeles")
    request = EnrollmentRequest(
        address,
        "Pat Example",
        locale,
        brand,
        "acne-education",
        zone,
        RIVERSIDE_OPEN.date(),
        RIVERSIDE_OPEN - dt.timedelta(days=1),
        "signed consent form",
    )
    enrollment_id, _ = mailing.enroll(request, RIVERSIDE_OPEN)
    return enrollment_id


def send_first_emails(mailing, smtp_server):
    """The welcome email to everyone enrolled, over real SMTP; returns {recipient: (envelope sender, raw)}."""
    host, port, sink = smtp_server
    transport = open_transport(f"smtp://{host}:{port}", REPO)
    try:
        for moment in (RIVERSIDE_OPEN, HARBOR_OPEN):
            mailing.send_due(moment, transport, worker="test")
    finally:
        transport.close()
    sent = {}
    for sender, recipients, raw in sink.messages:
        sent.setdefault(recipients[0], []).append((sender, raw))
    sink.messages.clear()
    return sent


def readdress(template: str, return_address: str, recipient: str, message_id: str) -> bytes:
    """A real Postfix DSN, addressed to another delivery: its return path, recipient and Message-ID."""
    text = sample(template).decode()
    original = email.message_from_string(text)
    old_return = original["To"]
    old_recipient = next(
        line.split(";")[1].strip() for line in text.splitlines() if line.startswith("Final-Recipient:")
    )
    old_id = next(
        line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Message-ID:")
    )
    text = text.replace(old_return, return_address).replace(old_recipient, recipient)
    text = text.replace(f'"{old_recipient.split("@")[0]}"', f'"{recipient.split("@")[0]}"')
    return text.replace(old_id, message_id).encode()


def message_id_of(raw: bytes) -> str:
    return email.message_from_bytes(raw)["Message-ID"]


def new_maildir(path: Path, *messages: bytes) -> Path:
    box = mailbox.Maildir(str(path), create=True)
    for raw in messages:
        box.add(raw)
    return path


def state(mailing):
    """Per enrollment id: (status, pending deliveries); the suppressions by reason; bounce events by kind."""
    with mailing.store.engine.connect() as connection:
        rows = connection.execute(sa.select(enrollments.c.id, enrollments.c.status)).all()
        pending = dict(
            connection.execute(
                sa.select(deliveries.c.enrollment_id, sa.func.count())
                .where(deliveries.c.status.in_(("pending", "deferred")))
                .group_by(deliveries.c.enrollment_id)
            ).all()
        )
        suppressed = dict(
            connection.execute(sa.select(suppressions.c.email_hash, suppressions.c.reason)).all()
        )
        events = connection.execute(sa.select(bounce_events.c.kind, bounce_events.c.delivery_id)).all()
    return {r.id: (r.status, pending.get(r.id, 0)) for r in rows}, suppressed, sorted(events)


def test_a_hard_bounce_suppresses_exactly_the_bounced_address_for_every_clinic(
    mailing, smtp_server, tmp_path
):
    ann_r, ann_h = (
        enroll(mailing, "ann@patients.example.org", "riverside"),
        enroll(mailing, "ann@patients.example.org", "harbor"),
    )
    bob, cleo = (
        enroll(mailing, "bob@patients.example.org", "riverside"),
        enroll(mailing, "cleo@patients.example.org", "harbor"),
    )
    sent = send_first_emails(mailing, smtp_server)
    (ann_return, ann_raw) = next(s for s in sent["ann@patients.example.org"] if "riverside" in s[0])
    assert ann_return.startswith("bounces+d")
    assert ann_return.endswith("@riverside.example.org")
    harbor_return = sent["cleo@patients.example.org"][0][0]
    assert harbor_return.startswith("learn+d")
    assert harbor_return.endswith("@harbor.example.com")
    hard = readdress("postfix-hard-5.1.1.eml", ann_return, "ann@patients.example.org", message_id_of(ann_raw))
    box = new_maildir(tmp_path / "bounces", hard)

    run = process(MaildirSource(box), mailing, HARBOR_OPEN)

    assert (run.hard, run.soft, run.complaints, run.unmatched, run.malformed) == (1, 0, 0, 0, 0)
    assert list(run.reasons) == [("hard", 'failed 5.1.1: X-Postfix; unknown user: "<address>"')]
    enrolled, suppressed, events = state(mailing)
    assert suppressed == {email_hash(SECRET, "ann@patients.example.org"): "bounced"}
    assert enrolled[ann_r] == ("suppressed", 0)
    assert enrolled[ann_h] == ("suppressed", 0)  # hard bounces are per address: every clinic stops
    assert enrolled[bob] == ("active", 18)
    assert enrolled[cleo] == ("active", 18)
    assert events == [("hard", verify_return_path(SECRET, ann_return))]
    # Everyone else keeps getting their emails.
    later = send_first_emails_on(mailing, smtp_server, days=4)
    assert later == {"bob@patients.example.org", "cleo@patients.example.org"}


def send_first_emails_on(mailing, smtp_server, days: int) -> set[str]:
    host, port, sink = smtp_server
    transport = open_transport(f"smtp://{host}:{port}", REPO)
    try:
        for day in range(1, days + 1):
            for moment in (RIVERSIDE_OPEN, HARBOR_OPEN):
                mailing.send_due(moment + dt.timedelta(days=day), transport, worker="test")
    finally:
        transport.close()
    return {recipients[0] for _, recipients, _ in sink.messages}


def test_soft_forged_unsigned_malformed_and_a_second_run(mailing, smtp_server, tmp_path):
    ann, bob = (
        enroll(mailing, "ann@patients.example.org", "riverside"),
        enroll(mailing, "bob@patients.example.org", "riverside"),
    )
    cleo = enroll(mailing, "cleo@patients.example.org", "harbor")
    sent = send_first_emails(mailing, smtp_server)
    ann_return, ann_raw = sent["ann@patients.example.org"][0]
    bob_return, _bob_raw = sent["bob@patients.example.org"][0]
    _cleo_return, _cleo_raw = sent["cleo@patients.example.org"][0]
    forged = bob_return.replace(bob_return.split("-")[-1].split("@")[0], "a" * 16)
    box = new_maildir(
        tmp_path / "bounces",
        readdress(
            "postfix-delayed-4.4.1.eml", ann_return, "ann@patients.example.org", message_id_of(ann_raw)
        ),
        # A forged token naming Bob's delivery, and a report to the plain sender address naming Cleo with
        # somebody else's Message-ID: neither may suppress anyone.
        readdress("postfix-hard-5.1.1.eml", forged, "bob@patients.example.org", "<made-up@example.net>"),
        readdress(
            "postfix-hard-5.1.1.eml", "learn@harbor.example.com", "cleo@patients.example.org", "<x@y.z>"
        ),
        sample("malformed-dsn.eml"),
        sample("not-a-report.eml"),
    )

    run = process(MaildirSource(box), mailing, HARBOR_OPEN)

    assert (run.hard, run.soft, run.complaints, run.unmatched, run.not_reports, run.malformed) == (
        0,
        1,
        0,
        2,
        1,
        1,
    )
    assert (
        "soft",
        "delayed 4.4.1: X-Postfix; connect to 127.0.0.1[127.0.0.1]:9: Connection refused",
    ) in run.reasons
    enrolled, suppressed, events = state(mailing)
    assert suppressed == {}
    assert {enrolled[i][0] for i in (ann, bob, cleo)} == {"active"}
    assert events == [("soft", verify_return_path(SECRET, ann_return))]
    assert len(list(mailbox.Maildir(str(box)).keys())) == 0  # all moved to .processed
    assert len(MaildirSource(box).processed.keys()) == 5

    again = process(MaildirSource(box), mailing, HARBOR_OPEN)  # nothing is counted twice
    assert (
        again.summary()
        == "0 hard, 0 soft, 0 complaint(s), 0 unmatched, 0 not report(s), 0 malformed, 0 already recorded"
    )
    # The same report delivered twice (or read again after a crash before it was moved) is recorded once.
    repeat = readdress(
        "postfix-delayed-4.4.1.eml", ann_return, "ann@patients.example.org", message_id_of(ann_raw)
    )
    new_maildir(box, repeat)
    assert process(MaildirSource(box), mailing, HARBOR_OPEN).already == 1
    assert state(mailing)[2] == events


def test_a_report_without_a_token_acts_only_on_our_message_to_the_address_it_names(
    mailing, smtp_server, tmp_path
):
    ann = enroll(mailing, "ann@patients.example.org", "riverside")
    bob = enroll(mailing, "bob@patients.example.org", "riverside")
    sent = send_first_emails(mailing, smtp_server)
    ann_id = message_id_of(sent["ann@patients.example.org"][0][1])
    box = new_maildir(
        tmp_path / "bounces",
        # Ann's Message-ID, but Bob's address: unmatched.
        readdress(
            "postfix-hard-5.1.1.eml", "education@riverside.example.org", "bob@patients.example.org", ann_id
        ),
        # Ann's Message-ID and Ann's address (an MTA that returned it to the From address): Ann only.
        readdress(
            "postfix-hard-5.1.1.eml", "education@riverside.example.org", "ann@patients.example.org", ann_id
        ),
    )
    run = process(MaildirSource(box), mailing, HARBOR_OPEN)
    assert (run.hard, run.unmatched) == (1, 1)
    enrolled, suppressed, _ = state(mailing)
    assert suppressed == {email_hash(SECRET, "ann@patients.example.org"): "bounced"}
    assert (enrolled[ann][0], enrolled[bob][0]) == ("suppressed", "active")


def test_a_complaint_stops_the_address_for_every_clinic(mailing, smtp_server, tmp_path):
    dan_r, dan_h = (
        enroll(mailing, "dan@patients.example.org", "riverside"),
        enroll(mailing, "dan@patients.example.org", "harbor"),
    )
    eve = enroll(mailing, "eve@patients.example.org", "harbor")
    sent = send_first_emails(mailing, smtp_server)
    dan_return = next(s for s in sent["dan@patients.example.org"] if "harbor" in s[0])[0]
    # RFC 5965 B.2, as a mailbox provider's feedback loop would send it about our message to Dan.
    arf = (
        sample("arf-rfc5965-b2.eml")
        .decode()
        .replace("Original-Mail-From: <somespammer@example.net>", f"Original-Mail-From: <{dan_return}>")
        .replace("user@example.com", "dan@patients.example.org")
    )
    exim = (  # and an Exim 2 bounce (no DSN, read by flufl.bounce) about Eve, to Eve's return path
        sample("flufl-exim_01.eml")
        .decode()
        .replace("To: user@rotzorg.org", f"To: {sent['eve@patients.example.org'][0][0]}")
        .replace("userx@its.example.nl", "eve@patients.example.org")
    )
    box = new_maildir(tmp_path / "bounces", arf.encode(), exim.encode())
    run = process(MaildirSource(box), mailing, HARBOR_OPEN)
    assert (run.hard, run.complaints, run.unmatched) == (1, 1, 0)
    enrolled, suppressed, _ = state(mailing)
    assert suppressed == {
        email_hash(SECRET, "dan@patients.example.org"): "complained",
        email_hash(SECRET, "eve@patients.example.org"): "bounced",
    }
    assert {enrolled[dan_r], enrolled[dan_h], enrolled[eve]} == {("suppressed", 0)}


def test_a_dry_run_changes_nothing(mailing, smtp_server, tmp_path):
    enroll(mailing, "ann@patients.example.org", "riverside")
    sent = send_first_emails(mailing, smtp_server)
    ann_return, ann_raw = sent["ann@patients.example.org"][0]
    hard = readdress("postfix-hard-5.1.1.eml", ann_return, "ann@patients.example.org", message_id_of(ann_raw))
    box = new_maildir(tmp_path / "bounces", hard)
    run = process(MaildirSource(box), mailing, HARBOR_OPEN, dry_run=True)
    assert run.hard == 1
    assert state(mailing)[1:] == ({}, [])
    assert len(mailbox.Maildir(str(box)).keys()) == 1


# the command -------------------------------------------------------------------------------------------------


@pytest.mark.slow  # over 3 s: loads the shipped project for the command
def test_the_command_reports_counts_and_reasons_without_addresses(shipped_project, tmp_path, monkeypatch):
    secret = "s" * 40
    monkeypatch.setenv("SCARLEAFLETS_SECRET", secret)
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    mailing = Mailing(shipped_project, Store.open(db), secret.encode(), RIVERSIDE_OPEN.date())
    enroll(mailing, "ann@patients.example.org", "riverside")
    outbox = tmp_path / "outbox"
    mailing.send_due(RIVERSIDE_OPEN, open_transport(f"maildir://{outbox}", REPO), worker="test")
    (delivered,) = list(mailbox.Maildir(str(outbox)))  # iterating a Maildir gives its messages
    ann_return = delivered["Return-Path"].strip("<>")  # the Maildir transport records the envelope sender
    assert verify_return_path(secret.encode(), ann_return) is not None
    hard = readdress(
        "postfix-hard-5.1.1.eml", ann_return, "ann@patients.example.org", delivered["Message-ID"]
    )
    box = new_maildir(tmp_path / "bounces", hard, sample("not-a-report.eml"))
    runner = CliRunner()
    args = ["--project", str(REPO), "bounces", f"maildir://{box}", "--db", db]

    dry = runner.invoke(cli, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("dry run, nothing changed: 1 hard, 0 soft")
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "1 hard, 0 soft, 0 complaint(s), 0 unmatched, 1 not report(s), 0 malformed, 0 already recorded",
        '  1 hard: failed 5.1.1: X-Postfix; unknown user: "<address>"',
    ]
    assert "ann" not in result.output
    store = Store.open(db)
    with store.engine.connect() as connection:
        reasons = connection.execute(
            sa.select(suppressions.c.scope, suppressions.c.reason).where(
                suppressions.c.email_hash == email_hash(secret.encode(), "ann@patients.example.org")
            )
        ).all()
    assert [tuple(row) for row in reasons] == [(ALL_CLINICS, "bounced")]
    store.close()
    mailing.store.close()
    for brand, shown in (("riverside", True), ("harbor", False)):  # `status` counts the clinic's reports
        status = runner.invoke(cli, ["--project", str(REPO), "status", "--brand", brand, "--db", db])
        assert ("bounce reports: 1 hard" in status.output) is shown, status.output

    missing = runner.invoke(
        cli, ["--project", str(REPO), "bounces", f"maildir://{tmp_path / 'nowhere'}", "--db", db]
    )
    assert missing.exit_code == 1
    assert missing.output.strip().splitlines() == [
        f"error: {tmp_path / 'nowhere'}: not a Maildir (it needs cur/, new/ and tmp/ folders)"
    ]
    help_text = runner.invoke(cli, ["bounces", "--help"]).output
    assert "hard bounce" in help_text
    assert "--dry-run" in help_text


# IMAP --------------------------------------------------------------------------------------------------------


class FakeImap:
    """The part of imaplib.IMAP4 the reader uses, answering as a server would (RFC 3501): not a real server,
    so this tests the reader's commands and its handling of the answers, not the protocol on the wire."""

    def __init__(self, messages: dict[int, bytes], password: str = "right") -> None:  # noqa: S107 (a test login)
        self.folders: dict[str, dict[int, bytes]] = {"INBOX": dict(messages)}
        self.flags: dict[int, set[str]] = {uid: set() for uid in messages}
        self.password = password
        self.selected = ""
        self.log: list[str] = []

    def login(self, user, password):
        if password != self.password:
            import imaplib

            raise imaplib.IMAP4.error("[AUTHENTICATIONFAILED] Authentication failed.")
        return "OK", [b"Logged in"]

    def select(self, folder):
        self.selected = folder.strip('"')
        return ("OK", [b"2"]) if self.selected in self.folders else ("NO", [b"Mailbox doesn't exist"])

    def create(self, folder):
        name = folder.strip('"')
        if name in self.folders:
            return "NO", [b"[ALREADYEXISTS] Mailbox already exists"]
        self.folders[name] = {}
        return "OK", [b"Create completed"]

    def uid(self, command, *args):
        self.log.append(command)
        box = self.folders[self.selected]
        if command == "SEARCH":
            uids = [str(u).encode() for u in sorted(box) if "\\Deleted" not in self.flags[u]]
            return "OK", [b" ".join(uids)]
        uid = int(args[0])
        if command == "FETCH":
            assert args[1] == "(BODY.PEEK[])"  # reading must not mark it seen
            return "OK", [(f"{uid} (UID {uid} BODY[] {{{len(box[uid])}}}".encode(), box[uid]), b")"]
        if command == "COPY":
            self.folders[args[1].strip('"')][uid] = box[uid]
            return "OK", [b"Copy completed"]
        if command == "STORE":
            self.flags[uid] |= set(args[2].strip("()").split())
            return "OK", [None]
        raise AssertionError(command)

    def expunge(self):
        box = self.folders[self.selected]
        for uid in [u for u in box if "\\Deleted" in self.flags[u]]:
            del box[uid]
        return "OK", [None]

    def logout(self):
        return "BYE", [b"Logging out"]

    def shutdown(self):
        self.log.append("shutdown")


def test_the_imap_reader_moves_each_processed_message_to_the_processed_folder(mailing):
    server = FakeImap({1: sample("not-a-report.eml"), 2: sample("malformed-dsn.eml")})
    source = open_source("imaps://bounces:right@imap.example.org/INBOX", REPO, lambda host, port, tls: server)
    assert isinstance(source, ImapSource)
    run = process(source, mailing, HARBOR_OPEN)
    source.close()
    assert (run.not_reports, run.malformed) == (1, 1)
    assert server.folders == {
        "INBOX": {},
        "processed": {1: sample("not-a-report.eml"), 2: sample("malformed-dsn.eml")},
    }
    again = open_source("imaps://bounces:right@imap.example.org/INBOX", REPO, lambda host, port, tls: server)
    assert process(again, mailing, HARBOR_OPEN).not_reports == 0


def test_an_unreadable_imap_mailbox_is_one_line_without_the_password():
    server = FakeImap({})
    with pytest.raises(BounceSourceError) as info:
        open_source("imaps://bounces:wrong@imap.example.org/INBOX", REPO, lambda host, port, tls: server)
    assert "wrong" not in str(info.value)
    assert "imaps://bounces:***@imap.example.org/INBOX" in str(info.value)
    with pytest.raises(BounceSourceError, match="cannot open the folder Missing"):
        open_source("imaps://bounces:right@imap.example.org/Missing", REPO, lambda host, port, tls: server)
    with pytest.raises(BounceSourceError, match="unencrypted"):
        open_source("imap://bounces:right@imap.example.org/INBOX", REPO, lambda host, port, tls: server)
    with pytest.raises(BounceSourceError, match="use maildir://PATH or imaps://"):
        open_source("pop3://imap.example.org", REPO)


DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def dovecot():
    """A real IMAP server (Debian's dovecot-imapd, if installed) on a free local port, with one user "bounces";
    yields (port, the user's Maildir). Needs root, to run it and hand the Maildir to its mail user."""
    import os
    import socket
    import subprocess
    import tempfile
    import time

    from ..conftest import free_port

    program = shutil.which("dovecot")
    if program is None or os.geteuid() != 0:
        pytest.skip("needs Debian's dovecot-imapd and root")
    root = Path(tempfile.mkdtemp(prefix="dv", dir="/tmp"))  # short: Dovecot's sockets live under it
    root.chmod(0o755)
    port = free_port()
    (root / "dovecot.conf").write_text(DOVECOT_CONF.format(root=root, port=port))
    (root / "passwd").write_text("bounces:{PLAIN}imap-test-pass\n")
    maildir = root / "home" / "bounces" / "Maildir"
    maildir.parent.mkdir(parents=True)
    mailbox.Maildir(str(maildir), create=True)
    for path in [root / "home", *(root / "home").rglob("*")]:
        shutil.chown(path, 65534, 65534)
    server = subprocess.Popen([program, "-F", "-c", str(root / "dovecot.conf")])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port, maildir
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow  # a real Dovecot
def test_a_real_imap_server(mailing, smtp_server, dovecot):
    port, maildir = dovecot
    enroll(mailing, "ann@patients.example.org", "riverside")
    bob = enroll(mailing, "bob@patients.example.org", "riverside")
    sent = send_first_emails(mailing, smtp_server)
    ann_return, ann_raw = sent["ann@patients.example.org"][0]
    hard = readdress("postfix-hard-5.1.1.eml", ann_return, "ann@patients.example.org", message_id_of(ann_raw))
    box = mailbox.Maildir(str(maildir), create=False)
    for raw in (hard, sample("not-a-report.eml")):
        box.add(raw)
    for path in [maildir, *maildir.rglob("*")]:  # delivered as the mail user would have
        shutil.chown(path, 65534, 65534)
    url = f"imap://bounces:imap-test-pass@127.0.0.1:{port}/INBOX"

    source = open_source(url, REPO)
    run = process(source, mailing, HARBOR_OPEN)
    source.close()

    assert (run.hard, run.not_reports) == (1, 1)
    enrolled, suppressed, _ = state(mailing)
    assert suppressed == {email_hash(SECRET, "ann@patients.example.org"): "bounced"}
    assert enrolled[bob][0] == "active"
    again = open_source(url, REPO)
    assert process(again, mailing, HARBOR_OPEN).summary().startswith("0 hard, 0 soft")
    again.close()
    assert len(mailbox.Maildir(str(maildir), create=False).get_folder("processed")) == 2
    assert len(mailbox.Maildir(str(maildir), create=False)) == 0
    with pytest.raises(BounceSourceError, match="AUTHENTICATIONFAILED") as info:
        open_source(f"imap://bounces:wrong@127.0.0.1:{port}/INBOX", REPO)
    assert "wrong" not in str(info.value)
