"""Benchmark of releases and of the commands that run from them, measured side by side in one run (ratios and
counts, not absolute times).

    .venv/bin/python bench/releases.py [--rounds 7] [--jobs 2]

(a) start-up: an idle `send-due` pass (a store holding patients, nothing due) and `enroll` of one patient, each
    against `scarleaflets --help`, interleaved, medians — targets: at most 1.5x and 2x; and neither loads
    WeasyPrint;
(b) a release with nothing changed against a cold release (every leaflet rendered);
(c) after editing one translated message (French): only the French leaflets that hold it are rendered;
(d) after editing one English sentence: only the leaflets that hold it are rendered (English; every other
    language is held back, with its reason, and keeps its older text until it is translated).

A leaflet counts in either edition: riverside releases each one in large print too (its `large_print: true`),
so (c) and (d) expect its large-print leaflets holding the text beside the standard ones.

Everything runs on a scratch copy of the project; the working tree is not touched. The machine is shared and
noisy: runs are interleaved and medians are reported.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/email.py would shadow the standard library's email package (which Babel imports): keep this folder off
# the import path, as bench/email.py does.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TOPIC = "marks-vs-scars"
ENGLISH = "There are two main kinds of marks."  # a sentence of content/topics/marks-vs-scars.yaml
# Run a command in a fresh interpreter and print the modules it loaded (as tests/test_mail_cli.py does).
MODULES = """\
import runpy, sys
sys.argv = ["scarleaflets", *sys.argv[1:]]
try:
    runpy.run_module("scarleaflets", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
print("MODULES", *sorted(sys.modules))
"""


def scratch_copy() -> Path:
    target = Path(tempfile.mkdtemp(prefix="scarleaflets-bench-")) / "project"
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "output", "releases", "var", "__pycache__", "*.mo", ".mypy_cache", ".ruff_cache"
    )
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def scarleaflets(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scarleaflets", "--project", str(project), *args]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, env=ENV)
    if check and completed.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed


ENV = {**os.environ, "SCARLEAFLETS_SECRET": "b" * 64}
ENV.pop("SCARLEAFLETS_SECRET_FILE", None)
ENV.pop("SCARLEAFLETS_RELEASES", None)


def release(project: Path, jobs: int) -> tuple[float, dict[str, dict[str, object]], str]:
    """Make a release; returns (seconds, the leaflets of its manifest, what it printed on stderr)."""
    start = time.perf_counter()
    completed = scarleaflets(project, "release", "--jobs", str(jobs))
    elapsed = time.perf_counter() - start
    number = re.search(r"release (\d+) is current", completed.stdout)
    assert number, completed.stdout
    manifest = json.loads((project / "releases" / number.group(1) / "manifest.json").read_text())
    return elapsed, manifest["leaflets"], completed.stderr


def retranslate(catalog: Path, context: str) -> None:
    """Edit the translation of the first message with ``context``, as a translator would in a PO editor."""
    from scarleaflets.i18n.pofile import read_po, write_po

    messages = read_po(catalog.read_bytes(), locale="fr")
    message = next(m for m in messages if m.context == context and m.string)
    message.string = f"{message.string} (revu)"
    catalog.write_bytes(write_po(messages))


def document(key: str) -> str:
    """The document a leaflet's key names, in either edition: riverside/fr/aftercare-large-print -> aftercare."""
    return key.rsplit("/", 1)[1].removesuffix("-large-print")


def rendered(leaflets: dict[str, dict[str, object]]) -> set[str]:
    return {key for key, entry in leaflets.items() if entry["rendered"]}


def patients(project: Path, count: int) -> Path:
    """A store holding ``count`` patients whose series start in a month: nothing is due now."""
    path = project / "bench-patients.csv"
    start = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                "email",
                "name",
                "locale",
                "brand",
                "series",
                "timezone",
                "start_date",
                "consent_at",
                "consent_source",
            ]
        )
        for n in range(count):
            locale = ("en_GB", "fr", "ar", "hi")[n % 4]  # riverside offers British English, not en
            writer.writerow(
                [
                    f"p{n}@example.org",
                    f"P {n}",
                    locale,
                    "riverside",
                    "acne-education",
                    "Europe/London",
                    start,
                    "2026-11-01T10:00:00+00:00",
                    "bench",
                ]
            )
    scarleaflets(project, "enroll", "--csv", str(path), "--db", f"sqlite:///{project / 'bench.db'}")
    return project / "bench.db"


def startup(project: Path, rounds: int) -> dict[str, float]:
    """(a): medians of `--help`, an idle send-due pass and one enrollment, interleaved."""
    db = f"sqlite:///{patients(project, 200)}"
    box = f"maildir://{project / 'box'}"
    commands = {
        "help": lambda n: ["--help"],
        "send-due": lambda n: ["send-due", "--transport", box, "--db", db],
        "enroll": lambda n: [
            "enroll",
            f"new{n}@example.org",
            "--locale",
            "fr",
            "--brand",
            "riverside",
            "--series",
            "acne-education",
            "--timezone",
            "Europe/Paris",
            "--consent-at",
            "2026-11-01T10:00",
            "--consent-source",
            "bench",
            "--db",
            db,
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for n in range(rounds):
        for name, args in commands.items():
            start = time.perf_counter()
            completed = scarleaflets(project, *args(n))
            times[name].append(time.perf_counter() - start)
            if name == "send-due":
                assert completed.stdout.startswith("0 sent"), completed.stdout
    return {name: statistics.median(values) for name, values in times.items()}


def loads_weasyprint(project: Path, *args: str) -> bool:
    command = [sys.executable, "-c", MODULES, "--project", str(project), *args]
    completed = subprocess.run(command, capture_output=True, text=True, check=True, env=ENV)
    return any(
        name.split(".")[0] == "weasyprint" for name in completed.stdout.rpartition("MODULES ")[2].split()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=7, help="rounds of the interleaved start-up measurement"
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes rendering leaflets")
    options = parser.parse_args()
    project = scratch_copy()
    results: dict[str, object] = {"date": dt.date.today().isoformat()}

    cold, leaflets, _ = release(project, options.jobs)
    noop, again, _ = release(project, options.jobs)
    assert rendered(again) == set(), rendered(again)
    print(
        f"(b) release with nothing changed / cold release ({len(leaflets)} leaflets): {noop / cold * 100:.1f}% "
        f"(medians {noop:.1f}s / {cold:.1f}s)"
    )
    results.update(leaflets=len(leaflets), cold_s=round(cold, 1), b_noop_ratio=round(noop / cold, 4))

    retranslate(project / "locales" / "fr" / "LC_MESSAGES" / "messages.po", f"{TOPIC}/summary")
    _, after_fr, _ = release(project, options.jobs)
    expected_fr = {key for key in after_fr if "/fr/" in key and document(key) in (TOPIC, "complete-guide")}
    print(
        f"(c) after editing one French message: {len(rendered(after_fr))} rendered "
        f"(the French leaflets holding it: {len(expected_fr)}; exactly those: {rendered(after_fr) == expected_fr})"
    )
    results.update(c_rendered=len(rendered(after_fr)), c_expected=len(expected_fr))

    topic = project / "content" / "topics" / f"{TOPIC}.yaml"
    source = topic.read_text(encoding="utf-8")
    assert ENGLISH in source, f"{ENGLISH!r} is not in {topic.name} any more: choose another sentence"
    topic.write_text(source.replace(ENGLISH, ENGLISH.replace("kinds", "types")), encoding="utf-8")
    _, after_en, printed = release(project, options.jobs)
    held = re.findall(r"held back: (\w+): [\d.]+% translated < 100%", printed)
    # The English leaflets, and those of a regional English (en_GB) that takes this sentence from the English
    # source: it is not held back, and its leaflets holding the sentence change too.
    expected_en = {
        key
        for key in after_en
        if key.split("/")[1].split("_")[0] == "en" and document(key) in (TOPIC, "complete-guide")
    }
    print(
        f"(d) after editing one English sentence: {len(rendered(after_en))} rendered (the English and en_GB leaflets "
        f"holding it: {len(expected_en)}; exactly those: {rendered(after_en) == expected_en}); "
        f"{len(held)} languages held back with their reason, still served: {', '.join(held)}"
    )
    results.update(d_rendered=len(rendered(after_en)), d_expected=len(expected_en), d_held_back=len(held))

    medians = startup(project, options.rounds)
    send_ratio = medians["send-due"] / medians["help"]
    enroll_ratio = medians["enroll"] / medians["help"]
    weasy = [
        name
        for name, args in (
            (
                "send-due",
                [
                    "send-due",
                    "--db",
                    f"sqlite:///{project / 'bench.db'}",
                    "--transport",
                    f"maildir://{project / 'box'}",
                ],
            ),
            (
                "enroll",
                [
                    "enroll",
                    "--csv",
                    str(project / "bench-patients.csv"),
                    "--db",
                    f"sqlite:///{project / 'bench.db'}",
                ],
            ),
        )
        if loads_weasyprint(project, *args)
    ]
    print(
        f"(a) idle send-due / --help: {send_ratio:.2f}x (target <= 1.5x); enroll one patient / --help: "
        f"{enroll_ratio:.2f}x (target <= 2x); medians of {options.rounds}: --help {medians['help']:.3f}s, "
        f"send-due {medians['send-due']:.3f}s, enroll {medians['enroll']:.3f}s; "
        f"loading WeasyPrint: {', '.join(weasy) or 'neither'}"
    )
    results.update(
        a_send_ratio=round(send_ratio, 3), a_enroll_ratio=round(enroll_ratio, 3), a_weasyprint=weasy
    )

    print(json.dumps(results))
    shutil.rmtree(project.parent, ignore_errors=True)
    ok = (
        send_ratio <= 1.5
        and enroll_ratio <= 2
        and not weasy
        and rendered(after_fr) == expected_fr
        and rendered(after_en) == expected_en
    )
    print("all targets met" if ok else "some targets missed (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
