"""Transports: hand a message to SMTP or a Maildir and report the outcome (they decide nothing else).

A transport URL chooses one: ``smtp://[user:pass@]host:port[?starttls=true]``, ``smtps://…`` (TLS from the
start), or ``maildir://PATH`` (relative to the project folder, or ``maildir:///absolute/path``), which any
mail client can read. Query options: ``timeout`` (seconds, default 30) and ``rate`` (messages per second,
default unlimited), and ``cafile`` (a CA bundle for a server with a private certificate; certificates are
always verified). One SMTP connection is reused across a batch. 4xx replies, dropped connections and
timeouts are temporary (``retry``); 5xx replies are permanent (``fail``).
"""

from __future__ import annotations

import mailbox
import smtplib
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import ConfigError

OutcomeKind = Literal["sent", "retry", "fail"]


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    detail: str = ""
    code: int | None = None


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
            self._box.add(message.replace(b"\r\n", b"\n"))
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

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context(cafile=self.cafile)
        smtp: smtplib.SMTP
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                smtp.starttls(context=context)
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def _throttle(self) -> None:
        if self.interval:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()

    def send(self, message: bytes, sender: str, recipient: str) -> Outcome:
        self._throttle()
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            return self._reply(int(code), reply)
        except smtplib.SMTPResponseException as exc:  # sender refused, data error, 4xx/5xx at any stage
            self._drop()
            return self._reply(exc.smtp_code, exc.smtp_error)
        except (TimeoutError, smtplib.SMTPServerDisconnected, smtplib.SMTPException, OSError) as exc:
            self._drop()
            return Outcome("retry", f"connection problem: {exc.__class__.__name__}")
        if refused:
            code, reply = next(iter(refused.values()))
            return self._reply(int(code), reply)
        return Outcome("sent")

    @staticmethod
    def _reply(code: int, reply: bytes | str) -> Outcome:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        kind: OutcomeKind = "retry" if 400 <= code < 500 else "fail"
        return Outcome(kind, f"{code} {text}"[:300], code)

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
            except (smtplib.SMTPException, OSError):
                pass
            finally:
                self._smtp = None


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
        return SmtpTransport(
            parts.hostname,
            port,
            use_ssl=parts.scheme == "smtps",
            starttls=options.get("starttls", "false").lower() in ("1", "true", "yes"),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout,
            rate=rate,
            cafile=options.get("cafile"),
        )
    raise ConfigError(
        f"unknown transport '{_safe(url)}'; use smtp://host:port, smtps://host:port or maildir://PATH"
    )


def _safe(url: str) -> str:
    """A transport URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
