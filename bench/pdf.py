"""Benchmark of the leaflet pipeline, measured side by side in one run (ratios, not absolute times).

    .venv/bin/python bench/pdf.py [--quick]

(a) our pipeline (Jinja render + restricted fetcher + tagged, reproducible PDF) against bare WeasyPrint
    rendering the same HTML to the same kind of PDF (PDF/UA-1, tagged) — target: overhead at most 10%;
    also printed: bare WeasyPrint with its defaults (untagged), to show what tagging itself costs;
(b) `scarleaflets build --jobs 2` against `--jobs 1`, cold, on the full matrix — target: at least 1.7×;
(c) a second build with nothing changed against a cold build — target: at most 3%;
(d) after editing one catalog, only that locale's leaflets are rebuilt;
(e) what drawing offset marks in place costs (``leaflets/placed_glyphs.py``): the PDF renderer on Arabic and
    Hindi leaflets, against the same renderer drawing them as WeasyPrint does — target: at most 5% more;
and the peak memory (RSS) of the largest build process.

Everything runs on a scratch copy of the project; the working tree is not touched. The machine is shared
and noisy: runs are interleaved and medians are reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import weasyprint

from scarleaflets import i18n
from scarleaflets.brands import load_brands
from scarleaflets.config import open_project
from scarleaflets.content import load_content
from scarleaflets.leaflets import placed_glyphs
from scarleaflets.leaflets.fonts import load_fonts
from scarleaflets.leaflets.pdf import PDF_VARIANT, PdfRenderer
from scarleaflets.leaflets.render import LeafletRenderer, LeafletSource

SAMPLE = [
    ("riverside", "en_GB", "scar-types"),
    ("riverside", "ar", "lasers"),
    ("riverside", "hi", "causes"),
    ("riverside", "ru", "microneedling"),
    ("harbor", "zh_Hans", "chemical-peels"),
    ("harbor", "es", "marks-vs-scars"),
    ("harbor", "vi", "aftercare"),
]


def scratch_copy() -> Path:
    target = Path(tempfile.mkdtemp(prefix="scarleaflets-bench-")) / "project"
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "output", "__pycache__", "*.mo", ".mypy_cache", ".ruff_cache"
    )
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def overhead(project_root: Path, rounds: int) -> tuple[float, float]:
    """(a): per document, our whole pipeline vs bare WeasyPrint on the same HTML, interleaved.

    Returns (ours / bare with the same PDF options, ours / bare with WeasyPrint's defaults)."""
    project = open_project(project_root)
    today = dt.date.today()
    content = load_content(project.root, today)
    brands = load_brands(project.root, i18n.discover_locales(project))
    html_renderer = LeafletRenderer(project, content, load_fonts(project))
    pdf_renderer = PdfRenderer(project.root)
    ours: list[float] = []
    bare: list[float] = []
    untagged: list[float] = []
    for _ in range(rounds):
        for brand, locale, topic in SAMPLE:
            translator = i18n.Translator.load(project, locale)
            manifest = i18n.read_manifest(project, locale, [])
            start = time.perf_counter()
            html, when = html_renderer.render(
                LeafletSource(brands[brand], locale, topic), translator, manifest
            )
            pdf_renderer.render(html, when, b"bench")
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            weasyprint.HTML(string=html, base_url=project.root.as_uri() + "/").write_pdf(
                pdf_variant=PDF_VARIANT
            )
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            weasyprint.HTML(string=html, base_url=project.root.as_uri() + "/").write_pdf()
            untagged.append(time.perf_counter() - start)
    return sum(ours) / sum(bare), sum(ours) / sum(untagged)


def placed_cost(project_root: Path, rounds: int) -> float:
    """(e): per document, PDF rendering with placed glyphs / with WeasyPrint's offset drawing, interleaved."""
    project = open_project(project_root)
    content = load_content(project.root, dt.date.today())
    brands = load_brands(project.root, i18n.discover_locales(project))
    html_renderer = LeafletRenderer(project, content, load_fonts(project))
    pdf_renderer = PdfRenderer(project.root)
    documents = []
    for brand, locale, topic in [(b, loc, t) for b, loc, t in SAMPLE if loc in ("ar", "hi")] + [
        ("riverside", "ar", "marks-vs-scars"),
        ("riverside", "hi", "lasers"),
    ]:
        translator = i18n.Translator.load(project, locale)
        manifest = i18n.read_manifest(project, locale, [])
        documents.append(
            html_renderer.render(LeafletSource(brands[brand], locale, topic), translator, manifest)
        )
    place = placed_glyphs.place
    placed: list[float] = []
    offset: list[float] = []
    for round_ in range(rounds + 1):  # the first round warms both up (fonts parsed once per process)
        for html, when in documents:
            placed_glyphs.place = place
            start = time.perf_counter()
            pdf_renderer.render(html, when, b"bench")
            elapsed_placed = time.perf_counter() - start
            placed_glyphs.place = lambda stream, textbox: 0
            start = time.perf_counter()
            pdf_renderer.render(html, when, b"bench")
            elapsed_offset = time.perf_counter() - start
            if round_:
                placed.append(elapsed_placed)
                offset.append(elapsed_offset)
    placed_glyphs.place = place
    return sum(placed) / sum(offset)


def build(project_root: Path, out: Path, *args: str) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "scarleaflets",
            "--project",
            str(project_root),
            "build",
            "--out",
            str(out),
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"build failed:\n{completed.stdout}\n{completed.stderr}")
    line = completed.stdout.strip().splitlines()[0]
    counts = {"built": int(line.split(": ")[1].split(" built")[0])}
    counts["unchanged"] = int(line.split(" built")[1].split(", ")[1].split(" unchanged")[0])
    return elapsed, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="one brand and two locales instead of the full matrix"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the interleaved overhead measurement"
    )
    options = parser.parse_args()
    project_root = scratch_copy()
    scope = ["--brand", "riverside", "--locale", "en_GB", "--locale", "ar"] if options.quick else []
    results: dict[str, object] = {
        "date": dt.date.today().isoformat(),
        "scope": "quick" if options.quick else "full matrix",
    }

    ratio_a, ratio_untagged = overhead(project_root, options.rounds)
    print(
        f"(a) pipeline / bare WeasyPrint (same HTML, same PDF/UA-1 options), {len(SAMPLE)} leaflets x "
        f"{options.rounds}: {ratio_a:.3f} ({(ratio_a - 1) * 100:+.1f}%; target <= +10%); "
        f"against untagged defaults: {ratio_untagged:.3f}"
    )
    results["a_overhead_ratio"] = round(ratio_a, 4)
    results["a_vs_untagged_ratio"] = round(ratio_untagged, 4)

    ratio_e = placed_cost(project_root, options.rounds)
    print(
        f"(e) Arabic and Hindi PDFs with marks drawn in place / drawn with WeasyPrint's offsets, 4 leaflets x "
        f"{options.rounds}: {ratio_e:.3f} ({(ratio_e - 1) * 100:+.1f}%; target <= +5%)"
    )
    results["e_placed_ratio"] = round(ratio_e, 4)

    work = project_root.parent
    times1, times2 = [], []
    for attempt in range(2):  # interleaved: jobs 1, jobs 2, jobs 1, jobs 2
        t1, c1 = build(project_root, work / f"j1-{attempt}", "--jobs", "1", *scope)
        t2, _ = build(project_root, work / f"j2-{attempt}", "--jobs", "2", *scope)
        times1.append(t1)
        times2.append(t2)
        documents = c1["built"]
    speedup = statistics.median(times1) / statistics.median(times2)
    print(
        f"(b) cold build of {documents} leaflets, --jobs 1 / --jobs 2: {speedup:.2f}x "
        f"(medians {statistics.median(times1):.1f}s / {statistics.median(times2):.1f}s; target >= 1.7x)"
    )
    results["b_jobs2_speedup"] = round(speedup, 3)
    results["documents"] = documents

    noop = []
    for _ in range(3):
        elapsed, counts = build(project_root, work / "j2-0", "--jobs", "2", *scope)
        assert counts["built"] == 0, counts
        noop.append(elapsed)
    ratio_c = statistics.median(noop) / statistics.median(times2)
    print(
        f"(c) build with nothing changed / cold build (--jobs 2): {ratio_c * 100:.2f}% "
        f"(median {statistics.median(noop):.2f}s; target <= 3%)"
    )
    results["c_noop_ratio"] = round(ratio_c, 4)

    catalog = project_root / "locales" / "ar" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("# ", "# edited for the benchmark\n# ", 1),
        encoding="utf-8",
    )
    _, counts = build(project_root, work / "j2-0", "--jobs", "2", *scope)
    manifest = json.loads((work / "j2-0" / "manifest.json").read_text())
    ar_docs = sum(1 for key in manifest["documents"] if "/ar/" in key)
    print(
        f"(d) after editing the ar catalog: {counts['built']} rebuilt, {counts['unchanged']} unchanged "
        f"(ar leaflets: {ar_docs}; target: exactly those)"
    )
    results["d_rebuilt"] = counts["built"]
    results["d_expected"] = ar_docs

    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of the largest build process (one worker): {peak_mb:.0f} MB")
    results["peak_rss_mb"] = round(peak_mb)
    print(json.dumps(results))
    shutil.rmtree(project_root.parent, ignore_errors=True)
    ok = (
        ratio_a <= 1.10
        and speedup >= 1.7
        and ratio_c <= 0.03
        and counts["built"] == ar_docs
        and ratio_e <= 1.05
    )
    print("all targets met" if ok else "some targets missed (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
