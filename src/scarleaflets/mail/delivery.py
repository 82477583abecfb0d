"""Transports: hand a message to SMTP or a Maildir and report the outcome (they decide nothing else).

A transport URL chooses one: ``smtp://[user:pass@]host:port[?starttls=true]``, ``smtps://…`` (TLS from the
start), or ``maildir://PATH`` (relative to the project folder, or ``maildir:///absolute/path``), which any
mail client can read. Query options: ``timeout`` (seconds, default 30) and ``rate`` (messages per second,
default unlimited), and ``cafile`` (a CA bundle for a server with a private certificate; certificates are
always verified). A user name and password are only sent over TLS (``smtps`` or ``starttls=true``); on a
trusted local network ``allow_plain_auth=true`` permits it in the clear, otherwise the URL is refused before
any connection is made.

One SMTP connection is reused across a batch; before each reuse it is checked with RSET, and one the server
closed meanwhile (an idle timeout) is quietly reopened. Each reply is judged by the stage it answers (RFC 5321),
because only one stage speaks about the recipient:

- connect, greeting, EHLO/HELO, STARTTLS, AUTH and MAIL FROM: any refusal (4xx or 5xx) or lost connection is
  the sender's or the server's problem, never the patient's: ``halt`` (the caller stops the pass and charges
  nobody);
- RCPT TO: 4xx is ``retry``, 5xx is ``fail`` (a hard bounce of this one address);
- DATA (the command or the reply after the message): 4xx is ``retry``; 5xx is ``halt``, because after DATA the
  server judges the message and its sender (content, size, policy, authentication), and we send one recipient
  per transaction, so a per-recipient verdict would have come at RCPT TO. The exception is a reply whose
  enhanced status code clearly names the destination mailbox (5.1.1, 5.1.2, 5.1.3, 5.1.6, 5.2.1): ``fail``;
- a connection lost or timed out after MAIL FROM was accepted: ``retry``.

A 421 (service closing) at any stage drops the connection, so the next message opens a new one instead of
failing on a closed one. Server texts are kept in outcomes with the recipient's address replaced by
``<recipient>``, so they can be stored and shown without personal data.
"""

from __future__ import annotations

import mailbox
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import ConfigError

OutcomeKind = Literal["sent", "retry", "fail", "halt"]
# Enhanced status codes (RFC 3463) that name the destination mailbox: at DATA they are the recipient's.
MAILBOX_CODES = ("5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.2.1")


@dataclass(frozen=True)
class Outcome:
    """What became of one message. ``halt``: a sender or server problem, not this recipient's (stop the pass,
    charge nobody). ``detail`` names the stage, the code and the server's text, never the recipient."""

    kind: OutcomeKind
    detail: str = ""
    code: int | None = None
    stage: str = ""


class Transport(Protocol):
    def send(self, message: bytes, sender: str, recipient: str) -> Outcome: ...

    def close(self) -> None: ...


class MaildirTransport:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._box: mailbox.Maildir | None = None

    def send(self, message: bytes, sender: str, recipient: str) -> Outcome:
        try:
            if self._box is None:
                for folder in ("tmp", "new", "cur"):
                    (self.path / folder).mkdir(parents=True, exist_ok=True)
                self._box = mailbox.Maildir(str(self.path), create=False)
            # Written under tmp/, then moved to new/: never half a message. Files use the local line end.
            # Return-Path records the envelope sender, as a mail server's final delivery would.
            envelope = f"Return-Path: <{sender}>\n".encode()
            self._box.add(envelope + message.replace(b"\r\n", b"\n"))
        except OSError as exc:
            return Outcome("retry", f"cannot write to the Maildir: {exc.strerror}")
        return Outcome("sent")

    def close(self) -> None:
        self._box = None


class SmtpTransport:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        use_ssl: bool,
        starttls: bool,
        username: str | None,
        password: str | None,
        timeout: float,
        rate: float | None,
        cafile: str | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.cafile = cafile
        self.use_ssl, self.starttls = use_ssl, starttls
        self.username, self.password = username, password
        self.timeout = timeout
        self.interval = 1.0 / rate if rate else 0.0
        self._smtp: smtplib.SMTP | None = None
        self._last = 0.0

    def _open(self) -> smtplib.SMTP:
        """Connect, greet, secure and log in; a failure raises _Halt naming the stage."""
        stage = "connect"
        try:
            context = ssl.create_default_context(cafile=self.cafile)
            smtp: smtplib.SMTP
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                stage = "EHLO"
                smtp.ehlo_or_helo_if_needed()
                if self.starttls:
                    stage = "STARTTLS"
                    smtp.starttls(context=context)
                    stage = "EHLO"
                    smtp.ehlo_or_helo_if_needed()
                if self.username:
                    stage = "AUTH"
                    smtp.login(self.username, self.password or "")
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPConnectError as exc:  # the greeting was not 220
            raise _Halt(_reply_outcome("halt", "greeting", exc.smtp_code, exc.smtp_error, "")) from None
        except smtplib.SMTPResponseException as exc:
            raise _Halt(_reply_outcome("halt", stage, exc.smtp_code, exc.smtp_error, "")) from None
        except OSError as exc:  # refused, unreachable, timed out, TLS failure, no STARTTLS or AUTH offered
            raise _Halt(Outcome("halt", f"{stage}: {_problem(exc)}", None, stage)) from None
        return smtp

    def _ready(self) -> smtplib.SMTP:
        """The open connection, checked with RSET (a server may have closed it while idle), or a new one."""
        if self._smtp is not None:
            try:
                code, _ = self._smtp.rset()
            except OSError:
                code = 0
            if code != 250:
                self._drop()
        if self._smtp is None:
            self._smtp = self._open()
        return self._smtp

    def _throttle(self) -> None:
        if self.interval:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()

    def send(self, message: bytes, sender: str, recipient: str) -> Outcome:
        self._throttle()
        try:
            smtp = self._ready()
        except _Halt as halt:
            return halt.outcome
        stage = "MAIL FROM"
        reply: bytes | str
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                return self._refused(_reply_outcome("halt", stage, code, reply, recipient))
            stage = "RCPT TO"
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                kind: OutcomeKind = "fail" if code >= 500 else "retry"
                return self._refused(_reply_outcome(kind, stage, code, reply, recipient))
            stage = "DATA"
            code, reply = smtp.data(message)
        except smtplib.SMTPResponseException as exc:  # DATA itself refused (not 354)
            code, reply = exc.smtp_code, exc.smtp_error
        except OSError as exc:  # lost or timed out: the message may not have arrived
            self._drop()
            kind = "halt" if stage == "MAIL FROM" else "retry"
            return Outcome(kind, f"{stage}: connection problem: {_problem(exc)}", None, stage)
        if code == 250:
            return Outcome("sent")
        return self._refused(_reply_outcome(_data_verdict(code, reply), stage, code, reply, recipient))

    def _refused(self, outcome: Outcome) -> Outcome:
        """End a refused transaction: a 421 closes the connection, anything else resets it."""
        if outcome.code == 421 or self._smtp is None:
            self._drop()
            return outcome
        try:
            self._smtp.rset()
        except OSError:
            self._drop()
        return outcome

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except OSError:
                pass
            finally:
                self._smtp = None


class _Halt(Exception):
    """Opening the connection failed at a stage that is not any recipient's."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.detail)
        self.outcome = outcome


def _data_verdict(code: int, reply: bytes | str) -> OutcomeKind:
    """A refusal at DATA: temporary, the recipient's (an enhanced code naming the mailbox), or the sender's."""
    if code < 500:
        return "retry"
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return "fail" if text.split(" ", 1)[0] in MAILBOX_CODES else "halt"


def _reply_outcome(kind: OutcomeKind, stage: str, code: int, reply: bytes | str, recipient: str) -> Outcome:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    text = " ".join(text.split())
    if recipient:
        text = re.sub(re.escape(recipient), "<recipient>", text, flags=re.IGNORECASE)
    return Outcome(kind, f"{stage}: {code} {text}"[:300], code, stage)


def _problem(exc: OSError) -> str:
    """A connection failure in a few words: the exception's kind and the system's reason."""
    reason = exc.strerror or str(exc)
    return f"{exc.__class__.__name__}: {reason}"[:200] if reason else exc.__class__.__name__


def open_transport(url: str, project_root: Path) -> Transport:
    """The transport a URL names; ConfigError (with the accepted forms) for anything else."""
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "maildir":
        raw = unquote(parts.netloc + parts.path)
        path = Path(raw) if raw.startswith("/") else project_root / raw
        return MaildirTransport(path)
    if parts.scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ConfigError(f"transport '{_safe(url)}' has no host; write smtp://host:port")
        try:
            timeout = float(options.get("timeout", "30"))
            rate = float(options["rate"]) if "rate" in options else None
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError:
            raise ConfigError(f"transport '{_safe(url)}': timeout, rate and port must be numbers") from None
        starttls = _flag(options, "starttls")
        if (
            parts.username
            and parts.scheme != "smtps"
            and not starttls
            and not _flag(options, "allow_plain_auth")
        ):
            raise ConfigError(
                f"transport '{_safe(url)}' would send the password unencrypted; use smtps://, add "
                "?starttls=true, or (only on a trusted local network) ?allow_plain_auth=true"
            )
        return SmtpTransport(
            parts.hostname,
            port,
            use_ssl=parts.scheme == "smtps",
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout,
            rate=rate,
            cafile=options.get("cafile"),
        )
    raise ConfigError(
        f"unknown transport '{_safe(url)}'; use smtp://host:port, smtps://host:port or maildir://PATH"
    )


def _flag(options: dict[str, str], name: str) -> bool:
    return options.get(name, "false").lower() in ("1", "true", "yes")


def _safe(url: str) -> str:
    """A transport URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
