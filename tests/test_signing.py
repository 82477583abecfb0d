"""signing.py: keyed hashes, deterministic Message-IDs, signed unsubscribe tokens."""

from __future__ import annotations

import datetime as dt
import stat

import pytest

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
    first = load_secret(tmp_path)
    assert len(first) == 32
    assert stat.S_IMODE((tmp_path / "var" / "secret.key").stat().st_mode) == 0o600
    assert load_secret(tmp_path) == first
    monkeypatch.setenv("SCARLEAFLETS_SECRET", "short")
    with pytest.raises(Exception, match="too short"):
        load_secret(tmp_path)
