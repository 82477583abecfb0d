"""delivery.py: real SMTP (aiosmtpd) including a misbehaving server, and the Maildir transport."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage

import pytest

from scarleaflets.delivery import MaildirTransport, open_transport
from scarleaflets.errors import ConfigError


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


def test_unreachable_server_is_temporary(tmp_path):
    transport = open_transport("smtp://127.0.0.1:9?timeout=1", tmp_path)
    assert transport.send(_message("a@example.org"), "n@clinic.example.org", "a@example.org").kind == "retry"


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

    from .conftest import _Sink

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
        assert refused.kind == "retry"  # an unverifiable certificate is never accepted
    finally:
        controller.stop()
    assert [m[1] for m in sink.messages] == [["a@example.org"]]
