"""The project's secret key and what it signs: keyed e-mail hashes, unsubscribe tokens, Message-IDs and the
per-delivery return path (VERP) that bounce reports come back to.

The key comes from ``SCARLEAFLETS_SECRET``, or from the file named by ``SCARLEAFLETS_SECRET_FILE`` (one
file every instance shares; never created implicitly, so a typo cannot give one instance a key of its own), or
failing both from ``var/secret.key`` (made on first use, 32 random bytes, readable by its owner only). Keep that file: the suppression list stores only keyed hashes, so a
new key would no longer recognise addresses that were erased or suppressed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from .errors import ConfigError

TOKEN_VERSION = "v1"  # noqa: S105 (a format version, not a password)
TOKEN_MAX_AGE_DAYS = 400
# A return-path token: "d", the delivery id, "-", 16 base32 characters (80 bits of HMAC). Lower case only,
# because some mail servers change the case of a local part; letters and digits only, valid in any local part.
RETURN_TOKEN = re.compile(r"\+(d[0-9]{1,18}-[a-z2-7]{16})@", re.IGNORECASE)
EPOCH = dt.date(2020, 1, 1)


def load_secret(project_root: Path) -> bytes:
    """The key: ``SCARLEAFLETS_SECRET``, else the file ``SCARLEAFLETS_SECRET_FILE`` names (never created here:
    several instances must share one key), else ``var/secret.key``, made on first use."""
    from_env = os.environ.get("SCARLEAFLETS_SECRET")
    named = os.environ.get("SCARLEAFLETS_SECRET_FILE")
    if from_env and named:
        raise ConfigError("set SCARLEAFLETS_SECRET or SCARLEAFLETS_SECRET_FILE, not both")
    if from_env:
        if len(from_env) < 32:
            raise ConfigError("SCARLEAFLETS_SECRET is too short; use at least 32 random characters")
        return from_env.encode()
    if named:
        return _read_shared_key(Path(named))
    path = project_root / "var" / "secret.key"
    if not path.exists():
        _create_key(path)
    data = path.read_bytes()
    if len(data) < 32:
        raise ConfigError(f"{path}: the key is too short; delete it only if no patient was ever enrolled")
    return data


def _create_key(path: Path) -> None:
    """Make the key file once, even when several commands start at the same moment: the key is written in
    full to a file of this process's own, then linked into place, which succeeds for one process only; the
    others read the winner's key. Nobody ever sees a half-written key, nor replaces one already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    handle = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(32))
            stream.flush()
            os.fsync(stream.fileno())
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first: theirs is the key
    finally:
        draft.unlink(missing_ok=True)


def _read_shared_key(path: Path) -> bytes:
    """The key file every instance shares, used byte for byte like ``var/secret.key`` (copy that one there)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such file (named by SCARLEAFLETS_SECRET_FILE); it is never created for you: copy the "
            "key the other instances use there (for a first installation: head -c 32 /dev/urandom > FILE)"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read the key named by SCARLEAFLETS_SECRET_FILE: {exc.strerror}"
        ) from None
    if len(data) < 32:
        raise ConfigError(
            f"{path}: the key named by SCARLEAFLETS_SECRET_FILE is too short ({len(data)} bytes); "
            "use at least 32 random bytes"
        )
    return data


def _mac(secret: bytes, purpose: str, message: str) -> bytes:
    return hmac.new(secret, f"{purpose}\x00{message}".encode(), hashlib.sha256).digest()


def normalize_email(address: str) -> str:
    """An address as it is compared everywhere (the keyed hash, duplicates in an import, one pass's
    recipients): surrounding blanks dropped, case ignored."""
    return address.strip().lower()


def email_hash(secret: bytes, address: str) -> str:
    """A keyed hash of an address: lets the suppression list recognise it without storing it."""
    return _mac(secret, "email", normalize_email(address)).hex()


def client_key(secret: bytes, address: str) -> str:
    """A keyed hash of a client's network address: counts failed sign-ins per client without storing its IP."""
    return _mac(secret, "sign-in-client", address).hex()


def message_id(secret: bytes, enrollment_id: int, step: str, domain: str) -> str:
    """The same Message-ID for every attempt at one (enrollment, step), so a resend is recognisably the same."""
    digest = base64.b32encode(_mac(secret, "message-id", f"{enrollment_id}:{step}")[:20]).decode().lower()
    return f"<{digest}@{domain}>"


def unsubscribe_token(secret: bytes, enrollment_id: int, issued: dt.date) -> str:
    """A token naming the enrollment (never the address), signed, dated for expiry."""
    body = f"{TOKEN_VERSION}.{enrollment_id}.{(issued - EPOCH).days}"
    signature = base64.urlsafe_b64encode(_mac(secret, "unsubscribe", body)[:18]).decode().rstrip("=")
    return f"{body}.{signature}"


def verify_unsubscribe_token(secret: bytes, token: str, today: dt.date) -> int | None:
    """The enrollment id of a valid token, or None for a forged, truncated, malformed or expired one."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != TOKEN_VERSION or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    body = ".".join(parts[:3])
    expected = base64.urlsafe_b64encode(_mac(secret, "unsubscribe", body)[:18]).decode().rstrip("=")
    if not hmac.compare_digest(expected.encode(), parts[3].encode()):  # str: ASCII only, else TypeError
        return None
    issued = EPOCH + dt.timedelta(days=int(parts[2]))
    if not issued <= today <= issued + dt.timedelta(days=TOKEN_MAX_AGE_DAYS):
        return None
    return int(parts[1])


def _return_signature(secret: bytes, delivery_id: int) -> str:
    return base64.b32encode(_mac(secret, "return-path", str(delivery_id))[:10]).decode().lower()


def return_path(secret: bytes, delivery_id: int, base_address: str) -> str:
    """The envelope sender (MAIL FROM) of one delivery: ``local+d<id>-<signature>@domain`` (VERP).

    A bounce or complaint comes back to this address, and the signed token names the delivery it is about;
    ids are never reused, so the token needs no expiry. ``base_address`` has no "+" of its own (brands/schema.py)."""
    local, _, domain = base_address.rpartition("@")
    return f"{local}+d{delivery_id}-{_return_signature(secret, delivery_id)}@{domain}"


def verify_return_path(secret: bytes, text: str) -> int | None:
    """The delivery id of the first validly signed return-path token in ``text`` (an address or a header),
    or None when there is none: a forged, truncated or malformed token names nothing."""
    for match in RETURN_TOKEN.finditer(text):
        number, _, signature = match.group(1).lower()[1:].partition("-")
        if hmac.compare_digest(_return_signature(secret, int(number)), signature):
            return int(number)
    return None
