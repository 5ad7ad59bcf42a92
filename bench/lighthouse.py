"""Lighthouse (mobile) scores of built sites: the home page, the schedule and the first session.

Run from the project root:  python bench/lighthouse.py [--runs 1] [--checkout DIR] [--gzip]
                            [--site NAME ...] [--page home|schedule|session ...]
Builds FOSSASIASummit2017 and FOSDEM 2020 from ../shared/corpus with --no-remote into
/tmp/bench-lighthouse/, serves them with Python's http.server on 127.0.0.1 and runs
`npx lighthouse` (mobile form factor and throttling, the defaults) with
CHROME_PATH=/usr/bin/chromium on each page. Prints the four category scores per page, PASS/FAIL
against the targets (performance >= 95, accessibility 100, best practices 100, SEO >= 95) and,
for every category under target, the audits that cost it points. Reports are kept in
/tmp/bench-lighthouse/reports/. Lighthouse is installed into ./node_modules (gitignored) when
missing. --site and --page measure only some of the six pages (quicker while iterating).
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
WORK = Path("/tmp/bench-lighthouse")
CHROME = "/usr/bin/chromium"
# Lighthouse 13 needs Node >= 22.19; 12 runs on the Node 20 installed here.
LIGHTHOUSE = "lighthouse@12"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 95}
SITES = {
    "FOSSASIASummit2017": (CORPUS / "openevent" / "FOSSASIASummit2017", []),
    "fosdem-2020": (
        CORPUS / "frab-xml" / "fosdem-2020.schedule.xml",
        ["--timezone", "Europe/Brussels"],
    ),
}

PAGES = ("home", "schedule", "session")


def ensure_lighthouse() -> None:
    """Install Lighthouse into ./node_modules unless it is there."""
    if (ROOT / "node_modules" / ".bin" / "lighthouse").exists():
        return
    # Without a package.json, `npm install --no-save X` removes every package it was not told
    # about (npm/cli#1460): name the ones already installed (axe-core, vnu-jar) to keep them.
    keep = [f"{name}@{version}" for name, version in _installed().items()]
    cmd = ["npm", "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund"]
    print(f"installing {LIGHTHOUSE} into {ROOT / 'node_modules'} ...", file=sys.stderr)
    subprocess.run([*cmd, LIGHTHOUSE, *keep], cwd=ROOT, check=True)


def _installed() -> dict[str, str]:
    """Top-level packages in ./node_modules and their versions."""
    found: dict[str, str] = {}
    base = ROOT / "node_modules"
    if not base.is_dir():
        return found
    for manifest in [*base.glob("*/package.json"), *base.glob("@*/*/package.json")]:
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data.get("name"), str) and isinstance(data.get("version"), str):
            found[data["name"]] = data["version"]
    return found


def build_site(name: str, checkout: Path, base_url: str | None) -> Path:
    """Build one corpus event into WORK/sites/<name> with `checkout`'s build.py."""
    source, flags = SITES[name]
    out = WORK / "sites" / name
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, str(checkout / "build.py"), str(source), "-o", str(out), "-q"]
    cmd += ["--no-remote", *flags]
    if base_url:
        cmd += ["--base-url", base_url]
    subprocess.run(cmd, cwd=checkout, check=True)
    return out


def first_session(site: Path) -> str:
    """The first session page linked from the schedule (in document order)."""
    html = (site / "schedule.html").read_text(encoding="utf-8")
    match = re.search(r'href="(sessions/[^"#?]+\.html)"', html)
    if match:
        return match.group(1)
    return sorted(p.relative_to(site).as_posix() for p in (site / "sessions").glob("*.html"))[0]


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, quietly; with --gzip, text compressed as a production host would."""

    compress = False
    _TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".webmanifest", ".ics")

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: Lighthouse's requests would bury the report."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and accepts and path.is_file() and path.suffix in self._TEXT):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(folder: Path, use_gzip: bool) -> http.server.ThreadingHTTPServer:
    """A server for `folder` on 127.0.0.1 (any free port), running in a daemon thread."""
    handler = type("Handler", (_Handler,), {"compress": use_gzip})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    """One Lighthouse run of `url`; the parsed JSON report."""
    cmd = [
        "npx",
        "--no-install",
        "lighthouse",
        url,
        "--output=json",
        f"--output-path={report}",
        "--only-categories=" + ",".join(CATEGORIES),
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": CHROME}
    report.unlink(missing_ok=True)  # never read a previous run's report
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not report.is_file():
        raise RuntimeError(f"lighthouse failed on {url}: {proc.stderr.strip()[-800:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def scores(lhr: dict[str, Any]) -> dict[str, float | None]:
    """Category scores out of 100 (None when Lighthouse could not score one)."""
    out: dict[str, float | None] = {}
    for cat in CATEGORIES:
        score = lhr["categories"].get(cat, {}).get("score")
        out[cat] = None if score is None else round(score * 100)
    return out


def losing_audits(lhr: dict[str, Any], category: str, limit: int = 8) -> list[str]:
    """The audits that cost `category` points (weighted first), as printable lines."""
    audits = lhr["audits"]
    weighted, other = [], []
    for ref in lhr["categories"][category]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if (
            score is None
            or score >= 1
            or audit.get("scoreDisplayMode") in ("manual", "notApplicable")
        ):
            continue
        line = f"{ref['id']} — {audit.get('title', '')} — score {score:.2f}"
        if audit.get("displayValue"):
            line += f" ({audit['displayValue']})"
        if ref.get("weight", 0) > 0:
            weighted.append((ref["weight"] * (1 - score), f"{line}, weight {ref['weight']}"))
        elif score < 0.9:
            other.append((1 - score, f"{line}, weight 0 (diagnostic)"))
    ranked = sorted(weighted, reverse=True) + sorted(other, reverse=True)
    return [line for _, line in ranked[:limit]]


def render(rows: list[tuple[str, str, dict[str, float | None], list[str]]], runs: int) -> str:
    """The scores table, PASS/FAIL per page and the audits behind every miss."""
    lines = [
        "| site | page | performance | accessibility | best practices | SEO | verdict |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for site, page, median, misses in rows:
        cells = " | ".join(_score(median[cat]) for cat in CATEGORIES)
        verdict = "FAIL" if misses else "PASS"
        lines.append(f"| {site} | {page} | {cells} | {verdict} |")
    targets = ", ".join(f"{cat} >= {limit}" for cat, limit in TARGETS.items())
    lines += ["", f"Targets: {targets}; {'median of ' + str(runs) if runs > 1 else '1 run'}."]
    for site, page, _, misses in rows:
        if misses:
            lines += ["", f"{site} {page}:", *misses]
    return "\n".join(lines)


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def measure_page(name: str, origin: str, page: str, runs: int) -> tuple[dict, list[str]]:
    """Median category scores of `runs` Lighthouse runs of one page, and its misses."""
    reports = []
    for i in range(runs):
        stem = f"{name}-{Path(page).stem[:40]}-{i + 1}"
        lhr = run_lighthouse(f"{origin}{name}/{page}", WORK / "reports" / f"{stem}.json")
        reports.append(lhr)
        # benchmarkIndex: Lighthouse's measure of this machine's speed right now; a busy
        # machine scores lower and makes the simulated performance numbers worse.
        index = lhr.get("environment", {}).get("benchmarkIndex")
        print(f"{name} {page} run {i + 1}: {scores(lhr)}, benchmarkIndex {index}", file=sys.stderr)
    median = {cat: _median([scores(r)[cat] for r in reports]) for cat in CATEGORIES}
    # The audits of the run with the median performance score are the ones that explain it.
    typical = sorted(reports, key=lambda r: scores(r)["performance"] or 0)[len(reports) // 2]
    misses = []
    for cat in CATEGORIES:
        value = median[cat]
        if value is None or value < TARGETS[cat]:
            misses.append(f"  {cat} {_score(value)} (target {TARGETS[cat]}):")
            misses += [f"    {line}" for line in losing_audits(typical, cat)]
    return median, misses


def main(argv: list[str] | None = None) -> int:
    """Build, serve, run Lighthouse on every page, print the scores and the losing audits."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median score)")
    parser.add_argument(
        "--checkout", type=Path, default=ROOT, help="project checkout whose build.py builds"
    )
    parser.add_argument("--gzip", action="store_true", help="serve text gzip-compressed")
    parser.add_argument(
        "--base-url", action="store_true", help="build with the server's address as --base-url"
    )
    parser.add_argument(
        "--site", action="append", choices=list(SITES), help="only this site (repeatable)"
    )
    parser.add_argument(
        "--page", action="append", choices=list(PAGES), help="only this page (repeatable)"
    )
    args = parser.parse_args(argv)
    sites = args.site or list(SITES)
    kinds = args.page or list(PAGES)
    ensure_lighthouse()
    (WORK / "reports").mkdir(parents=True, exist_ok=True)
    (WORK / "sites").mkdir(parents=True, exist_ok=True)
    server = serve(WORK / "sites", args.gzip)
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        for name in sites:
            base_url = f"{origin}{name}/" if args.base_url else None
            site = build_site(name, args.checkout.resolve(), base_url)
            pages = {"home": "index.html", "schedule": "schedule.html"}
            pages["session"] = first_session(site)
            for page in (pages[kind] for kind in PAGES if kind in kinds):
                median, misses = measure_page(name, origin, page, args.runs)
                rows.append((name, page, median, misses))
    finally:
        server.shutdown()
    print(render(rows, args.runs))
    return 1 if any(misses for *_, misses in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
