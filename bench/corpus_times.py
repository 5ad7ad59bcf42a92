"""Build time of the sample event and of every corpus dataset: median of N fresh CLI runs.

    python bench/corpus_times.py [--repeat 5] [--badges]

Each run is a new `python build.py SRC -o OUT -q --no-remote` process, so the figure includes
interpreter start-up, as an organiser would see it. Also prints the gzipped weight of each page
type and the sizes of the service worker's app shell and of the full offline download.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
CASES = [
    ("sample", ROOT / "sample_events" / "harbour-open-tech-2026", []),
    ("FOSSASIASummit2017", CORPUS / "openevent" / "FOSSASIASummit2017", []),
    ("FOSSASIASummit2018", CORPUS / "openevent" / "FOSSASIASummit2018", []),
    ("OpenTechSummit2017", CORPUS / "openevent" / "OpenTechSummit2017", []),
    ("SparkSummit17", CORPUS / "openevent" / "SparkSummit17", []),
    ("cccamp2019", CORPUS / "c3voc" / "cccamp2019.schedule.json", []),
    ("39c3-himmel", CORPUS / "c3voc" / "39c3-himmel.schedule.json", []),
    (
        "fosdem-2020",
        CORPUS / "frab-xml" / "fosdem-2020.schedule.xml",
        ["--timezone", "Europe/Brussels"],
    ),
]


def timed(cmd: list[str]) -> float:
    """Wall time of one command, which must succeed."""
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def weights(site: Path) -> dict[str, int]:
    """Gzipped bytes of one page of each type, and of all CSS and all JS."""
    out = {p: gz(site / p) for p in ("index.html", "schedule.html", "tracks.html", "rooms.html",
                                     "speakers.html") if (site / p).is_file()}  # fmt: skip
    for folder in ("sessions", "speakers"):
        pages = sorted((site / folder).glob("*.html"))
        if pages:
            out[f"{folder}/ (median)"] = int(statistics.median(gz(p) for p in pages))
    out["all CSS"] = sum(gz(p) for p in (site / "assets/css").glob("*.css"))
    out["all JS"] = sum(gz(p) for p in (site / "assets/js").glob("*.js")) + gz(site / "sw.js")
    return out


def offline_sizes(site: Path) -> tuple[int, int]:
    """(app shell bytes, full offline download bytes)."""
    shell = json.loads(re.search(r"PRECACHE = (\[.*?\]);", (site / "sw.js").read_text()).group(1))
    shell_bytes = sum((site / p).stat().st_size for p in shell if p != "./")
    return shell_bytes, json.loads((site / "offline.json").read_text())["bytes"]


def main() -> None:
    """Run every case and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--badges", action="store_true", help="also time `badges` per case")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="eventsite-times-"))
    print(
        "| dataset | median build (s) | runs | shell | full offline |"
        + (" badges (s) |" if args.badges else "")
    )
    print("|---|---|---|---|---|" + ("---|" if args.badges else ""))
    sites = {}
    try:
        for name, src, extra in CASES:
            if not src.exists():
                print(f"| {name} | skipped: {src} not found | | | |")
                continue
            out = work / name
            runs = []
            for _ in range(args.repeat):
                shutil.rmtree(out, ignore_errors=True)
                cmd = [
                    sys.executable,
                    "build.py",
                    str(src),
                    "-o",
                    str(out),
                    "-q",
                    "--no-remote",
                    *extra,
                ]
                runs.append(timed(cmd))
            shell, full = offline_sizes(out)
            each = ", ".join(f"{r:.2f}" for r in runs)
            median = statistics.median(runs)
            sizes = f"{shell / 1e3:.0f} KB | {full / 1e6:.1f} MB"
            line = f"| {name} | {median:.2f} | {each} | {sizes} |"
            if args.badges:
                pdf = work / f"{name}.pdf"
                cmd = [sys.executable, "build.py", "badges", str(src), "-o", str(pdf), "-q",
                       "--no-remote", *extra]  # fmt: skip
                line += f" {statistics.median(timed(cmd) for _ in range(args.repeat)):.2f} |"
            print(line, flush=True)
            sites[name] = out
        print("\nGzipped weight of each page type (bytes):")
        for name, site in sites.items():
            print(f"- {name}: " + ", ".join(f"{k} {v:,}" for k, v in weights(site).items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
