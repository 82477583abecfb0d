"""Bounce reports and complaints: read them from a mailbox, classify each, find our delivery, apply the effect.

Every message we send has its own envelope sender, ``bounces+d<delivery>-<signature>@clinic`` (see
``signing.return_path``), so the mail server that cannot deliver it, or the mailbox provider that passes on a
patient's "this is spam", writes back to an address that names the delivery. ``scarleaflets bounces`` reads the
mailbox those reports arrive in (a Maildir, or IMAP) and, for each message:

1. **classifies** it, from the message alone: an RFC 5965 feedback report (``multipart/report;
   report-type=feedback-report``, type ``abuse`` or ``fraud``) is a *complaint*; an RFC 3464 delivery status
   notification is read per recipient (``Action:`` and ``Status:``): *hard* when delivery failed for good
   and the status is the address's (5.0.x, 5.1.x, 5.2.x but 5.2.2 mailbox full and 5.2.3 message too big,
   5.4.x), *soft* when it was delayed, failed with a 4.x.x status (the server gave up retrying), or was
   refused for the message's or the sender's sake (5.3.x, 5.5.x, 5.6.x, 5.7.x: spam filters, size,
   authentication — not the patient's address, as ``delivery`` judges a refusal after DATA). A ``5.0.0``
   status is refined by the enhanced code in the diagnostic, if it has one. Anything else is handed to
   flufl.bounce, the maintained parser Mailman uses for the many non-standard formats (old Postfix, Exim,
   qmail, Exchange, Yahoo…): its permanent failures are hard, its temporary ones soft. What none of these
   recognise is *not a report* (an auto-reply, a success notice, spam); a message that says it is a report but
   cannot be read is *malformed*. A fault in one message never stops the others.
2. **finds the delivery**: a validly signed return-path token in the report's ``To``, ``Delivered-To``,
   ``X-Original-To`` or ``Envelope-To``, in the returned message's ``Return-Path``, or in a feedback report's
   ``Original-Mail-From``, names it. A report without one (sent to the plain sender address, or forged) may
   act only when the returned headers quote the Message-ID of one of our deliveries *and* the address the
   report names is that delivery's address. Everything else is *unmatched*: counted, never acted on, so no
   report can suppress an address we did not write to.
3. **applies** it through ``Mailing.apply_bounce``: a hard bounce or a complaint suppresses the address for
   every clinic; a soft bounce is only recorded (``bounce_events``, ids and masked text, no address).

Each processed message is then moved out of the way (a Maildir's ``.processed`` folder; an IMAP folder), and
each applied report is recorded once by the SHA-256 of its bytes, so a second run never counts one twice, even
after a crash between recording and moving. Output and stored texts never contain an address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import hashlib
import imaplib
import logging
import mailbox
import re
import ssl
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

from flufl.bounce import all_failures

from ..errors import ScarleafletsError
from ..signing import email_hash, verify_return_path
from .service import Mailing
from .store import ADDRESS_LIKE, BounceEvent, BounceTarget

Kind = Literal["hard", "soft", "complaint", "none", "malformed"]
ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
# Enhanced-status subjects (RFC 3463) that speak of the message or the sender, not of the address.
NOT_THE_ADDRESS = {"3", "5", "6", "7"}
NOT_THE_ADDRESS_CODES = {"5.2.2", "5.2.3"}  # mailbox full, message too big for it
COMPLAINT_TYPES = {"abuse", "fraud"}
TOKEN_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
PROCESSED = "processed"
# flufl.bounce logs a detector's exception, with its traceback, before re-raising it; we report that message as
# malformed in one line, so the traceback must not reach the user through logging's last-resort handler.
logging.getLogger("flufl.bounce").addHandler(logging.NullHandler())


class BounceSourceError(ScarleafletsError):
    """The bounce mailbox cannot be opened or read."""


class _Malformed(Exception):
    """A message that says it is a report but cannot be read as one."""


@dataclass(frozen=True)
class Report:
    """What one message says, read from the message alone. ``recipients`` stay in memory, never shown."""

    kind: Kind
    status: str  # an enhanced status code, a feedback type, or ""
    reason: str  # one line, addresses masked
    key: str  # SHA-256 of the message's bytes
    delivery_id: int | None = None  # from a validly signed return-path token
    message_ids: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()


@dataclass
class BounceRun:
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    unmatched: int = 0
    not_reports: int = 0
    malformed: int = 0
    already: int = 0  # matched reports recorded by an earlier run
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)

    def summary(self) -> str:
        return (
            f"{self.hard} hard, {self.soft} soft, {self.complaints} complaint(s), {self.unmatched} unmatched, "
            f"{self.not_reports} not report(s), {self.malformed} malformed, {self.already} already recorded"
        )


# classifying -------------------------------------------------------------------------------------------------


def classify(raw: bytes, secret: bytes) -> Report:
    """Read one message: its kind, status, masked reason, the delivery its signed token names, the
    Message-IDs of the returned message and the addresses the report names. Never raises."""
    key = hashlib.sha256(raw).hexdigest()
    try:
        message = email.message_from_bytes(raw)  # the compat32 model, which flufl.bounce reads
        kind, status, detail, recipients = _verdict(message)
        returned = _returned_headers(message)
        places = [value for name in TOKEN_HEADERS for value in message.get_all(name, [])]
        places += [value for headers in returned for value in headers.get_all("Return-Path", [])]
        places += _feedback_values(message, "Original-Mail-From")
        message_ids = tuple(str(mid).strip() for h in returned for mid in h.get_all("Message-ID", []))
    except _Malformed as exc:
        return Report("malformed", "", str(exc), key)
    except Exception as exc:  # one unreadable message must not stop the others
        return Report("malformed", "", f"the bounce parser failed on it ({exc.__class__.__name__})", key)
    return Report(
        kind,
        status,
        mask(detail, recipients),
        key,
        verify_return_path(secret, " ".join(str(p) for p in places)),
        message_ids,
        recipients,
    )


def _verdict(message: Message) -> tuple[Kind, str, str, tuple[str, ...]]:
    content_type = message.get_content_type()
    report_type = str(message.get_param("report-type", "")).lower()
    types = {part.get_content_type() for part in message.walk()}
    if content_type == "multipart/report" and report_type == "feedback-report":
        return _feedback(message)
    if "message/delivery-status" in types or (
        content_type == "multipart/report" and report_type == "delivery-status"
    ):
        return _dsn(message)
    return _non_standard(message)


def _feedback(message: Message) -> tuple[Kind, str, str, tuple[str, ...]]:
    """An RFC 5965 feedback report: abuse and fraud are complaints; other types are not."""
    fields = _feedback_fields(message)
    if fields is None:
        raise _Malformed("a feedback report without a readable message/feedback-report part")
    feedback_type = str(fields.get("Feedback-Type", "")).strip().lower()
    recipients = _addresses(fields.get_all("Original-Rcpt-To", []))
    if not recipients:
        recipients = _addresses([v for h in _returned_headers(message) for v in h.get_all("To", [])])
    if feedback_type in COMPLAINT_TYPES:
        return "complaint", feedback_type, f"feedback report: {feedback_type}", recipients
    return "none", feedback_type, f"feedback report of type '{feedback_type}', not a complaint", recipients


def _dsn(message: Message) -> tuple[Kind, str, str, tuple[str, ...]]:
    """An RFC 3464 delivery status notification, judged per recipient: the worst verdict wins."""
    blocks: list[Message] = []
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if not isinstance(payload, list) or not payload:
                raise _Malformed("a delivery-status part without readable fields")
            # The per-recipient blocks are those with an Action (the first block is the per-message one).
            blocks.extend(block for block in payload if isinstance(block, Message) and block.get("Action"))
    if not blocks:
        raise _Malformed("a delivery status notification without per-recipient Action fields")
    verdicts = [verdict for verdict in map(_recipient_verdict, blocks) if verdict[0] != "none"]
    if not verdicts:
        return "none", "", "a delivery status notification that reports no failure", ()
    worst = next((v for v in verdicts if v[0] == "hard"), verdicts[0])
    recipients = tuple(dict.fromkeys(a for v in verdicts for a in v[3]))
    return worst[0], worst[1], worst[2], recipients


def _recipient_verdict(block: Message) -> tuple[Kind, str, str, tuple[str, ...]]:
    action = str(block.get("Action", "")).strip().lower()
    diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
    code = _status(str(block.get("Status", "")), diagnostic)
    kind = _block_kind(action, code)
    addresses = _addresses(
        [str(block.get(name, "")).partition(";")[2] for name in ("Final-Recipient", "Original-Recipient")]
    )
    note = (
        " (refused for the message or the sender, not the address)"
        if kind == "soft" and code[:1] == "5"
        else ""
    )
    shown = f"{(action.split() or ['?'])[0]} {code or '(no status)'}{note}: {diagnostic or '(no diagnostic)'}"
    return kind, code, shown[:300], addresses


def _status(field_value: str, diagnostic: str) -> str:
    """The enhanced status code; an unspecific x.0.0 gives way to the diagnostic's own code of the same class."""
    found = ENHANCED.search(field_value)
    code = ".".join(found.groups()) if found else ""
    detail = ENHANCED.search(diagnostic)
    if detail and (not code or (code.endswith(".0.0") and detail.group(1) == code[0])):
        return ".".join(detail.groups())
    return code


def _block_kind(action: str, code: str) -> Kind:
    if action.startswith("delayed"):
        return "soft"
    if not action.startswith(("failed", "failure", "error")):
        return "none"  # delivered, relayed, expanded
    if code.startswith("4") or code in NOT_THE_ADDRESS_CODES:
        return "soft"
    if code and code.split(".")[1] in NOT_THE_ADDRESS:
        return "soft"
    return "hard"


def _non_standard(message: Message) -> tuple[Kind, str, str, tuple[str, ...]]:
    """flufl.bounce's detectors, for the formats that are not RFC 3464."""
    temporary, permanent = all_failures(message)
    if permanent:
        return "hard", "", "non-standard bounce: permanent failure", _decoded(permanent)
    if temporary:
        return "soft", "", "non-standard bounce: temporary failure", _decoded(temporary)
    return "none", "", "not a bounce report or complaint", ()


def _decoded(addresses: frozenset[bytes]) -> tuple[str, ...]:
    return tuple(sorted(a.decode("ascii", "replace") for a in addresses))


def _addresses(values: list[str]) -> tuple[str, ...]:
    found = [address.strip() for _, address in getaddresses([str(v) for v in values])]
    return tuple(dict.fromkeys(a for a in found if "@" in a))


def _feedback_fields(message: Message) -> Message | None:
    """The fields of a message/feedback-report part (the parser gives them as a message's headers)."""
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
            if isinstance(payload, str):
                return HeaderParser().parsestr(payload)
    return None


def _feedback_values(message: Message, name: str) -> list[str]:
    if str(message.get_param("report-type", "")).lower() != "feedback-report":
        return []
    fields = _feedback_fields(message)
    return [str(v) for v in fields.get_all(name, [])] if fields is not None else []


def _returned_headers(message: Message) -> list[Message]:
    """The headers of the returned original: a message/rfc822 or text/rfc822-headers part of the report."""
    found: list[Message] = []
    for part in message.walk():
        if part is message:
            continue
        kind = part.get_content_type()
        if kind == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                found.append(payload[0])
        elif kind == "text/rfc822-headers":
            text = part.get_payload(decode=True)
            if isinstance(text, bytes):
                found.append(HeaderParser().parsestr(text.decode("utf-8", "replace")))
    return found


def mask(text: str, addresses: tuple[str, ...] = ()) -> str:
    """One line without any address, nor the local part of an address the report names ("unknown user: ann")."""
    line = ADDRESS_LIKE.sub("<address>", " ".join(text.split()))
    for address in addresses:
        local = address.rpartition("@")[0]
        if local:
            line = re.sub(
                rf"(?<![\w.+-]){re.escape(local)}(?![\w.+-])", "<address>", line, flags=re.IGNORECASE
            )
    return line[:300]


# matching and applying ---------------------------------------------------------------------------------------


def find_target(report: Report, mailing: Mailing) -> tuple[BounceTarget | None, str]:
    """Our delivery the report is about, or None with the reason it is unmatched."""
    if report.delivery_id is not None:
        target = mailing.store.bounce_target(report.delivery_id)
        if target is None:
            return None, "its return path names a delivery no longer in the database (erased)"
        return target, ""
    hashes = {email_hash(mailing.secret, address) for address in report.recipients}
    for target in mailing.store.bounce_targets_by_message_id(report.message_ids):
        if target.email_hash in hashes:
            return target, ""
    return None, "no signed return path, and no Message-ID of ours sent to the address it names"


def settle(report: Report, mailing: Mailing, now: dt.datetime, run: BounceRun, *, dry_run: bool) -> None:
    """Count one report and, unless this is a dry run, apply it."""
    if report.kind in ("none", "malformed"):
        run.not_reports += report.kind == "none"
        run.malformed += report.kind == "malformed"
        if report.kind == "malformed":
            run.reasons["malformed", report.reason] += 1
        return
    target, why = find_target(report, mailing)
    if target is None:
        run.unmatched += 1
        run.reasons[f"unmatched {report.kind}", why] += 1
        return
    event = BounceEvent(report.key, target.delivery_id, report.kind, report.status, report.reason)
    if dry_run:
        applied = not mailing.store.has_bounce_report(report.key)
    else:
        applied = mailing.apply_bounce(target, event, now)
    if not applied:
        run.already += 1
        return
    run.hard += report.kind == "hard"
    run.soft += report.kind == "soft"
    run.complaints += report.kind == "complaint"
    run.reasons[report.kind, report.reason] += 1


# reading mailboxes -------------------------------------------------------------------------------------------


class Source(Protocol):
    def messages(self) -> Iterator[tuple[str, bytes | None]]:
        """(key, bytes) of each message not yet processed; None for one that cannot be read."""
        ...

    def done(self, key: str) -> None:
        """Move a processed message out of the way, so the next run does not read it again."""
        ...

    def close(self) -> None: ...


class MaildirSource:
    """A Maildir (``new/`` and ``cur/``); processed messages move to its ``.processed`` subfolder, marked seen.

    The subfolder is Maildir++, so an IMAP server on the same Maildir (Dovecot, Courier) shows it as a folder.
    """

    def __init__(self, path: Path) -> None:
        if not all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            raise BounceSourceError(f"{path}: not a Maildir (it needs cur/, new/ and tmp/ folders)")
        try:
            self.box = mailbox.Maildir(str(path), factory=None, create=False)
            self.processed = self.box.add_folder(PROCESSED)
        except OSError as exc:
            raise BounceSourceError(f"{path}: cannot be read: {exc.strerror}") from None
        self.path = path

    def messages(self) -> Iterator[tuple[str, bytes | None]]:
        try:
            keys = sorted(self.box.keys())
        except OSError as exc:
            raise BounceSourceError(f"{self.path}: cannot be read: {exc.strerror}") from None
        for key in keys:
            try:
                yield key, self.box.get_bytes(key)
            except (OSError, KeyError):
                yield key, None

    def done(self, key: str) -> None:
        raw = self.box.get_bytes(key)
        moved = mailbox.MaildirMessage(raw)
        moved.set_subdir("cur")
        moved.add_flag("S")
        self.processed.add(moved)
        self.box.discard(key)

    def close(self) -> None:
        self.box.close()


class ImapSource:
    """An IMAP folder; each processed message is copied to the ``processed`` folder (made if missing), then
    flagged deleted and expunged when the run closes. Messages are fetched with BODY.PEEK, so reading never
    marks them seen, and are named by UID, which stays valid while the folder is open."""

    def __init__(self, client: imaplib.IMAP4, folder: str, processed: str = PROCESSED) -> None:
        self.client, self.folder, self.processed = client, folder, processed
        _imap_ok(client.select(_quoted(folder)), f"cannot open the folder {folder}")
        client.create(_quoted(processed))  # NO when it exists already: fine
        self._moved = False

    def messages(self) -> Iterator[tuple[str, bytes | None]]:
        data = _imap_ok(self.client.uid("SEARCH", "UNDELETED"), "cannot list the messages")
        for uid in (data[0] or b"").split():
            kind, fetched = self.client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
            parts = [item[1] for item in fetched if isinstance(item, tuple)] if kind == "OK" else []
            yield uid.decode(), parts[0] if parts else None

    def done(self, key: str) -> None:
        _imap_ok(self.client.uid("COPY", key, _quoted(self.processed)), "cannot copy to the processed folder")
        _imap_ok(self.client.uid("STORE", key, "+FLAGS.SILENT", r"(\Deleted \Seen)"), "cannot flag a message")
        self._moved = True

    def close(self) -> None:
        try:
            if self._moved:
                self.client.expunge()
            self.client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # processed messages are copied and flagged \Deleted already: the next run skips them


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_ok(answer: tuple[str, Sequence[object]], problem: str) -> list[bytes]:
    kind, data = answer
    if kind != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise BounceSourceError(f"IMAP: {problem}: {kind} {detail}"[:300])
    return [d if isinstance(d, bytes) else b"" for d in data]


ImapFactory = Callable[[str, int, bool], imaplib.IMAP4]


def _connect(host: str, port: int, tls: bool) -> imaplib.IMAP4:
    if tls:
        return imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=30)
    return imaplib.IMAP4(host, port, timeout=30)


def open_source(url: str, project_root: Path, imap: ImapFactory = _connect) -> Source:
    """The mailbox a URL names: ``maildir://PATH`` or ``imaps://user:password@host[:port]/FOLDER``."""
    parts = urlsplit(url)
    if parts.scheme == "maildir":
        raw = unquote(parts.netloc + parts.path)
        return MaildirSource(Path(raw) if raw.startswith("/") else project_root / raw)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise BounceSourceError(
            f"unknown bounce mailbox '{_safe(url)}'; use maildir://PATH or imaps://user:password@host/INBOX"
        )
    if parts.scheme == "imap" and parts.password and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise BounceSourceError(f"'{_safe(url)}' would send the password unencrypted; use imaps://")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    port = parts.port or (993 if parts.scheme == "imaps" else 143)
    problem = f"cannot read the bounce mailbox {_safe(url)}"
    try:
        client = imap(parts.hostname, port, parts.scheme == "imaps")
    except (imaplib.IMAP4.error, OSError) as exc:
        raise BounceSourceError(f"{problem}: {exc.__class__.__name__}: {exc}"[:300]) from None
    try:
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        return ImapSource(client, folder)
    except (imaplib.IMAP4.error, OSError, BounceSourceError) as exc:
        with contextlib.suppress(OSError):
            client.shutdown()
        if isinstance(exc, BounceSourceError):
            raise
        raise BounceSourceError(f"{problem}: {exc.__class__.__name__}: {exc}"[:300]) from None


def _safe(url: str) -> str:
    parts = urlsplit(url)
    return url.replace(f":{parts.password}@", ":***@") if parts.password else url


def process(source: Source, mailing: Mailing, now: dt.datetime, *, dry_run: bool = False) -> BounceRun:
    """Classify, match and apply every message of the mailbox; move each out of the way unless dry_run."""
    run = BounceRun()
    for key, raw in source.messages():
        if raw is None:
            report = Report("malformed", "", "cannot be read from the mailbox", "")
        else:
            report = classify(raw, mailing.secret)
        settle(report, mailing, now, run, dry_run=dry_run)
        if not dry_run:
            source.done(key)
    return run
