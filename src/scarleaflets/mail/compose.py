"""Content + recipient -> a complete e-mail message (no sending, no state).

HTML and plain-text bodies render the step's translated view (:func:`scarleaflets.views.step_view`, which
holds the same topic views the leaflets render) through ``templates/email/`` (the text part is its own
template, written for text). CSS is inlined with css-inline, keeping the media queries for small screens and
dark mode. The message is ``multipart/alternative``, inside ``multipart/mixed`` when a leaflet is attached.
Headers: From, Reply-To, To, a localized Subject, Date, a Message-ID fixed per (enrollment, step),
Content-Language, List-Id, List-Unsubscribe (one-click HTTPS and mailto), List-Unsubscribe-Post, and
X-Scarleaflets-Release: the release the text comes from ("working-tree" for a preview).

The MIME structure is written directly (quoted-printable bodies, base64 attachments, CRLF line ends) rather
than through ``email.message.EmailMessage``: with bodies cached per brand, step and language, building the
message this way is what keeps the sending rate close to that of plain smtplib (see bench/email.py). The
tests parse every message with the standard library to hold the format to the RFCs.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from email.header import Header
from email.utils import format_datetime, formataddr
from typing import Any

import css_inline
from jinja2 import Environment
from markupsafe import escape

from ..brands import Brand
from ..config import Project
from ..content import ContentSet
from ..content.series import Series, Step
from ..errors import ScarleafletsError
from ..i18n import Manifest, Translator
from ..text import CONTROL
from ..views import (
    StepView,
    brand_view,
    locale_view,
    make_environment,
    step_view,
    translation_note,
    translations,
)
from .enrollment_requests import Enrollment

# Stand-ins for the per-patient values in cached bodies: private-use characters no text contains.
NAME = "\ue000name\ue000"
LINK = "\ue000link\ue000"


class HeaderError(ScarleafletsError):
    """A header value would contain a line break or another control character."""


def header_safe(value: str, what: str) -> str:
    """Refuse a line break or control character in any header value (header injection), before any use."""
    if CONTROL.search(value):
        raise HeaderError(f"{what}: line breaks and control characters are not allowed")
    return value


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


class EmailComposer:
    """Composes series messages; one per process, templates compiled once per brand.

    Safe to share between threads: the environments are never changed once built (each render gets its
    language's gettext in its context), and a body cached by two threads at once is the same body."""

    def __init__(self, project: Project, content: ContentSet) -> None:
        self.project = project
        self.content = content
        self._envs: dict[str, Environment] = {}
        self._inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
        self._steps: dict[tuple[str, str, str, str], StepView] = {}
        self._bodies: dict[tuple[str, str, str, str, bool, bool, bool], _Cached] = {}

    def _env(self, brand: Brand) -> Environment:
        if brand.id not in self._envs:
            self._envs[brand.id] = make_environment(self.project, brand.id)
        return self._envs[brand.id]

    def _step(self, brand: Brand, series: Series, step: Step, translator: Translator) -> StepView:
        """The step's translated view, built once per brand, series, step and language (it is the same for
        every patient; the brand gives its clinic details)."""
        key = (brand.id, series.id, step.id, translator.locale)
        if key not in self._steps:
            details = brand.clinic_details(translator.locale)
            self._steps[key] = step_view(self.content, series, step, translator, details)
        return self._steps[key]

    def _render_bodies(
        self,
        brand: Brand,
        step: StepView,
        translator: Translator,
        manifest: Manifest,
        named: bool,
        attached: bool,
    ) -> _Cached:
        env = self._env(brand)
        locale = locale_view(translator)
        context: dict[str, Any] = {
            **translations(translator),  # passed to each render: the environment is shared by threads
            "brand": brand_view(brand, translator.locale),
            "locale": locale,
            "start": locale.start,
            "subject": step.subject,
            "preheader": step.preheader,
            "intro": step.intro,
            "name": NAME if named else None,
            "topics": step.topics,
            "draft": step.draft,  # unless a clinician approved every topic of the step
            "approvals": step.approvals,
            "attached": attached,
            "step_number": step.number,
            "step_total": step.total,
            "unsubscribe_url": LINK,
            "translation": translation_note(translator, manifest),
        }
        html = self._inliner.inline(env.get_template("email/step.html.j2").render(context))
        text = env.get_template("email/step.txt.j2").render(context)
        return _Cached(
            html=_Body.of(html),
            text=_Body.of(text),
            subject=_encode_header(step.subject, "Subject"),
            list_name=_encode_header(header_safe(step.series_name, "series name"), "List-Id"),
        )

    def compose(
        self,
        *,
        brand: Brand,
        series: Series,
        step: Step,
        recipient: Enrollment,
        translator: Translator,
        manifest: Manifest,
        message_id: str,
        unsubscribe_url: str,
        now: dt.datetime,
        attachments: Callable[[str], Attachment] | None = None,
        release: str | None = None,
    ) -> bytes:
        """The complete message, as the bytes to hand to SMTP (CRLF line ends). ``release`` names the release
        its content came from, in an ``X-Scarleaflets-Release`` header (document control)."""
        info = translator.info
        view = self._step(brand, series, step, translator)
        header_safe(view.subject, "subject")
        name = header_safe(recipient.name, "name") if recipient.name else None
        attached = [attachments(topic_id) for topic_id in view.attach] if attachments else []
        key = (
            brand.id,
            series.id,
            step.id,
            recipient.locale,
            name is not None,
            manifest.reviewed,
            bool(attached),
        )
        if key not in self._bodies:
            self._bodies[key] = self._render_bodies(
                brand, view, translator, manifest, name is not None, bool(attached)
            )
        cached = self._bodies[key]
        # The bodies are rendered (CSS inlined, quoted-printable encoded) once per brand, step and language;
        # only the name and the unsubscribe link differ per patient: escaped for HTML, as they are for text.
        header_safe(unsubscribe_url, "unsubscribe URL")
        html = cached.html.encode(escape(name or ""), escape(unsubscribe_url))
        text = cached.text.encode(name or "", unsubscribe_url)
        sender = brand.email
        domain = sender.sender_domain
        mailto = f"mailto:{sender.reply_to}?subject=unsubscribe"
        headers = [
            ("From", _address(sender.sender_name, sender.sender_address)),
            ("Reply-To", sender.reply_to),
            ("To", _address(name or "", header_safe(recipient.email, "e-mail address"))),
            ("Subject", cached.subject),
            ("Date", format_datetime(now.astimezone(dt.UTC))),
            ("Message-ID", header_safe(message_id, "Message-ID")),
            ("Content-Language", info.language_tag),
            (
                "List-Id",
                f"{cached.list_name}\r\n <{series.id}.{brand.id}.{domain}>",
            ),
            ("List-Unsubscribe", f"<{unsubscribe_url}>,\r\n <{mailto}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("MIME-Version", "1.0"),
        ]
        if release is not None:
            headers.insert(-1, ("X-Scarleaflets-Release", header_safe(release, "release")))
        return assemble(headers, text, html, attached, seed=message_id)


def _address(name: str, address: str) -> str:
    """``Name <address>``: a plain name quoted as needed, any other as folded RFC 2047 encoded words."""
    if not name:
        return address
    if name.isascii():
        return formataddr((name, address))
    return f"{_encode_header(name, 'To')}\r\n <{address}>"


def _encode_header(value: str, name: str) -> str:
    """A header value as RFC 2047 encoded words when it is not ASCII, folded to the usual line length."""
    charset = "us-ascii" if value.isascii() else "utf-8"
    return str(Header(value, charset=charset, header_name=name).encode(linesep="\r\n"))


def _qp_line(line: str) -> bytes:
    """One line (no line end of its own) as quoted-printable; b2a_qp's soft breaks ("=\n") become CRLF, so
    every encoded line stays under 77 characters."""
    return binascii.b2a_qp(line.encode("utf-8"), quotetabs=False, istext=False).replace(b"\n", b"\r\n")


@dataclass(frozen=True)
class _Body:
    """A rendered body kept as quoted-printable lines. Quoted-printable works line by line, so the lines
    without a per-patient stand-in are encoded once; only the few with one are encoded per message."""

    lines: tuple[bytes | str, ...]

    @classmethod
    def of(cls, text: str) -> _Body:
        return cls(
            tuple(
                line if NAME in line or LINK in line else _qp_line(line)
                for line in text.replace("\r\n", "\n").split("\n")
            )
        )

    def encode(self, name: str, link: str) -> bytes:
        """The body for one patient (``name`` and ``link`` hold no line break: header_safe refused them)."""
        return b"\r\n".join(
            line if isinstance(line, bytes) else _qp_line(line.replace(NAME, name).replace(LINK, link))
            for line in self.lines
        )


@dataclass(frozen=True)
class _Cached:
    """What is the same for every patient of one brand, step and language: bodies and encoded headers."""

    html: _Body
    text: _Body
    subject: str
    list_name: str


def _base64(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def assemble(
    headers: list[tuple[str, str]], text: bytes, html: bytes, attached: list[Attachment], *, seed: str
) -> bytes:
    """Write the MIME message: multipart/alternative (text, then HTML, both already quoted-printable), inside
    multipart/mixed with the attachments. Boundaries are derived from ``seed``, so the same inputs give the
    same bytes."""
    token = hashlib.sha256(seed.encode()).hexdigest()[:24]
    alternative, mixed = f"=_alt_{token}", f"=_mix_{token}"
    crlf = b"\r\n"
    head = crlf.join(f"{key}: {value}".encode("ascii") for key, value in headers)
    parts_alternative = [
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + text,
        b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + html,
    ]
    body_alternative = _multipart(parts_alternative, alternative)
    if not attached:
        return (
            head
            + crlf
            + f'Content-Type: multipart/alternative; boundary="{alternative}"'.encode()
            + crlf
            + crlf
            + body_alternative
        )
    parts_mixed = [
        f'Content-Type: multipart/alternative; boundary="{alternative}"'.encode()
        + crlf
        + crlf
        + body_alternative
    ]
    for item in attached:
        filename = item.filename if item.filename.isascii() else "leaflet.pdf"
        parts_mixed.append(
            f'Content-Type: application/pdf; name="{filename}"\r\nContent-Transfer-Encoding: base64\r\n'
            f'Content-Disposition: attachment; filename="{filename}"\r\n\r\n'.encode()
            + _base64(item.data)
        )
    return (
        head
        + crlf
        + f'Content-Type: multipart/mixed; boundary="{mixed}"'.encode()
        + crlf
        + crlf
        + _multipart(parts_mixed, mixed)
    )


def _multipart(parts: list[bytes], boundary: str) -> bytes:
    marker = f"--{boundary}".encode()
    return b"".join(marker + b"\r\n" + part + b"\r\n" for part in parts) + marker + b"--\r\n"
