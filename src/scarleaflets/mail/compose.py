"""Content + recipient -> a complete e-mail message (no sending, no state).

HTML and plain-text bodies render the step's translated view (:func:`scarleaflets.views.step_view`, which
holds the same topic views the leaflets render) through ``templates/email/`` (the text part is its own
template, written for text). CSS is inlined with css-inline, keeping the media queries for small screens and
dark mode; in dark mode headings and links take the brand's primary colour lightened to WCAG AA on the dark
background (:func:`~scarleaflets.views.colour.readable_on`). Every email links to its topic's leaflet page in
the patient's language (:func:`~scarleaflets.views.links.leaflet_page_url` under ``[web] public_url``), the
clinic's booking page and website, and dials the clinic's phone (``tel:``); in a right-to-left language the
phone, addresses and postal lines are isolated left to right (``<bdi dir="ltr">`` in HTML, U+2066 … U+2069 in
text). The clinic's logo (a PNG: most mail apps show no SVG) is an inline image of a ``multipart/related``
HTML part, referenced by its Content-ID. The message is ``multipart/alternative`` (text, then the related
HTML), inside ``multipart/mixed`` when a step attaches its leaflet.
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
from ..views.colour import readable_on
from ..views.links import leaflet_page_url, tel_uri
from .enrollment_requests import Enrollment

# Stand-ins for the per-patient values in cached bodies: private-use characters no text contains.
NAME = "\ue000name\ue000"
LINK = "\ue000link\ue000"
# The dark-mode background of the email's content (email.css.j2); the footer's is darker still.
DARK_BACKGROUND = "#1c2126"
# Isolates a left-to-right run (a phone number, an address) inside right-to-left plain text.
LRI, PDI = "\u2066", "\u2069"


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


@dataclass(frozen=True)
class Inline:
    """An image the HTML part shows (``<img src="cid:...">``): a PNG part of its ``multipart/related``."""

    cid: str
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
        self._bodies: dict[tuple[str, str, str, str, bool, bool, bool, bool], _Cached] = {}

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
        logo: bool,
    ) -> _Cached:
        env = self._env(brand)
        locale = locale_view(translator)
        rtl = locale.dir == "rtl"
        context: dict[str, Any] = {
            **translations(translator),  # passed to each render: the environment is shared by threads
            "brand": brand_view(brand, translator.locale),
            "locale": locale,
            "start": locale.start,
            "end": locale.end,
            "subject": step.subject,
            "preheader": step.preheader,
            "intro": step.intro,
            "name": NAME if named else None,
            "topics": step.topics,
            "topic": step.topic,
            "points": step.points,
            "points_heading": step.heading,
            "leaflet_url": leaflet_page_url(
                self.project.settings.public_url, brand.id, translator.locale, step.topic.id
            ),
            "tel": tel_uri(brand.phone),
            "logo_cid": logo_cid(brand.id) if logo else None,
            "dark_primary": readable_on(brand.primary, DARK_BACKGROUND),
            # Left-to-right isolation marks for the text part (none needed in a left-to-right language).
            "lri": LRI if rtl else "",
            "pdi": PDI if rtl else "",
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
        logo: bytes | None = None,
    ) -> bytes:
        """The complete message, as the bytes to hand to SMTP (CRLF line ends). ``release`` names the release
        its content came from, in an ``X-Scarleaflets-Release`` header (document control); ``logo`` is the
        brand's logo as PNG bytes, shown inline at the top of the HTML part (None: the clinic's name alone).
        Leaflets are attached only for a step whose ``attach`` names its topic, and only when
        ``attachments`` is given; every email links to the leaflet's web page whatever it attaches."""
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
            logo is not None,
        )
        if key not in self._bodies:
            self._bodies[key] = self._render_bodies(
                brand, view, translator, manifest, name is not None, bool(attached), logo is not None
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
        inline = [Inline(logo_cid(brand.id), "logo.png", logo)] if logo is not None else []
        return assemble(headers, text, html, attached, seed=message_id, inline=inline)


def logo_cid(brand_id: str) -> str:
    """The Content-ID of a brand's logo inside its emails (the HTML refers to it as ``cid:<this>``)."""
    return f"logo.{brand_id}@scarleaflets"


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
    headers: list[tuple[str, str]],
    text: bytes,
    html: bytes,
    attached: list[Attachment],
    *,
    seed: str,
    inline: list[Inline] | None = None,
) -> bytes:
    """Write the MIME message: multipart/alternative (text, then HTML, both already quoted-printable; the
    HTML inside multipart/related with its inline images, when it has any), inside multipart/mixed with the
    attachments. Boundaries are derived from ``seed``, so the same inputs give the same bytes."""
    token = hashlib.sha256(seed.encode()).hexdigest()[:24]
    alternative, mixed, related = f"=_alt_{token}", f"=_mix_{token}", f"=_rel_{token}"
    crlf = b"\r\n"
    head = crlf.join(f"{key}: {value}".encode("ascii") for key, value in headers)
    html_part = (
        b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + html
    )
    if inline:
        images = [
            f"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <{item.cid}>\r\n"
            f'Content-Disposition: inline; filename="{item.filename}"\r\n\r\n'.encode()
            + _base64(item.data)
            for item in inline
        ]
        html_part = (
            f'Content-Type: multipart/related; type="text/html"; boundary="{related}"'.encode()
            + crlf
            + crlf
            + _multipart([html_part, *images], related)
        )
    parts_alternative = [
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + text,
        html_part,
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
