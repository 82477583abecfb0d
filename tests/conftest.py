"""Shared fixtures: the repository's own project, and a small valid project copied per test."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from scarleaflets.i18n.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# The day the fixtures are checked against: after every review date in tests/data/mini.
FIXTURE_TODAY = dt.date(2026, 6, 1)
# The day the shipped project (content/, locales/) is checked against: after every review date in content/ and
# before every next review due; the mail, web and crash tests send on it. Move it on when content/ is reviewed
# after it (a review in the future is an error).
SHIPPED_TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shipped_project():
    """The repository's own project (content/, locales/, templates/, fonts/), opened once for the session."""
    from scarleaflets.config import open_project

    return open_project(REPO)


@pytest.fixture(scope="session")
def shipped_content():
    """The repository's content, loaded and validated once for the session (immutable, so shared)."""
    from scarleaflets.content import load_content

    return load_content(REPO, SHIPPED_TODAY)


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A copy of tests/data/mini: two valid topics, a guide and a figure, free to be broken by the test."""
    return copy_mini(tmp_path / "project")


def copy_mini(target: Path) -> Path:
    shutil.copytree(DATA / "mini", target)
    (target / "fonts").symlink_to(REPO / "fonts", target_is_directory=True)
    return target


def make_catalog_project(mini_project: Path):
    """The mini project with its template extracted (as `scarleaflets i18n extract` would)."""
    from scarleaflets.config import open_project
    from scarleaflets.i18n import extract_project, write_template

    project = open_project(mini_project)
    write_template(project, extract_project(project, dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)))
    return project


@pytest.fixture
def catalog_project(mini_project):
    return make_catalog_project(mini_project)


@pytest.fixture
def leaflet_project(mini_project):
    """The mini project made buildable: the repository's templates and fonts, a template, and a complete
    Spanish catalog ("ES ..." texts) offered by its brand."""
    return make_leaflet_project(mini_project)


def make_leaflet_project(mini_project: Path):
    """What the leaflet_project fixture makes of a copy of the mini project."""
    shutil.copytree(REPO / "templates", mini_project / "templates", dirs_exist_ok=True)
    project = make_catalog_project(mini_project)
    from scarleaflets import i18n

    i18n.init_locale(project, "es", dt.datetime(2026, 6, 1, tzinfo=dt.UTC), "test translator")
    translate_all(project, "es", "ES")
    brand = mini_project / "content" / "brands" / "mini.yaml"
    brand.write_text(brand.read_text().replace("locales: [en]", "locales: [en, es]"))
    return project


def translate_all(project, locale: str, prefix: str, skip: set[str] = frozenset()) -> None:
    """Fill every message of a catalog, as a translator would in a PO editor."""
    from scarleaflets.i18n import catalog_path

    path = catalog_path(project, locale)
    catalog = read_po(path.read_bytes(), locale=locale)
    forms = catalog.num_plurals  # the catalog's own Plural-Forms header
    for message in catalog:
        if not message.id or (message.id if isinstance(message.id, str) else message.id[0]) in skip:
            continue
        if message.pluralizable:
            message.string = tuple(f"{prefix} {message.id[1]}" for _ in range(forms))
        else:
            message.string = f"{prefix} {message.id}"
        message.flags.discard("fuzzy")
    path.write_bytes(write_po(catalog))  # as a PO editor that wraps the GNU way would save it


def _one_page_pdf() -> bytes:
    """A valid one-page PDF (PDFium renders it), made without WeasyPrint: a stand-in leaflet."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


STAND_IN_PDF = _one_page_pdf()


def release_project(root: Path, *, stand_in_pdfs: bool = False, releases: Path | None = None, now=None):
    """`scarleaflets release` on a project, in-process: with real leaflets (WeasyPrint), or — for tests of
    the shipped project, whose 220 leaflets take minutes — with a one-page stand-in PDF for each. Everything
    else (checks, isolation, frozen model, catalogs, versions, manifest) is the real release. ``releases``
    is where to write it (SCARLEAFLETS_RELEASES), for a project the test must not write into."""
    from scarleaflets.config import open_project
    from scarleaflets.leaflets.build import JobResult
    from scarleaflets.releases import make

    def stand_ins(loaded, jobs, workers=None):
        return (JobResult(job, STAND_IN_PDF, 1) for job in jobs)

    with pytest.MonkeyPatch.context() as patch:
        if releases is not None:
            patch.setenv("SCARLEAFLETS_RELEASES", str(releases))
        if stand_in_pdfs:
            patch.setattr(make, "render_jobs", stand_ins)
        return make.make_release(open_project(root), now or dt.datetime.now(dt.UTC), workers=1)


@pytest.fixture(scope="session")
def shipped_releases(tmp_path_factory) -> Path:
    """A release of the shipped project (stand-in PDFs) outside the repository: pass it to the commands that
    need one as SCARLEAFLETS_RELEASES (start_server does)."""
    folder = tmp_path_factory.mktemp("shipped") / "releases"
    release_project(REPO, stand_in_pdfs=True, releases=folder)
    return folder


# The mail project: the leaflet project with a two-step email series, its clinic open every hour of every day.
SERIES = """\
id: mini-series
name: Mini series
steps:
  - id: first
    day: 0
    topics: [sample]
    attach: [sample]
    subject: The first email
    preheader: A short preheader.
    intro: A short introduction.
  - id: second
    day: 1
    topics: [other]
    subject: The second email
    preheader: Another preheader.
    intro: Another introduction.
"""


@pytest.fixture(scope="session")
def mail_releases(tmp_path_factory):
    """The mail project released once (real leaflets), copied into each test's project: the commands that send
    and enroll run from a release only."""
    root = copy_mini(tmp_path_factory.mktemp("mail") / "project")
    project = make_mail_project(make_leaflet_project(root))
    release_project(project.root)
    return project.root / "releases"


@pytest.fixture
def mail_project(leaflet_project, mail_releases):
    """The mini project with a two-step series, open every day, and its release 1."""
    project = make_mail_project(leaflet_project)
    shutil.copytree(mail_releases, project.root / "releases")
    return project


def make_mail_project(leaflet_project):
    root = leaflet_project.root
    (root / "content" / "series").mkdir()
    (root / "content" / "series" / "mini-series.yaml").write_text(SERIES)
    brand = root / "content" / "brands" / "mini.yaml"
    brand.write_text(
        brand.read_text()
        .replace('start: "09:00"', 'start: "00:00"')
        .replace('end: "17:00"', 'end: "23:59"')
        .replace("days: [mon, tue, wed, thu, fri]", "days: [mon, tue, wed, thu, fri, sat, sun]")
    )
    from scarleaflets.i18n import extract_project, update_locales, write_template

    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    write_template(leaflet_project, extract_project(leaflet_project, now))
    update_locales(leaflet_project, ["es"])
    translate_all(leaflet_project, "es", "ES")
    from scarleaflets.config import open_project

    return open_project(root)


class _Sink:
    """An aiosmtpd handler that keeps every message, and misbehaves on request by recipient local part:
    t421/t451/t452 (temporary refusals), p550/p553 (permanent), drop (closes the connection), slow (stalls).

    ``replies`` makes a stage answer with a fixed reply for everyone: keys EHLO (also HELO), MAIL, RCPT and
    DATA (the reply after the message), e.g. ``sink.replies["MAIL"] = "553 5.1.8 bad sender"``."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.replies: dict[str, str] = {}

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if "EHLO" in self.replies:
            return [self.replies["EHLO"]]
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        if "EHLO" in self.replies:
            return self.replies["EHLO"]
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if "MAIL" in self.replies:
            return self.replies["MAIL"]
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        import asyncio

        local = address.split("@")[0]
        codes = {
            "t421": "421 4.3.2 service not available, closing",
            "t451": "451 4.3.0 try again later",
            "t452": "452 4.2.2 mailbox full",
            "p550": "550 5.1.1 no such user",
            "p553": "553 5.1.3 bad address",
        }
        if local in codes:
            return codes[local]
        if "RCPT" in self.replies:
            return self.replies["RCPT"]
        if local == "drop":
            session.transport.close() if hasattr(session, "transport") else server.transport.close()
            return "421 closing"
        if local == "slow":
            await asyncio.sleep(3)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if "DATA" in self.replies:
            return self.replies["DATA"]
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content)
        )
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port; yields (host, port, sink)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, sink
    finally:
        controller.stop()


def start_smtp(sink: _Sink, greeting: str | None = None, **parameters):
    """An aiosmtpd server on a free port, started; returns (controller, port). ``greeting`` replaces the 220
    greeting (e.g. "554 5.3.2 not accepting mail"); ``parameters`` go to aiosmtpd's SMTP (timeout, auth…)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class GreetingSMTP(SMTP):
        async def _handle_client(self) -> None:
            if greeting is None:
                return await super()._handle_client()
            await self.push(greeting)
            self.transport.close()
            return None

    class GreetingController(Controller):
        def factory(self):
            return GreetingSMTP(self.handler, **self.SMTP_kwargs)

    port = free_port()
    controller = GreetingController(sink, hostname="127.0.0.1", port=port, **parameters)
    controller.start()
    return controller, port


@pytest.fixture
def smtp_factory():
    """Start aiosmtpd servers with start_smtp's arguments; yields a function returning (port, sink)."""
    controllers = []

    def start(greeting: str | None = None, **parameters):
        sink = _Sink()
        controller, port = start_smtp(sink, greeting, **parameters)
        controllers.append(controller)
        return port, sink

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real PostgreSQL server (the pip-installed ``pgserver`` binaries) on a Unix socket, for the session."""
    import warnings

    with warnings.catch_warnings():  # platformdirs warns, on import, that XDG_RUNTIME_DIR is unset (as in CI)
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="stop")
    try:
        yield server
    finally:
        server.cleanup()


_databases = iter(range(1_000_000))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url(request, tmp_path) -> str:
    """A new, empty database: an SQLite file, then a fresh database on the real PostgreSQL server (the
    PostgreSQL runs are marked slow: the server starts once per session, which `-m "not slow"` skips)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'test.db'}"
    server = request.getfixturevalue("postgres_server")
    name = f"test_{next(_databases)}"
    server.psql(f"CREATE DATABASE {name};")
    return server.get_uri(name).replace("postgresql://", "postgresql+psycopg://", 1)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: str, secret: str, *extra: str, project: Path = REPO, releases: Path | None = None):
    """`scarleaflets serve` on the shipped project (or ``project``) in a subprocess, ready (/healthz answers),
    serving the release in ``releases`` (SCARLEAFLETS_RELEASES; by default the project's own).

    Returns (process, base URL); the caller terminates the process."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scarleaflets",
            "--project",
            str(project),
            "serve",
            "--port",
            str(port),
            "--db",
            db,
            *extra,
        ],
        env={
            **os.environ,
            "SCARLEAFLETS_SECRET": secret,
            **({"SCARLEAFLETS_RELEASES": str(releases)} if releases else {}),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                process.communicate()
                raise
            time.sleep(0.3)


SAMPLE_LAYERS = """\
    layers:
      epidermis: [0, 2]
      dermis: [2, 7]
      fat: [7, 10]
"""


def add_layers(project_root: Path) -> Path:
    """Label the three layers of skin on the mini project's figure (its drawing is 10 high): lines 36-39."""
    sample = project_root / "content" / "topics" / "sample.yaml"
    caption = "    caption: A drawing of a square.\n"
    sample.write_text(sample.read_text(encoding="utf-8").replace(caption, caption + SAMPLE_LAYERS), "utf-8")
    return sample


# Debian's Chromium, which the end-to-end web tests drive with Playwright (no browser is downloaded).
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for one test module (the module skips itself when CHROMIUM is None)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()
