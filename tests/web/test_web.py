"""web/: one-click unsubscribe (RFC 8058), the enrollment API and hardening, through Flask's test client,
and the real server (waitress) in a subprocess with a real HTTP client."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import email
import email.policy
import hashlib
import re
import shutil
import urllib.error
import urllib.request

import pytest

from scarleaflets.config import open_project
from scarleaflets.mail import EnrollmentRequest, Mailing
from scarleaflets.mail.delivery import open_transport
from scarleaflets.mail.store import Store
from scarleaflets.signing import unsubscribe_token
from scarleaflets.web import create_app
from scarleaflets.web.pages import parsed_locale
from scarleaflets.web.signins import FailedSignIns, SignInLimits

from ..conftest import REPO, start_server

NOW = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
TOKEN = "test-riverside-token"
HARBOR_TOKEN = "test-harbor-token"
ENGLISH = {"riverside": "en_GB", "harbor": "en"}  # each clinic's English: the UK clinic's is British
CONSENT = (dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), "signed consent form")


@pytest.fixture(scope="module")
def shared():
    project = open_project(REPO)
    settings = dataclasses.replace(
        project.settings,
        api_token_sha256={
            "riverside": hashlib.sha256(TOKEN.encode()).hexdigest(),
            "harbor": hashlib.sha256(HARBOR_TOKEN.encode()).hexdigest(),
        },
    )
    return Mailing(
        dataclasses.replace(project, settings=settings), Store.open("sqlite://"), b"k" * 32, NOW.date()
    )


@pytest.fixture
def mailing(shared, tmp_path):
    shared.store = Store.open(f"sqlite:///{tmp_path / 'web.db'}")
    yield shared
    shared.store.close()


@pytest.fixture
def client(mailing):
    return create_app(mailing, clock=lambda: NOW).test_client()


def enroll(mailing, address="ann@example.org", locale="fr"):
    enrollment_id, _ = mailing.enroll(
        EnrollmentRequest(
            address, "Ann", locale, "riverside", "acne-education", "Europe/Paris", NOW.date(), *CONSENT
        ),
        NOW,
    )
    return enrollment_id, unsubscribe_token(mailing.secret, enrollment_id, NOW.date())


def test_get_shows_a_localized_page_and_never_unsubscribes(client, mailing):
    _, token = enroll(mailing, locale="ar")
    response = client.get(f"/u/{token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "#1f5f5b" in html  # the clinic's colour
    assert 'method="post"' in html
    assert mailing.store.enrollment_counts() == {"active": 1}
    translated = mailing.translator("ar").gettext("Stop these emails?")
    assert translated in html


def test_one_click_post_unsubscribes_idempotently_and_the_worker_sends_nothing(client, mailing, tmp_path):
    _, token = enroll(mailing)
    for _ in range(2):
        response = client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    assert mailing.store.enrollment_counts() == {"unsubscribed": 1}
    transport = open_transport(f"maildir://{tmp_path / 'box'}", REPO)
    moment = NOW
    while moment < NOW + dt.timedelta(days=50):
        assert mailing.send_due(moment, transport, worker="w").sent == 0
        moment += dt.timedelta(hours=6)


@pytest.mark.parametrize(
    "mutate",
    [lambda t: t[:-3], lambda t: t.replace(".1.", ".2."), lambda t: "x" + t, lambda t: "v1.1.1.forged"],
)
def test_forged_or_truncated_tokens_reveal_nothing(client, mailing, mutate):
    _, token = enroll(mailing)
    for method in (client.get, client.post):
        response = method(
            f"/u/{mutate(token)}",
            data={"List-Unsubscribe": "One-Click"},
            headers={"Accept-Language": "de-DE,de;q=0.9"},
        )
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "ann@example.org" not in html
        # The name as a word: the page's random CSP nonce may hold the letters "Ann" by chance.
        assert re.search(r"\bAnn\b", html) is None
        assert '<html lang="de"' in html
    assert mailing.store.enrollment_counts() == {"active": 1}


def test_expired_token_is_refused(mailing):
    enrollment_id, _ = enroll(mailing)
    old = unsubscribe_token(mailing.secret, enrollment_id, NOW.date() - dt.timedelta(days=500))
    client = create_app(mailing, clock=lambda: NOW).test_client()
    assert client.post(f"/u/{old}", data={"List-Unsubscribe": "One-Click"}).status_code == 404


# Babel raises ValueError for a malformed identifier and UnknownLocaleError (not a ValueError) for a
# well-formed one it has no data for: "x" * 300, "zz" and "i-klingon" are the second kind.
JUNK_LANGUAGE_TAGS = ["*", "en-", "x" * 300, "12", "", "_", "en--US", "zz", "i-klingon", "de\x00"]


@pytest.mark.parametrize("tag", JUNK_LANGUAGE_TAGS, ids=lambda tag: repr(tag)[:12])
def test_junk_language_tags_are_skipped_and_the_next_one_is_used(client, tag):
    assert parsed_locale(tag) is None
    response = client.get("/u/v1.1.1.forged", headers={"Accept-Language": f"{tag},de;q=0.5"})
    assert response.status_code == 404
    assert '<html lang="de"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("tag", "parsed"), [("de-DE", "de_DE"), ("fr", "fr"), ("sr-Latn", "sr_Latn")])
def test_language_tags_babel_knows_are_parsed(tag, parsed):
    assert str(parsed_locale(tag)) == parsed


def test_the_mail_service_answers_the_web_without_its_tables(mailing):
    """The Mailing methods the web goes through: a token's enrollment, the one-click unsubscribe, the
    clinic-scoped erase (None for "not this clinic's patient", 0 for "erased before") and the preview."""
    enrollment_id, token = enroll(mailing, "svc@example.org", "ar")
    found = mailing.enrollment_for_token(token, NOW.date())
    assert (found.id, found.locale, found.brand) == (enrollment_id, "ar", "riverside")
    assert mailing.enrollment_for_token(token[:-3], NOW.date()) is None
    assert mailing.unsubscribe_enrollment(found, NOW) == 1
    assert mailing.unsubscribe_enrollment(found, NOW) == 0  # idempotent
    assert mailing.erase_for_clinic("svc@example.org", "harbor", NOW) is None
    assert mailing.erase_for_clinic("nobody@example.org", "riverside", NOW) is None
    assert mailing.erase_for_clinic("svc@example.org", "riverside", NOW) == 1
    assert mailing.erase_for_clinic("svc@example.org", "riverside", NOW) == 0
    assert mailing.enrollment_for_token(token, NOW.date()) is None  # erased
    step = mailing.series["acne-education"].steps[0]
    raw = mailing.preview_email("riverside", "fr", "acne-education", step.id, NOW)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "patient@example.org"
    assert f"<{mailing.project.settings.unsubscribe_url}PREVIEW>" in message["List-Unsubscribe"]


WEB_PACKAGE = REPO / "src" / "scarleaflets" / "web"
# What web/ may import from the store: the 503's reason (app.py), and the sign-in counter's own table.
STORE_IMPORTS = {"app.py": {"database_problem"}, "signins.py": {"Store", "naive_utc"}}
NOT_FOR_THE_WEB = {"enrollments", "deliveries", "suppressions", "bounce_events", "_composer"}


def _web_modules():
    return [
        (path.name, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(WEB_PACKAGE.glob("*.py"))
    ]


def _words(node):
    """The names a node uses: a variable, an attribute, an imported name."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.alias):
        return {node.name.rpartition(".")[2], node.asname or ""}
    return set()


def test_the_web_goes_through_the_mail_service_only():
    """No module of web/ names the mail tables or the composer, or reaches into another object's private
    attributes; the store is imported only as STORE_IMPORTS says, SQLAlchemy never."""
    for name, tree in _web_modules():
        for node in ast.walk(tree):
            where = f"web/{name}:{getattr(node, 'lineno', '?')}"
            assert not _words(node) & NOT_FOR_THE_WEB, where
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                assert isinstance(node.value, ast.Name), where
                assert node.value.id == "self", where  # its own, not the mail service's
            if isinstance(node, ast.ImportFrom) and (node.module or "").rpartition(".")[2] == "store":
                assert {alias.name for alias in node.names} <= STORE_IMPORTS.get(name, set()), where
            if isinstance(node, ast.Import):
                assert not [alias for alias in node.names if alias.name.startswith("sqlalchemy")], where


def test_the_web_package_has_short_functions_and_modules_with_docstrings():
    for name, tree in _web_modules():
        assert ast.get_docstring(tree), f"web/{name} has no module docstring"
        assert max(getattr(node, "end_lineno", 0) for node in ast.walk(tree)) <= 500, f"web/{name}"
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= 80, f"web/{name}:{node.lineno}: {node.name} is {length} lines"


def test_security_headers(client):
    response = client.get("/healthz")
    assert response.json == {"status": "ok"}
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def _api(client, body, token=TOKEN, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/enrollments", json=body, headers=headers, **kwargs)


BODY = {
    "email": "api@example.org",
    "name": "Api Patient",
    "locale": "de",
    "brand": "riverside",
    "series": "acne-education",
    "timezone": "Europe/Berlin",
    "start_date": "2026-12-02",
    "consent_at": "2026-12-01T09:00:00+01:00",
    "consent_source": "booking system",
}


def test_api_creates_then_recognises_the_same_enrollment(client):
    first = _api(client, BODY)
    assert first.status_code == 201
    again = _api(client, BODY)
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]


def test_api_refuses_a_bidi_control_in_the_name(client):
    response = _api(client, {**BODY, "name": "Api \u202ePatient"})
    assert response.status_code == 400
    (error,) = response.json
    assert error["field"] == "name"
    assert "bidirectional control characters" in error["error"]


def test_api_reports_every_field_error(client):
    response = _api(client, {**BODY, "locale": "ja", "timezone": "Mars/Olympus", "email": "nope", "extra": 1})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json}
    assert fields == {"extra"}  # unknown fields are refused before anything else is looked at
    response = _api(client, {**BODY, "locale": "ja", "timezone": "Mars/Olympus", "email": "nope"})
    assert {e["field"] for e in response.json} == {"email", "locale", "timezone"}


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"token": None}, 401),
        ({"token": "wrong"}, 401),
        ({"body": {**BODY, "brand": "harbor", "locale": "es", "timezone": "America/Los_Angeles"}}, 403),
    ],
)
def test_api_authentication(client, kwargs, status):
    body = kwargs.pop("body", BODY)
    assert _api(client, body, **kwargs).status_code == status


def test_api_bad_json_and_oversized_bodies(client):
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    assert client.post("/api/enrollments", data="{not json", headers=headers).status_code == 400
    big = client.post("/api/enrollments", data="x" * 20000, headers=headers)
    assert big.status_code == 413
    assert big.json == {"error": "request entity too large", "status": 413}


def _erase(client, address, token=TOKEN):
    return client.delete(f"/api/patients/{address}", headers={"Authorization": f"Bearer {token}"})


def test_api_delete_erases_like_forget(client, mailing):
    first = _api(client, BODY)
    assert first.status_code == 201
    response = _erase(client, "api@example.org")
    assert (response.status_code, response.json) == (200, {"erased_enrollments": 1})
    assert (_erase(client, "api@example.org").json) == {"erased_enrollments": 0}  # done already: still 200
    assert client.delete("/api/patients/api@example.org").status_code == 401
    refused = _api(client, BODY)  # the old consent does not cover a new enrollment after the erasure
    assert refused.status_code == 400
    assert "needs consent given after that" in refused.json[0]["error"]
    fresh = _api(client, {**BODY, "consent_at": "2026-12-01T10:00:30+00:00"})
    assert fresh.status_code == 201
    assert fresh.json["id"] > first.json["id"]  # never the erased patient's id


def test_one_clinic_can_neither_erase_nor_probe_another_clinics_patients(client, mailing):
    """Harbor's token on riverside's patient gets exactly the answer it gets for an address nobody has, and
    changes nothing: no erasure, no suppression."""
    enroll(mailing, "riverside.patient@example.org")
    theirs = _erase(client, "riverside.patient@example.org", HARBOR_TOKEN)
    nobodys = _erase(client, "nobody@example.org", HARBOR_TOKEN)
    assert theirs.status_code == nobodys.status_code == 403
    assert theirs.get_data() == nobodys.get_data()
    assert theirs.json == {"error": "this clinic has no patient with that address", "status": 403}
    assert mailing.store.enrollment_counts() == {"active": 1}
    with mailing.store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM suppressions").scalar() == 0
    assert _erase(client, "riverside.patient@example.org").json == {"erased_enrollments": 1}


def test_one_click_unsubscribe_stops_that_clinic_only(client, mailing):
    _, token = enroll(mailing, "both@example.org", "en_GB")
    mailing.enroll(
        EnrollmentRequest(
            "both@example.org", "Ann", "en", "harbor", "acne-education", "America/Los_Angeles", None, *CONSENT
        ),
        NOW,
    )
    response = client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert mailing.store.enrollment_counts("riverside") == {"unsubscribed": 1}
    assert mailing.store.enrollment_counts("harbor") == {"active": 1}


@pytest.mark.parametrize(
    ("consent", "error"),
    [
        ({"consent_at": None}, "required"),
        ({"consent_at": "2026-12-01T11:00:00+00:00"}, "is in the future; give the time consent was given"),
        ({"consent_source": "   "}, "required: how consent was given (e.g. signed form)"),
    ],
)
def test_api_requires_consent_given_and_not_in_the_future(client, consent, error):
    body = {key: value for key, value in {**BODY, **consent}.items() if value is not None}
    response = _api(client, body)
    assert response.status_code == 400
    assert {"field": next(iter(consent)), "error": error} in response.json


@pytest.mark.slow  # a real `serve` process
def test_the_real_server_answers_the_rfc8058_post(tmp_path, shipped_releases):
    db = f"sqlite:///{tmp_path / 'served.db'}"
    project = open_project(REPO)
    mailing = Mailing(project, Store.open(db), b"z" * 40, NOW.date())
    enrollment_id, _ = mailing.enroll(
        EnrollmentRequest(
            "srv@example.org", "Srv", "en_GB", "riverside", "acne-education", "Europe/London", None, *CONSENT
        ),
        NOW,
    )
    mailing.store.close()
    # Dated by the real clock: the server is a real process, and checks the token's age against its clock.
    token = unsubscribe_token(b"z" * 40, enrollment_id, dt.date.today())
    server, base = start_server(db, "z" * 40, releases=shipped_releases)
    try:
        request = urllib.request.Request(
            f"{base}/u/{token}",
            data=b"List-Unsubscribe=One-Click",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{base}/u/{token}x", data=b"List-Unsubscribe=One-Click", method="POST"
                ),
                timeout=10,
            )
        assert refused.value.code == 404
        refused.value.close()
        # Harbor's (public demo) token on riverside's patient: the answer for an address nobody has.
        probes = [
            _real_erase(base, address, "demo-harbor-token") for address in ("srv@example.org", "x@y.org")
        ]
        assert (
            probes[0]
            == probes[1]
            == (403, b'{"error":"this clinic has no patient with that address","status":403}\n')
        )
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert "srv@example.org" not in out + err  # nothing personal in the server's output
    store = Store.open(db)
    assert store.enrollment_counts() == {"unsubscribed": 1}  # still there: harbor erased nothing
    store.close()


def _real_erase(base: str, address: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"{base}/api/patients/{address}", method="DELETE", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.read()


@pytest.fixture(scope="module")
def gallery_leaflets(shared, tmp_path_factory):
    """Riverside's scar-types leaflet in Arabic and in British English, built once for the gallery tests (which
    only read them): one build, a worker per core."""
    from scarleaflets.leaflets.build import Selection, build

    out = tmp_path_factory.mktemp("gallery") / "leaflets"
    result = build(
        shared.project, NOW.date(), Selection(("riverside",), ("ar", "en_GB"), ("scar-types",)), out_dir=out
    )
    assert result.ok
    assert sorted(item.job.relative for item in result.built) == [
        "riverside/ar/scar-types.pdf",
        "riverside/en_GB/scar-types.pdf",
    ]
    return out


@pytest.fixture
def gallery(mailing, gallery_leaflets):
    return create_app(mailing, clock=lambda: NOW, leaflets_dir=gallery_leaflets).test_client()


def _basic(user, password):
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.slow  # over 3 s, as every gallery test: the fixture builds two leaflets
def test_gallery_needs_the_brand_token(gallery):
    assert gallery.get("/gallery/riverside/en_GB/").status_code == 401
    assert "Basic" in gallery.get("/gallery/riverside/en_GB/").headers["WWW-Authenticate"]
    assert gallery.get("/gallery/riverside/en_GB/", headers=_basic("riverside", "wrong")).status_code == 401
    assert gallery.get("/gallery/harbor/en/", headers=_basic("riverside", TOKEN)).status_code == 403
    assert gallery.get("/gallery/riverside/es/", headers=_basic("riverside", TOKEN)).status_code == 404
    home = gallery.get("/gallery/", headers=_basic("riverside", TOKEN))
    assert home.status_code == 302
    assert home.headers["Location"].endswith("/gallery/riverside/en_GB/")


@pytest.mark.slow  # over 3 s: the gallery fixture builds two leaflets
def test_gallery_lists_leaflets_with_thumbnails_and_every_email_in_the_language(gallery, mailing):
    page = gallery.get("/gallery/riverside/ar/", headers=_basic("riverside", TOKEN))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html
    assert html.count("data:image/png;base64,") == 1  # scar-types is built for ar, the others not yet
    translator = mailing.translator("ar")
    assert translator.pgettext("scar-types/title", "Types of acne scars") in html
    for step in mailing.series["acne-education"].steps:
        assert translator.pgettext(f"series/acne-education/{step.id}", step.subject.text) in html
    for code in ("en_GB", "fr", "de", "ar", "ru", "hi"):
        assert f'href="/gallery/riverside/{code}/"' in html
    pdf = gallery.get("/gallery/riverside/ar/leaflets/scar-types.pdf", headers=_basic("riverside", TOKEN))
    assert pdf.data.startswith(b"%PDF-")
    assert (
        gallery.get(
            "/gallery/riverside/ar/leaflets/causes.pdf", headers=_basic("riverside", TOKEN)
        ).status_code
        == 404
    )


@pytest.mark.slow  # over 3 s: the gallery fixture builds two leaflets
def test_gallery_email_views_are_the_message_as_sent(gallery, mailing):
    base = "/gallery/riverside/ar/email/acne-education/welcome"
    html = gallery.get(f"{base}.html", headers=_basic("riverside", TOKEN))
    assert html.status_code == 200
    assert 'dir="rtl"' in html.get_data(as_text=True)
    assert "'unsafe-inline'" in html.headers["Content-Security-Policy"]
    assert "script" not in html.headers["Content-Security-Policy"]
    # The logo, an inline part of the email, is shown from a data URL (the policy allows no other image).
    assert '<img src="data:image/png;base64,iVBORw0KGgo' in html.get_data(as_text=True)
    assert "cid:" not in html.get_data(as_text=True)
    text = gallery.get(f"{base}.txt", headers=_basic("riverside", TOKEN)).get_data(as_text=True)
    assert "Riverside Skin Clinic" in text
    headers = gallery.get(f"{base}.headers", headers=_basic("riverside", TOKEN)).get_data(as_text=True)
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in headers
    assert "  multipart/related\n  text/html\n  image/png" in headers
    assert "application/pdf" not in headers  # the demo series links to its leaflets
    assert "Content-Language: ar" in headers


def test_missing_token_is_a_plain_not_found(client, mailing):
    enroll(mailing)
    for path in ("/u/", "/u"):
        response = client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code in (404, 405)
        assert response.is_json
    assert mailing.store.enrollment_counts() == {"active": 1}


def test_a_database_outage_is_a_503_and_its_log_line_names_no_patient(client, mailing, caplog):
    import sqlite3

    enroll(mailing, "outage.patient@example.org")
    database = mailing.store.engine.url.database
    with sqlite3.connect(database) as connection:  # a damaged database: the suppression list is gone
        connection.execute("DROP TABLE suppressions")
    response = client.delete(
        "/api/patients/outage.patient@example.org", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 503
    assert response.json == {"error": "service unavailable: the database cannot be reached", "status": 503}
    assert (
        "DELETE /api/patients/<path:address>: database unavailable: no such table: suppressions"
        in caplog.text
    )
    assert "outage.patient" not in caplog.text


def test_a_bug_is_a_500_whose_log_keeps_the_location_and_withholds_the_message(client, mailing, caplog):
    address = "bug.patient@example.org"

    def broken(*_args):
        raise ValueError(f"something about {address}")  # (the traceback shows this line, not the value)

    mailing.store.forget = broken  # a fault planted in the real store, for this request only
    try:
        response = client.delete(f"/api/patients/{address}", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        del mailing.store.forget
    assert response.status_code == 500
    assert response.json == {"error": "internal server error", "status": 500}
    assert "DELETE /api/patients/<path:address>: ValueError (message withheld)" in caplog.text
    assert "in api_forget" in caplog.text
    assert "bug.patient" not in caplog.text


@pytest.mark.slow  # over 3 s: 10,000 pages
def test_concurrent_pages_are_each_in_their_patients_language(mailing):
    """8 threads, 4 languages, 10,000 unsubscribe pages: every page is entirely in its patient's language."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    app = create_app(mailing, clock=lambda: NOW)
    languages = ("fr", "de", "ar", "ru")
    tokens = {code: enroll(mailing, f"{code}@example.org", code)[1] for code in languages}
    texts = ("Unsubscribe", "Stop these emails?")
    expected = {code: [mailing.translator(code).gettext(t) for t in texts] for code in languages}
    local = threading.local()

    def wrong(index: int) -> bool:
        if not hasattr(local, "client"):
            local.client = app.test_client()
        code = languages[index % len(languages)]
        response = local.client.get(f"/u/{tokens[code]}")
        html = response.get_data(as_text=True)
        return response.status_code != 200 or not all(text in html for text in expected[code])

    with ThreadPoolExecutor(max_workers=8) as pool:
        wrong_pages = sum(pool.map(wrong, range(10_000)))
    assert wrong_pages == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("[" * 5000, "the JSON nests too deeply"),
        ('{"a":' * 2000 + "1" + "}" * 2000, "the JSON nests too deeply"),
        ("{not json", "not valid JSON"),
        (b"\xff\xfe{}", "not valid JSON"),
    ],
)
def test_malformed_or_deeply_nested_json_is_a_400_in_json_without_a_traceback(client, caplog, body, error):
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    response = client.post("/api/enrollments", data=body, headers=headers)
    assert response.status_code == 400
    assert response.json[0]["field"] == "body"
    assert response.json[0]["error"].startswith(error)
    assert "Traceback" not in caplog.text
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_failed_sign_ins_are_refused_per_address_and_per_brand(mailing):
    moment = [NOW]
    limits = SignInLimits(per_address=3, per_brand=5, window_seconds=60)
    sign_ins = FailedSignIns(mailing.store, mailing.secret, limits, clock=lambda: moment[0])
    client = create_app(mailing, clock=lambda: NOW, sign_ins=sign_ins).test_client()

    enroll(mailing, "x@example.org")  # (erased by the first request that gets through)

    def api(token, address="192.0.2.1"):
        return client.delete(
            "/api/patients/x@example.org",
            headers={"Authorization": f"Bearer {token}"},
            environ_base={"REMOTE_ADDR": address},
        )

    assert [api("wrong").status_code for _ in range(3)] == [401, 401, 401]
    refused = api(TOKEN)  # refused even with the right token: a locked address learns nothing
    assert refused.status_code == 429
    assert refused.json == {"error": "too many failed sign-ins; try again later", "status": 429}
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert api(TOKEN, "192.0.2.2").status_code == 200  # another address is not affected (erased: 200)
    moment[0] += dt.timedelta(seconds=61)
    assert api(TOKEN).status_code == 200  # the window has passed

    def gallery(password, address, user="riverside"):
        return client.get(
            f"/gallery/{user}/{ENGLISH[user]}/",
            headers=_basic(user, password),
            environ_base={"REMOTE_ADDR": address},
        )

    assert [gallery("wrong", f"198.51.100.{i}").status_code for i in range(5)] == [401] * 5
    assert gallery(TOKEN, "198.51.100.77").status_code == 429  # the brand, from any address
    assert client.get("/gallery/", headers=_basic("riverside", TOKEN)).status_code == 429
    assert gallery("wrong", "198.51.100.78", user="harbor").status_code == 401  # another brand is not
    moment[0] += dt.timedelta(seconds=61)
    assert gallery(TOKEN, "198.51.100.77").status_code == 200


def test_failed_sign_ins_are_counted_in_the_database_shared_by_every_instance(mailing):
    """Two app instances over one database (as two `serve` processes): failures on either count together, and
    the table holds a keyed hash of the client's address, never the address; old rows are pruned."""
    import sqlalchemy as sa

    from scarleaflets.mail.store import sign_in_failures

    moment = [NOW]
    limits = SignInLimits(per_address=4, per_brand=50, window_seconds=60)
    apps = [
        create_app(
            mailing,
            clock=lambda: NOW,
            sign_ins=FailedSignIns(mailing.store, mailing.secret, limits, clock=lambda: moment[0]),
        ).test_client()
        for _ in range(2)
    ]

    def api(client, token, address="203.0.113.9"):
        return client.delete(
            "/api/patients/x@example.org",
            headers={"Authorization": f"Bearer {token}"},
            environ_base={"REMOTE_ADDR": address},
        )

    enroll(mailing, "x@example.org")  # riverside's patient, so the right token, once let in, gets 200
    assert [api(apps[i % 2], "wrong").status_code for i in range(4)] == [401] * 4
    assert api(apps[0], TOKEN).status_code == 429
    assert api(apps[1], TOKEN).status_code == 429
    with mailing.store.engine.connect() as connection:
        keys = connection.execute(sa.select(sign_in_failures.c.key)).scalars().all()
    assert len(keys) == 4
    assert not any("203.0.113" in key for key in keys)
    moment[0] += dt.timedelta(seconds=61)
    assert api(apps[1], TOKEN).status_code == 200
    assert api(apps[0], "wrong", "203.0.113.10").status_code == 401  # prunes the four expired rows
    with mailing.store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(sign_in_failures)).scalar() == 1


def test_a_database_outage_during_the_sign_in_check_is_a_503(client, mailing, caplog):
    import sqlite3

    with sqlite3.connect(mailing.store.engine.url.database) as connection:
        connection.execute("DROP TABLE sign_in_failures")
    response = client.delete("/api/patients/x@example.org", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 503
    assert response.json["status"] == 503
    assert "Traceback" not in caplog.text


@pytest.mark.slow  # over 3 s: the gallery fixture builds two leaflets
def test_gallery_links_the_large_print_edition_where_there_is_one(mailing, gallery_leaflets, tmp_path):
    """Staff printing handouts find the large-print edition beside the leaflet (here riverside's Arabic
    scar-types; a copy of its PDF stands in for it), and no link where there is none."""
    leaflets = tmp_path / "leaflets"
    shutil.copytree(gallery_leaflets, leaflets)
    standard = leaflets / "riverside" / "ar" / "scar-types.pdf"
    (standard.parent / "scar-types-large-print.pdf").write_bytes(standard.read_bytes())
    client = create_app(mailing, clock=lambda: NOW, leaflets_dir=leaflets).test_client()
    html = client.get("/gallery/riverside/ar/", headers=_basic("riverside", TOKEN)).get_data(as_text=True)
    assert html.count('class="large-print"') == 1
    assert 'href="/gallery/riverside/ar/leaflets/scar-types-large-print.pdf">Large print</a>' in html
    pdf = client.get(
        "/gallery/riverside/ar/leaflets/scar-types-large-print.pdf", headers=_basic("riverside", TOKEN)
    )
    assert pdf.data == standard.read_bytes()
    english = client.get("/gallery/riverside/en_GB/", headers=_basic("riverside", TOKEN)).get_data(
        as_text=True
    )
    assert 'class="large-print"' not in english
    for path in ("causes-large-print.pdf", "no-such-topic-large-print.pdf"):
        assert (
            client.get(
                f"/gallery/riverside/ar/leaflets/{path}", headers=_basic("riverside", TOKEN)
            ).status_code
            == 404
        )
