"""mail/service.py end to end on the shipped project: enroll, compose, send over real SMTP (aiosmtpd), retry,
fail, unsubscribe, forget, CSV import and catch-up — with a real SQLite database file."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest

from scarleaflets import i18n
from scarleaflets.errors import ScarleafletsError
from scarleaflets.mail import Enrollment, EnrollmentRequest, Mailing
from scarleaflets.mail.delivery import open_transport
from scarleaflets.mail.store import Store

from ..conftest import REPO

START = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def shared_mailing(shipped_project):
    return Mailing(shipped_project, Store.open("sqlite://"), b"k" * 32, START.date())


@pytest.fixture
def mailing(shared_mailing, db_url):
    """The mailing service on a new database: an SQLite file, then the real PostgreSQL server."""
    shared_mailing.store = Store.open(db_url)
    yield shared_mailing
    shared_mailing.store.close()


def request(address: str = "ann@example.org", **changes) -> EnrollmentRequest:
    values = {
        "email": address,
        "name": "Ann Example",
        "locale": "en_GB",  # riverside is a UK clinic: British English
        "brand": "riverside",
        "series": "acne-education",
        "timezone": "Europe/London",
        "start_date": START.date(),
        "consent_at": START - dt.timedelta(days=1),
        "consent_source": "signed consent form",
    }
    values.update(changes)
    return EnrollmentRequest(**values)


def run_days(mailing, transport, days: int, start=START, hours: int = 1):
    moment = start
    while moment <= start + dt.timedelta(days=days):
        mailing.send_due(moment, transport, worker="test")
        moment += dt.timedelta(hours=hours)


def parsed(sink):
    return [email.message_from_bytes(raw, policy=policy.default) for _, _, raw in sink.messages]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@example.org\nBcc: all@example.com"}, "email"),
        ({"name": "Ann\r\nBcc: all@example.com"}, "name"),
        ({"name": "Ann \u202eelpmaxE"}, "name"),  # a right-to-left override
        ({"locale": "ja"}, "locale"),
        ({"locale": "es"}, "locale"),  # published, but not offered by riverside
        ({"brand": "nobody"}, "brand"),
        ({"series": "nothing"}, "series"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"start_date": dt.date(2030, 1, 1)}, "start_date"),
    ],
)
def test_bad_requests_are_refused_by_field_before_anything_is_stored(mailing, changes, field):
    problems = mailing.validate(request(**changes), START)
    assert [p.field for p in problems] == [field]
    with pytest.raises(ScarleafletsError):
        mailing.enroll(request(**changes), START)
    assert mailing.store.enrollment_counts() == {}


def test_enrollment_is_idempotent_and_plans_every_step(mailing):
    first = mailing.enroll(request(), START)
    again = mailing.enroll(request(email="ANN@example.org "), START)
    assert first[1] is True
    assert again == (first[0], False)
    rows = mailing.store.status_rows(None)
    assert len(rows) == 19
    assert all(r["status"] == "pending" for r in rows)


@pytest.mark.slow  # over 3 s: the whole series for every patient
def test_series_is_sent_once_each_localized_multipart_with_unsubscribe_headers(mailing, smtp_server):
    host, port, sink = smtp_server
    mailing.enroll(request(), START)
    mailing.enroll(
        request(
            "lucia@example.com",
            name="Lucía <b>García</b>",
            locale="es",
            brand="harbor",
            timezone="America/Mexico_City",
        ),
        START,
    )
    transport = open_transport(f"smtp://{host}:{port}?timeout=5", REPO)
    run_days(mailing, transport, 50, hours=3)
    run_days(mailing, transport, 5, start=START + dt.timedelta(days=51), hours=6)  # nothing more to send
    transport.close()
    messages = parsed(sink)
    assert len(messages) == 38
    assert len({m["Message-ID"] for m in messages}) == 38
    welcome_es = next(
        m
        for m in messages
        if m["To"].addresses[0].addr_spec == "lucia@example.com"
        and "marks-vs-scars" in m.get_body(("plain",)).get_content()
    )
    translator = i18n.Translator.load(mailing.project, "es")
    subject = translator.pgettext("series/acne-education/welcome", "Marks or scars? How to tell them apart")
    assert welcome_es["Subject"] == subject
    assert welcome_es["Content-Language"] == "es"
    assert welcome_es["From"].addresses[0].addr_spec == "learn@harbor.example.com"
    assert welcome_es["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = welcome_es["List-Unsubscribe"]
    assert "<https://unsubscribe.example.org/u/v1." in unsubscribe
    assert "mailto:care@harbor.example.com" in unsubscribe
    assert "lucia" not in unsubscribe
    # Nothing attached: the leaflet is linked (in Spanish), and the logo is an inline image of the HTML.
    assert welcome_es.get_content_type() == "multipart/alternative"
    assert not list(welcome_es.iter_attachments())
    text, related = welcome_es.iter_parts()
    assert related.get_content_type() == "multipart/related"
    html, logo = related.iter_parts()
    assert logo.get_content_type() == "image/png"
    assert logo.get_content().startswith(b"\x89PNG")
    assert f'src="cid:{logo["Content-ID"].strip("<>")}"' in html.get_content()
    assert "https://leaflets.example.org/leaflets/harbor/es/marks-vs-scars" in html.get_content()
    assert "https://leaflets.example.org/leaflets/harbor/es/marks-vs-scars" in text.get_content()
    assert text.get_content_type() == "text/plain"
    plain = text.get_content()
    assert "Lucía <b>García</b>" in plain  # plain text: the name as given, not escaped
    assert "<" not in plain.replace("Lucía <b>García</b>", "")  # and no markup of ours
    assert "Lucía &lt;b&gt;García&lt;/b&gt;" in html.get_content()
    assert 'style="' in html.get_content()  # CSS inlined
    assert "prefers-color-scheme: dark" in html.get_content()
    status = translator.gettext("This translation has not yet been reviewed by a medical translator.")
    assert status in html.get_content()
    # Steps go out in order, one a day at most, inside the window.
    english = sorted((m for m in messages if "ann@" in str(m["To"])), key=lambda m: m["Date"].datetime)
    days = [m["Date"].datetime.date() for m in english]
    assert len(set(days)) == 19
    assert all(9 <= m["Date"].datetime.hour < 18 for m in english)


def test_temporary_failures_retry_with_backoff_then_fail(mailing, smtp_server):
    host, port, sink = smtp_server
    mailing.enroll(request("t451@example.org"), START)
    transport = open_transport(f"smtp://{host}:{port}?timeout=5", REPO)
    first = START.replace(hour=9)
    report = mailing.send_due(first, transport, worker="w")
    assert report.retried == 1
    rows = {r["status"]: r for r in mailing.store.status_rows(None) if r["step"] == "welcome"}
    assert rows["deferred"]["next_at"] == (first + dt.timedelta(minutes=5)).replace(tzinfo=None)
    assert mailing.send_due(first + dt.timedelta(minutes=1), transport, worker="w").retried == 0  # not yet
    run_days(mailing, transport, 3, start=first + dt.timedelta(minutes=5), hours=1)
    transport.close()
    welcome = [r for r in mailing.store.status_rows(None) if r["step"] == "welcome"]
    assert [r["status"] for r in welcome] == ["failed"]
    assert sink.messages == []


def test_permanent_failure_fails_and_suppresses_the_address(mailing, smtp_server):
    host, port, _ = smtp_server
    mailing.enroll(request("p550@example.org"), START)
    transport = open_transport(f"smtp://{host}:{port}?timeout=5", REPO)
    assert mailing.send_due(START.replace(hour=9), transport, worker="w").failed == 1
    transport.close()
    assert mailing.store.enrollment_counts() == {"suppressed": 1}
    with pytest.raises(ScarleafletsError, match="suppression list"):
        mailing.enroll(
            request(
                "p550@example.org",
                series="acne-education",
                brand="harbor",
                locale="en",
                timezone="America/Los_Angeles",
            ),
            START,
        )


def test_unsubscribed_patients_get_nothing_more(mailing, tmp_path):
    mailing.enroll(request(), START)
    transport = open_transport(f"maildir://{tmp_path / 'box'}", REPO)
    assert mailing.send_due(START.replace(hour=10), transport, worker="w").sent == 1
    assert mailing.unsubscribe("Ann@Example.org", START, "riverside") == 1
    run_days(mailing, transport, 50, start=START.replace(hour=11), hours=4)
    assert len(list((tmp_path / "box" / "new").iterdir())) == 1


def test_a_worker_down_for_days_catches_up_one_step_a_day(mailing, tmp_path):
    mailing.enroll(request(), START)
    transport = open_transport(f"maildir://{tmp_path / 'box'}", REPO)
    late = START + dt.timedelta(days=20, hours=10)  # four steps are overdue
    assert mailing.send_due(late, transport, worker="w").sent == 1
    assert mailing.send_due(late + dt.timedelta(hours=2), transport, worker="w").sent == 0
    assert mailing.send_due(late + dt.timedelta(days=1), transport, worker="w").sent == 1


def test_forget_erases_the_address(mailing, db_url, tmp_path):
    mailing.enroll(request("forget.me@example.org", name="Forget Me"), START)
    mailing.enroll(request("keep.me@example.org", name="Keep Me"), START)
    assert mailing.forget("forget.me@example.org", START, "riverside") == 1
    with mailing.store.engine.connect() as connection:
        rows = [
            repr(tuple(row))
            for table in ("enrollments", "deliveries", "suppressions")
            for row in connection.exec_driver_sql(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
        ]
    assert any("keep.me@example.org" in row for row in rows)
    assert not any("forget.me" in row or "Forget Me" in row for row in rows)
    if db_url.startswith("sqlite"):  # and on SQLite not even in the file's free pages or its write-ahead log
        mailing.store.close()
        raw = b"".join(p.read_bytes() for p in (tmp_path / "var").glob("test.db*"))
        assert b"keep.me@example.org" in raw
        assert b"forget.me@example.org" not in raw
        assert b"Forget Me" not in raw
        mailing.store = Store.open(db_url)
    with pytest.raises(ScarleafletsError, match="suppression list"):
        mailing.enroll(request("forget.me@example.org"), START)


def test_csv_import_reports_each_bad_row_and_is_idempotent(mailing, tmp_path):
    csv_file = tmp_path / "patients.csv"
    consent = "2026-11-20T10:00:00+00:00,signed form"
    csv_file.write_text(
        "email,name,locale,brand,series,timezone,start_date,consent_at,consent_source\n"
        f"ok.one@example.org,One,en_GB,riverside,acne-education,Europe/London,2026-12-01,{consent}\n"
        f"broken-address,Two,en_GB,riverside,acne-education,Europe/London,2026-12-01,{consent}\n"
        f"three@example.org,Three,es,riverside,acne-education,Europe/London,2026-12-01,{consent}\n"
        f"four@example.org,Four,en_GB,riverside,acne-education,Nowhere/City,2026-12-01,{consent}\n"
        f"five@example.org,Five,en_GB,riverside,acne-education,Europe/London,01/12/2026,{consent}\n"
        f"OK.ONE@example.org,One again,en_GB,riverside,acne-education,Europe/London,2026-12-01,{consent}\n"
        "six@example.com,Six,zh_Hans,harbor,acne-education,Asia/Shanghai,2026-12-02,2026-11-30T09:00,desk\n"
        "seven@example.org,Seven,en_GB,riverside,acne-education,Europe/London,2026-12-01,,\n"
        "eight@example.org,Eight,en_GB,riverside,acne-education,Europe/London,,2099-01-01T10:00,form\n"
        "nine@example.org,Nine,en_GB,riverside,acne-education,Europe/London,,30/11/2026,form\n",
        encoding="utf-8",
    )
    report = mailing.import_csv(csv_file, START)
    assert (report.created, report.existing) == (2, 0)
    assert [error[:2] for error in report.errors] == [
        (3, "email"),
        (4, "locale"),
        (5, "timezone"),
        (6, "start_date"),
        (7, "email"),
        (9, "consent_at"),
        (9, "consent_source"),
        (10, "consent_at"),
        (11, "consent_at"),
    ]
    assert report.errors[:5] == [
        (3, "email", "not a valid e-mail address"),
        (4, "locale", "not published for riverside; use one of en_GB, fr, de, ar, ru, hi"),
        (5, "timezone", "unknown time zone; use one like Europe/Paris"),
        (6, "start_date", "not a date; write YYYY-MM-DD"),
        (7, "email", "duplicate of line 2"),
    ]
    assert report.errors[5][2].startswith("required: when the patient gave consent")
    assert report.errors[7][2] == "is in the future; give the time consent was given"
    assert report.errors[8][2] == "not a date and time; write 2026-11-25T10:30:00+01:00"  # one error, not two
    with mailing.store.engine.connect() as connection:  # a time without an offset is the patient's local time
        stored = connection.exec_driver_sql(
            "SELECT consent_at FROM enrollments WHERE brand = 'harbor'"
        ).scalar()
    assert str(stored).startswith("2026-11-30 01:00:00")  # 09:00 in Shanghai
    again = mailing.import_csv(csv_file, START)
    assert (again.created, again.existing, len(again.errors)) == (0, 2, 9)


def test_a_csv_without_consent_columns_is_refused_whole(mailing, tmp_path):
    """Consent is never invented: a file without the consent columns imports nobody and says so at line 1."""
    csv_file = tmp_path / "patients.csv"
    csv_file.write_text(
        "email,name,locale,brand,series,timezone\nann@example.org,Ann,en_GB,riverside,acne-education,UTC\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ScarleafletsError, match=r"patients.csv:1: missing column\(s\) consent_at, consent_source"
    ):
        mailing.import_csv(csv_file, START)
    assert mailing.store.enrollment_counts(None) == {}


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize("control", list(BIDI), ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_controls_in_names_are_refused_with_a_clear_message(shared_mailing, control):
    (problem,) = shared_mailing.validate(request(name=f"Ann{control}Lee"), START)
    assert problem.field == "name"
    assert problem.error.startswith("must not contain invisible bidirectional control characters (U+202A")
    assert not shared_mailing.validate(request(name="محمد علي"), START)  # right-to-left script is fine


def test_csv_import_refuses_a_bidi_control_in_a_name(mailing, tmp_path):
    csv_file = tmp_path / "patients.csv"
    csv_file.write_text(
        "email,name,locale,brand,series,timezone,consent_at,consent_source\n"
        "one@example.org,Ann \u2067Lee\u2069,en_GB,riverside,acne-education,Europe/London,2026-11-20T10:00,form\n",
        encoding="utf-8",
    )
    report = mailing.import_csv(csv_file, START)
    assert report.created == 0
    assert [(line, field) for line, field, _ in report.errors] == [(2, "name")]
    assert "bidirectional control" in report.errors[0][2]


@pytest.mark.parametrize("locale", ["hi", "ar", "ru"])
def test_every_line_of_a_message_is_within_the_smtp_limit(mailing, locale):
    series = mailing.series["acne-education"]
    data = mailing.composer(mailing.edition(locale)).compose(
        brand=mailing.brands["riverside"],
        series=series,
        step=series.step("questions-to-ask"),
        recipient=Enrollment(
            "p@example.org",
            "Ünïcode Ñame",
            locale,
            "riverside",
            "acne-education",
            "UTC",
            START.date(),
            START,
            "form",
        ),
        translator=mailing.translator(locale),
        manifest=mailing.manifests[locale],
        message_id="<x@example.org>",
        unsubscribe_url="https://u.example.org/u/t",
        now=START,
    )
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    assert b"\n" not in data.replace(b"\r\n", b"")
    parsed_message = email.message_from_bytes(data, policy=policy.default)
    assert parsed_message["To"].addresses[0].display_name == "Ünïcode Ñame"
    assert parsed_message.get_body(("plain",)).get_content().startswith("Riverside Skin Clinic")


def delivery_rows(mailing):
    """(enrollment, step index, status, attempts, sent_at) of every delivery, in series order."""
    import sqlalchemy as sa

    from scarleaflets.mail.store import deliveries

    query = sa.select(
        deliveries.c.enrollment_id,
        deliveries.c.step_index,
        deliveries.c.status,
        deliveries.c.attempts,
        deliveries.c.sent_at,
    ).order_by(deliveries.c.enrollment_id, deliveries.c.step_index)
    with mailing.store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def _auth_server(smtp_factory):
    from aiosmtpd.smtp import AuthResult

    port, sink = smtp_factory(
        auth_require_tls=False, authenticator=lambda *args: AuthResult(success=False, handled=False)
    )
    return f"smtp://clinic:wrong@127.0.0.1:{port}?timeout=5&allow_plain_auth=true", sink


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ("greeting", "greeting: 554 5.3.2 not accepting mail"),
        ("EHLO", "EHLO: 550 5.7.1 go away"),
        ("AUTH", "AUTH: 535 5.7.8 Authentication credentials invalid"),
        ("MAIL", "MAIL FROM: 553 5.1.8 sender address rejected"),
        ("RCPT", "RCPT TO: 550 5.7.1 relaying denied (every one of 2 recipients was refused"),
        ("DATA", "DATA: 554 5.7.1 message refused"),
        ("refused", "connect: ConnectionRefusedError: Connection refused"),
    ],
)
def test_sender_or_server_problems_stop_the_pass_and_harm_no_patient(
    mailing, smtp_factory, problem, expected
):
    """A refusal that is not about one recipient stops the pass: nobody is suppressed, no attempt is charged,
    every delivery stays due and goes out once the problem is fixed."""
    from ..conftest import free_port

    mailing.enroll(request("ann@example.org"), START)
    mailing.enroll(request("bob@example.org"), START)
    port, sink = smtp_factory("554 5.3.2 not accepting mail" if problem == "greeting" else None)
    url = f"smtp://127.0.0.1:{port}?timeout=5"
    replies = {
        "EHLO": "550 5.7.1 go away",
        "MAIL": "553 5.1.8 sender address rejected",
        "RCPT": "550 5.7.1 relaying denied",
        "DATA": "554 5.7.1 message refused",
    }
    if problem in replies:
        sink.replies[problem] = replies[problem]
    if problem == "AUTH":
        url, sink = _auth_server(smtp_factory)
    if problem == "refused":
        url = f"smtp://127.0.0.1:{free_port()}?timeout=2"
    transport = open_transport(url, REPO)
    report = mailing.send_due(START.replace(hour=9), transport, worker="w")
    transport.close()
    assert report.halted.startswith(expected), report.halted
    assert "example.org" not in report.halted
    assert (report.sent, report.retried, report.failed, report.given_back) == (0, 0, 0, 2)
    assert mailing.store.enrollment_counts() == {"active": 2}
    assert {(status, attempts) for _, index, status, attempts, _ in delivery_rows(mailing) if index == 0} == {
        ("pending", 0)
    }
    assert mailing.enroll(request("ann@example.org"), START)[1] is False  # not on the suppression list
    healthy, fixed = smtp_factory()
    transport = open_transport(f"smtp://127.0.0.1:{healthy}?timeout=5", REPO)
    assert mailing.send_due(START.replace(hour=10), transport, worker="w").sent == 2
    transport.close()
    assert sorted(m[1][0] for m in fixed.messages) == ["ann@example.org", "bob@example.org"]


def test_one_refused_recipient_of_two_is_the_only_one_suppressed(mailing, smtp_server):
    host, port, sink = smtp_server
    mailing.enroll(request("p550@example.org"), START)
    mailing.enroll(request("ann@example.org"), START)
    transport = open_transport(f"smtp://{host}:{port}?timeout=5", REPO)
    report = mailing.send_due(START.replace(hour=9), transport, worker="w")
    transport.close()
    assert (report.sent, report.failed, report.halted) == (1, 1, "")
    assert report.reasons == {("failed", "RCPT TO: 550 5.1.1 no such user"): 1}
    assert mailing.store.enrollment_counts() == {"active": 1, "suppressed": 1}
    assert [m[1] for m in sink.messages] == [["ann@example.org"]]


def test_a_421_mid_pass_costs_the_other_patients_nothing(mailing, smtp_server):
    host, port, sink = smtp_server
    for address in ("t421@example.org", "ann@example.org", "bob@example.org"):
        mailing.enroll(request(address), START)
    transport = open_transport(f"smtp://{host}:{port}?timeout=5", REPO)
    report = mailing.send_due(START.replace(hour=9), transport, worker="w")
    transport.close()
    assert (report.sent, report.retried, report.failed) == (2, 1, 0)
    assert [m[1] for m in sink.messages] == [["ann@example.org"], ["bob@example.org"]]


@pytest.mark.slow  # over 3 s: weeks of sending passes
def test_a_72_hour_outage_then_451s_ends_with_every_step_delivered_in_order(mailing, smtp_factory):
    """The server is unreachable for three days, then answers 451 for a morning: nothing is lost, each
    patient gets every step, in series order, at most one a day (retries count from the first failure)."""
    from ..conftest import free_port

    patients = ("ann@example.org", "bob@example.org", "cy@example.org")
    for address in patients:
        mailing.enroll(request(address), START)
    down = open_transport(f"smtp://127.0.0.1:{free_port()}?timeout=1", REPO)
    run_days(mailing, down, 3, hours=3)  # 1 to 4 December: nothing can be sent
    assert {status for _, _, status, _, _ in delivery_rows(mailing)} == {"pending"}
    port, sink = smtp_factory()
    sink.replies["RCPT"] = "451 4.3.0 try again later"
    transport = open_transport(f"smtp://127.0.0.1:{port}?timeout=5", REPO)
    back = START + dt.timedelta(days=3)
    run_days(mailing, transport, 0, start=back, hours=1)
    for hour in range(1, 13):
        mailing.send_due(back + dt.timedelta(hours=hour), transport, worker="test")
    assert sink.messages == []
    del sink.replies["RCPT"]
    run_days(mailing, transport, 60, start=back + dt.timedelta(hours=13), hours=3)
    transport.close()
    rows = delivery_rows(mailing)
    assert {status for _, _, status, _, _ in rows} == {"sent"}
    assert len(sink.messages) == 19 * len(patients)
    for enrollment in {row[0] for row in rows}:
        sent = [row[4] for row in rows if row[0] == enrollment]  # in step order
        assert sent == sorted(sent)
        assert len({moment.date() for moment in sent}) == 19  # one a day at most


def test_an_unsubscribe_during_a_pass_stops_the_claimed_emails_not_yet_sent(mailing, tmp_path):
    """A pass claims every due delivery, then sends them one after another. A patient who unsubscribes (on
    the web service, in another process) while the pass is busy with someone else gets nothing: the last check
    before the mail server finds the enrollment stopped and cancels the claim."""
    mailing.enroll(request("first@example.org"), START)
    mailing.enroll(request("second@example.org"), START)
    inner = open_transport(f"maildir://{tmp_path / 'box'}", REPO)
    sent_to: list[str] = []

    class UnsubscribingTransport:
        def send(self, message, sender, recipient):
            sent_to.append(recipient)
            other = "second@example.org" if recipient == "first@example.org" else "first@example.org"
            mailing.unsubscribe(
                other, START, "riverside"
            )  # arrives while this message is with the mail server
            return inner.send(message, sender, recipient)

        def close(self):
            inner.close()

    report = mailing.send_due(START.replace(hour=10), UnsubscribingTransport(), worker="w")
    assert (report.sent, report.cancelled) == (1, 1)
    assert len(sent_to) == 1
    counts = {(row["step"], row["status"]): row["count"] for row in mailing.store.status_rows(None)}
    assert counts[("welcome", "sent")] == 1
    assert counts[("welcome", "cancelled")] == 1
    assert mailing.store.enrollment_counts() == {"active": 1, "unsubscribed": 1}
