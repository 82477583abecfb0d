"""signing.py: keyed hashes, deterministic Message-IDs, signed unsubscribe tokens."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat

import pytest

from scarleaflets.errors import ConfigError
from scarleaflets.signing import (
    _create_key,
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
    assert verify_unsubscribe_token(KEY, token[:-1] + "é", DAY) is None  # a link mangled on its way


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


def test_a_key_made_by_another_process_meanwhile_is_kept_not_replaced(tmp_path):
    """Two commands starting at once both find no key: the second to write must not fail, nor replace the
    first one's key (patients' hashes and links are made with it), and no draft file is left behind."""
    path = tmp_path / "var" / "secret.key"
    _create_key(path)
    first = path.read_bytes()
    _create_key(path)  # the one that lost the race
    assert path.read_bytes() == first
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]


def test_commands_starting_at_once_all_get_the_same_key(tmp_path):
    import subprocess
    import sys

    code = "import sys, pathlib; from scarleaflets.signing import load_secret; print(load_secret(pathlib.Path(sys.argv[1])).hex())"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCARLEAFLETS_SECRET")}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(8)
    ]
    keys = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert [run.returncode for run in runs] == [0] * 8
    assert keys == {(tmp_path / "var" / "secret.key").read_bytes().hex()}
