"""mail/delivery.py: real SMTP (aiosmtpd) including a misbehaving server, and the Maildir transport."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage

import pytest

from scarleaflets.errors import ConfigError
from scarleaflets.mail.delivery import MaildirTransport, open_transport

from ..conftest import free_port


def _message(to: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Clinic <news@clinic.example.org>"
    message["To"] = to
    message["Subject"] = "Test"
    message["Message-ID"] = "<fixed@clinic.example.org>"
    message.set_content("Hello")
    return message.as_bytes()


def test_smtp_delivers_and_reuses_one_connection(smtp_server, tmp_path):
    host, port, sink = smtp_server
    transport = open_transport(f"smtp://{host}:{port}?timeout=5", tmp_path)
    for n in range(3):
        assert (
            transport.send(_message(f"p{n}@example.org"), "news@clinic.example.org", f"p{n}@example.org").kind
            == "sent"
        )
    smtp = transport._smtp  # type: ignore[attr-defined]
    assert smtp is not None
    transport.close()
    assert [m[1] for m in sink.messages] == [["p0@example.org"], ["p1@example.org"], ["p2@example.org"]]
    assert b"Message-ID: <fixed@clinic.example.org>" in sink.messages[0][2]


@pytest.mark.parametrize(
    ("local", "kind", "code"),
    [
        ("t421", "retry", 421),
        ("t451", "retry", 451),
        ("t452", "retry", 452),
        ("p550", "fail", 550),
        ("p553", "fail", 553),
    ],
)
def test_smtp_replies_map_to_retry_or_fail(smtp_server, tmp_path, local, kind, code):
    host, port, sink = smtp_server
    transport = open_transport(f"smtp://{host}:{port}?timeout=5", tmp_path)
    outcome = transport.send(
        _message(f"{local}@example.org"), "news@clinic.example.org", f"{local}@example.org"
    )
    transport.close()
    assert (outcome.kind, outcome.code) == (kind, code)
    assert sink.messages == []


def test_dropped_connection_and_slow_server_are_temporary(smtp_server, tmp_path):
    host, port, sink = smtp_server
    transport = open_transport(f"smtp://{host}:{port}?timeout=1", tmp_path)
    dropped = transport.send(_message("drop@example.org"), "news@clinic.example.org", "drop@example.org")
    assert dropped.kind == "retry"
    slow = transport.send(_message("slow@example.org"), "news@clinic.example.org", "slow@example.org")
    assert slow.kind == "retry"
    assert "connection problem" in slow.detail
    # The transport reconnects for the next message.
    assert (
        transport.send(_message("ok@example.org"), "news@clinic.example.org", "ok@example.org").kind == "sent"
    )
    transport.close()
    assert [m[1] for m in sink.messages] == [["ok@example.org"]]


def test_unreachable_server_halts_at_connect(tmp_path):
    """A server that cannot be reached is nobody's bounce: the pass stops, naming the stage and the reason."""
    transport = open_transport(f"smtp://127.0.0.1:{free_port()}?timeout=1", tmp_path)
    outcome = transport.send(_message("a@example.org"), "n@clinic.example.org", "a@example.org")
    assert (outcome.kind, outcome.stage) == ("halt", "connect")
    assert outcome.detail.startswith("connect: ConnectionRefusedError: ")


@pytest.mark.parametrize(
    ("stage", "reply", "greeting"),
    [
        ("greeting", None, "554 5.3.2 not accepting mail"),
        ("EHLO", ("EHLO", "550 5.7.1 go away"), None),
        ("MAIL FROM", ("MAIL", "553 5.1.8 sender address rejected"), None),
        ("DATA", ("DATA", "554 5.7.1 message refused as spam"), None),
        ("MAIL FROM", ("MAIL", "451 4.3.0 local problem"), None),
    ],
)
def test_refusals_before_and_after_the_recipient_halt(smtp_factory, tmp_path, stage, reply, greeting):
    """RFC 5321: only RCPT TO speaks about the recipient; a refusal at any other stage is the sender's or the
    server's problem, reported with its stage, code and text and never the patient's address."""
    port, sink = smtp_factory(greeting)
    if reply:
        sink.replies[reply[0]] = reply[1]
    transport = open_transport(f"smtp://127.0.0.1:{port}?timeout=5", tmp_path)
    outcome = transport.send(_message("pat@example.org"), "news@clinic.example.org", "pat@example.org")
    transport.close()
    text = greeting or reply[1]  # type: ignore[index]
    assert (outcome.kind, outcome.stage, outcome.code) == ("halt", stage, int(text[:3]))
    assert outcome.detail == f"{stage}: {text}"
    assert sink.messages == []


def test_a_refusal_after_data_that_names_the_mailbox_is_the_recipients(smtp_factory, tmp_path):
    port, sink = smtp_factory()
    sink.replies["DATA"] = "550 5.1.1 <Pat@Example.org>: mailbox unavailable"
    transport = open_transport(f"smtp://127.0.0.1:{port}?timeout=5", tmp_path)
    outcome = transport.send(_message("pat@example.org"), "news@clinic.example.org", "pat@example.org")
    transport.close()
    assert (outcome.kind, outcome.stage) == ("fail", "DATA")
    assert outcome.detail == "DATA: 550 5.1.1 <<recipient>>: mailbox unavailable"


def test_rcpt_refusal_text_never_holds_the_address(smtp_factory, tmp_path):
    port, sink = smtp_factory()
    sink.replies["RCPT"] = "550 5.1.1 <PAT@example.org>: user unknown"
    transport = open_transport(f"smtp://127.0.0.1:{port}?timeout=5", tmp_path)
    outcome = transport.send(_message("pat@example.org"), "news@clinic.example.org", "pat@example.org")
    transport.close()
    assert (outcome.kind, outcome.detail) == ("fail", "RCPT TO: 550 5.1.1 <<recipient>>: user unknown")


def test_failed_login_halts_at_auth(smtp_factory, tmp_path):
    from aiosmtpd.smtp import AuthResult

    port, sink = smtp_factory(
        auth_require_tls=False, authenticator=lambda *args: AuthResult(success=False, handled=False)
    )
    transport = open_transport(f"smtp://u:wrong@127.0.0.1:{port}?timeout=5&allow_plain_auth=true", tmp_path)
    outcome = transport.send(_message("pat@example.org"), "news@clinic.example.org", "pat@example.org")
    transport.close()
    assert (outcome.kind, outcome.stage, outcome.code) == ("halt", "AUTH", 535)
    assert "wrong" not in outcome.detail
    assert sink.messages == []


def test_a_password_is_never_sent_in_the_clear_unless_allowed(tmp_path):
    with pytest.raises(ConfigError, match="unencrypted; use smtps://") as info:
        open_transport("smtp://user:s3cret@127.0.0.1:25", tmp_path)
    assert "s3cret" not in str(info.value)
    for url in (
        "smtps://u:p@h:465",
        "smtp://u:p@h:587?starttls=true",
        "smtp://u:p@h:25?allow_plain_auth=true",
        "smtp://h:25",
    ):
        open_transport(url, tmp_path)  # accepted; nothing connects yet


def test_after_a_421_the_next_message_gets_a_new_connection(smtp_server, tmp_path):
    host, port, sink = smtp_server
    transport = open_transport(f"smtp://{host}:{port}?timeout=5", tmp_path)
    closing = transport.send(_message("t421@example.org"), "news@clinic.example.org", "t421@example.org")
    assert (closing.kind, closing.code) == ("retry", 421)
    after = transport.send(_message("ok@example.org"), "news@clinic.example.org", "ok@example.org")
    transport.close()
    assert after.kind == "sent", after
    assert [m[1] for m in sink.messages] == [["ok@example.org"]]


def test_a_connection_the_server_closed_while_idle_is_quietly_reopened(smtp_factory, tmp_path):
    import time

    port, sink = smtp_factory(timeout=0.5)
    transport = open_transport(f"smtp://127.0.0.1:{port}?timeout=5", tmp_path)
    assert transport.send(_message("a@example.org"), "n@clinic.example.org", "a@example.org").kind == "sent"
    time.sleep(1.5)  # wall time: the real server drops the idle connection after its 0.5 s timeout
    outcome = transport.send(_message("b@example.org"), "n@clinic.example.org", "b@example.org")
    transport.close()
    assert outcome.kind == "sent", outcome
    assert [m[1] for m in sink.messages] == [["a@example.org"], ["b@example.org"]]


def test_maildir_transport_writes_complete_messages(tmp_path):
    transport = open_transport("maildir://out/box", tmp_path)
    assert isinstance(transport, MaildirTransport)
    assert transport.send(_message("a@example.org"), "n@clinic.example.org", "a@example.org").kind == "sent"
    box = mailbox.Maildir(str(tmp_path / "out" / "box"), create=False)
    (stored,) = list(box)
    assert stored["Subject"] == "Test"


@pytest.mark.parametrize("url", ["ftp://x", "smtp://", "smtp://host:port", "smtp://h:25?timeout=soon"])
def test_bad_transport_urls_are_clear_errors(tmp_path, url):
    with pytest.raises(ConfigError):
        open_transport(url, tmp_path)


def test_password_never_appears_in_errors(tmp_path):
    with pytest.raises(ConfigError) as info:
        open_transport("smtp://user:s3cret@h:25?rate=fast", tmp_path)
    assert "s3cret" not in str(info.value)


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for localhost, made with openssl (the same file is the CA to trust)."""
    import shutil
    import subprocess

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _tls_server(certificate, implicit: bool):
    import socket
    import ssl

    from aiosmtpd.controller import Controller

    from ..conftest import _Sink

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = _Sink()
    if implicit:
        controller = Controller(sink, hostname="127.0.0.1", port=port, ssl_context=context)
    else:
        controller = Controller(
            sink, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
        )
    return controller, port, sink


@pytest.mark.parametrize("scheme", ["smtps", "smtp-starttls"])
def test_tls_transports_verify_the_certificate(certificate, tmp_path, scheme):
    controller, port, sink = _tls_server(certificate, implicit=scheme == "smtps")
    controller.start()
    try:
        cert, _ = certificate
        base = f"smtps://127.0.0.1:{port}" if scheme == "smtps" else f"smtp://127.0.0.1:{port}"
        query = f"?timeout=5&cafile={cert}" + ("&starttls=true" if scheme != "smtps" else "")
        transport = open_transport(base + query, tmp_path)
        outcome = transport.send(_message("a@example.org"), "n@clinic.example.org", "a@example.org")
        transport.close()
        assert outcome.kind == "sent", outcome
        untrusted = open_transport(
            base + query.split("&cafile")[0] + ("&starttls=true" if scheme != "smtps" else ""), tmp_path
        )
        refused = untrusted.send(_message("b@example.org"), "n@clinic.example.org", "b@example.org")
        untrusted.close()
        assert (refused.kind, refused.stage) == ("halt", "connect" if scheme == "smtps" else "STARTTLS")
        assert "certificate verify failed" in refused.detail  # an unverifiable certificate is never accepted
    finally:
        controller.stop()
    assert [m[1] for m in sink.messages] == [["a@example.org"]]
