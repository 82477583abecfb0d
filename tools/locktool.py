"""Read ``requirements.lock`` and compare it with what is installed or with another lock.

``make install`` runs ``verify`` after installing, so a fresh machine fails loudly unless it holds exactly the
locked versions; ``make upgrade-check`` runs ``diff`` to tell a maintainer which packages a re-lock with the
newest allowed versions would change. The lock is written by ``uv pip compile`` (see ``make lock``) in the
plain requirements format that ``pip install --require-hashes`` reads.

    python tools/locktool.py verify requirements.lock
    python tools/locktool.py diff requirements.lock newest.lock
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]*))?")
# Installed by `python -m venv` or by the install step itself, not by the lock.
NOT_LOCKED = {"pip", "scarleaflets"}


def read_lock(path: Path, *, applicable_only: bool = False) -> dict[str, str]:
    """``{canonical name: version}`` of every pin in a requirements-format lock.

    With ``applicable_only``, pins whose environment marker does not hold for this interpreter (for example
    ``colorama ; sys_platform == 'win32'``) are left out.
    """
    pins: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line or line[0] in "# " or line.startswith("--"):
            continue
        match = PIN.match(line)
        if match is None:
            raise SystemExit(f"{path}:{number}: not a pinned requirement: {line.strip()}")
        marker = (match.group("marker") or "").strip()
        if applicable_only and marker and not Marker(marker).evaluate():
            continue
        pins[canonicalize_name(match.group("name"))] = match.group("version")
    return pins


def installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}


def verify(lock: Path) -> list[str]:
    """Every difference between this environment and the lock, one line each (empty when they agree)."""
    wanted = read_lock(lock, applicable_only=True)
    have = installed()
    problems = [
        f"{name}: locked {version}, installed {have.get(name, 'nothing')}"
        for name, version in sorted(wanted.items())
        if have.get(name) != version
    ]
    problems += [
        f"{name} {version} is installed but not in {lock.name}"
        for name, version in sorted(have.items())
        if name not in wanted and name not in NOT_LOCKED
    ]
    return problems


def diff(old: Path, new: Path) -> list[str]:
    """Packages whose pinned version differs between two locks, and packages added or dropped."""
    before, after = read_lock(old), read_lock(new)
    lines = []
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name), after.get(name)
        if was == now:
            continue
        if was is None:
            lines.append(f"  + {name} {now} (new)")
        elif now is None:
            lines.append(f"  - {name} {was} (no longer needed)")
        else:
            lines.append(f"  ~ {name} {was} -> {now}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "verify", help="fail unless this environment holds exactly the locked versions"
    )
    check.add_argument("lock", type=Path)
    compare = commands.add_parser("diff", help="list the packages whose versions differ between two locks")
    compare.add_argument("old", type=Path)
    compare.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "verify":
        problems = verify(args.lock)
        for problem in problems:
            print(f"lock mismatch: {problem}", file=sys.stderr)
        if problems:
            print(f"the environment differs from {args.lock}; run `make clean install`", file=sys.stderr)
        return 1 if problems else 0
    changes = diff(args.old, args.new)
    print(f"{len(changes)} packages would change:" if changes else "no package would change")
    print("\n".join(changes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
