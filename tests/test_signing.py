"""signing.py: keyed hashes, deterministic Message-IDs, signed unsubscribe tokens."""

from __future__ import annotations

import datetime as dt
import re
import stat

import pytest

from scarleaflets.errors import ConfigError
from scarleaflets.signing import (
    email_hash,
    load_secret,
    message_id,
    unsubscribe_token,
    verify_unsubscribe_token,
)

KEY = b"k" * 32
DAY = dt.date(2026, 12, 1)


def test_hash_ignores_case_and_spaces_but_depends_on_the_key():
    assert email_hash(KEY, " Ann@Example.org ") == email_hash(KEY, "ann@example.org")
    assert email_hash(KEY, "ann@example.org") != email_hash(b"x" * 32, "ann@example.org")
    assert "ann" not in email_hash(KEY, "ann@example.org")


def test_message_id_is_fixed_per_enrollment_and_step():
    first = message_id(KEY, 7, "welcome", "clinic.example.org")
    assert first == message_id(KEY, 7, "welcome", "clinic.example.org")
    assert first != message_id(KEY, 7, "scar-types", "clinic.example.org")
    assert first.startswith("<")
    assert first.endswith("@clinic.example.org>")


def test_token_round_trip_and_refusals():
    token = unsubscribe_token(KEY, 42, DAY)
    assert verify_unsubscribe_token(KEY, token, DAY) == 42
    assert "@" not in token
    assert verify_unsubscribe_token(KEY, token[:-1], DAY) is None  # truncated
    forged = token.replace(".42.", ".43.")
    assert verify_unsubscribe_token(KEY, forged, DAY) is None
    assert verify_unsubscribe_token(b"y" * 32, token, DAY) is None  # another key
    assert verify_unsubscribe_token(KEY, token, DAY + dt.timedelta(days=401)) is None  # expired
    assert verify_unsubscribe_token(KEY, "garbage", DAY) is None
    assert verify_unsubscribe_token(KEY, "", DAY) is None


def test_secret_file_is_created_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("SCARLEAFLETS_SECRET", raising=False)
    monkeypatch.delenv("SCARLEAFLETS_SECRET_FILE", raising=False)
    first = load_secret(tmp_path)
    assert len(first) == 32
    assert stat.S_IMODE((tmp_path / "var" / "secret.key").stat().st_mode) == 0o600
    assert load_secret(tmp_path) == first
    monkeypatch.setenv("SCARLEAFLETS_SECRET", "short")
    with pytest.raises(Exception, match="too short"):
        load_secret(tmp_path)


def test_a_shared_key_file_is_read_as_is_and_never_created(tmp_path, monkeypatch):
    monkeypatch.delenv("SCARLEAFLETS_SECRET", raising=False)
    shared = tmp_path / "shared" / "scarleaflets.key"
    monkeypatch.setenv("SCARLEAFLETS_SECRET_FILE", str(shared))
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(shared))}: no such file .*never created"):
        load_secret(tmp_path / "project")
    assert not shared.exists()
    assert not (
        tmp_path / "project" / "var" / "secret.key"
    ).exists()  # no silent fallback to a key of its own
    shared.parent.mkdir()
    shared.write_bytes(b"short\n")
    with pytest.raises(ConfigError, match=r"scarleaflets.key: the key named by .* is too short \(6 bytes\)"):
        load_secret(tmp_path / "project")
    shared.write_bytes(KEY)
    assert load_secret(tmp_path / "project") == KEY
    assert load_secret(tmp_path / "other") == KEY  # every instance, whatever its project folder
    monkeypatch.setenv("SCARLEAFLETS_SECRET_FILE", str(shared.parent))
    with pytest.raises(ConfigError, match=r"shared: cannot read the key named by SCARLEAFLETS_SECRET_FILE: "):
        load_secret(tmp_path / "project")
    monkeypatch.setenv("SCARLEAFLETS_SECRET", "s" * 40)
    with pytest.raises(ConfigError, match="not both"):
        load_secret(tmp_path / "project")
