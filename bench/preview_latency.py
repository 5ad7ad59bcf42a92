"""Preview latency: from saving a one-session edit to the reloaded page in Chromium.

Run from the project root:  python bench/preview_latency.py [--runs 5]
Each event is copied to a temporary folder (with a copy of the default theme, so unrelated edits
cannot trigger rebuilds), served with `serve`'s Preview on 127.0.0.1 and built with --no-remote.
Chromium opens schedule.html; each run rewrites one session's title in the `sessions` file and
waits for the page to have reloaded with the new title. Prints the median of the runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.log import BuildLog  # noqa: E402
from generator.serve import Preview  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402

EVENTS = {
    "sample harbour-open-tech-2026": ROOT / "sample_events" / "harbour-open-tech-2026",
    "FOSSASIASummit2017": ROOT.parent / "shared" / "corpus" / "openevent" / "FOSSASIASummit2017",
}


def measure(browser: object, source: Path, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from each edit's write to the reloaded page, and the rebuilds' build seconds."""
    with tempfile.TemporaryDirectory(prefix="eventsite-bench-") as tmp:
        event = Path(shutil.copytree(source, Path(tmp) / "event"))
        theme = shutil.copytree(ROOT / "themes" / "default", Path(tmp) / "theme")
        sessions = event / "sessions"
        first = json.loads(sessions.read_text(encoding="utf-8"))[0]
        flags = {"source": str(event), "theme": str(theme), "no_remote": True}
        preview = Preview(flags, BuildLog(stream=io.StringIO()), port=0)
        preview.start()
        context = browser.new_context()  # type: ignore[attr-defined]
        try:
            page = context.new_page()
            page.goto(preview.url + "schedule.html")
            assert preview.wait_until(lambda: preview.clients == 1, 60), "no live reload client"
            title = first["title"]
            seconds = []
            for run in range(runs):
                new = f"{first['title']} (edit {run + 1})"
                text = sessions.read_text(encoding="utf-8")
                old_json, new_json = json.dumps(title)[1:-1], json.dumps(new)[1:-1]
                edited = text.replace(f'"title": "{old_json}"', f'"title": "{new_json}"', 1)
                assert edited != text, "session title not found"
                with page.expect_event("load", timeout=60_000):
                    t0 = time.perf_counter()
                    sessions.write_text(edited, encoding="utf-8")
                page.wait_for_function("t => document.body.innerText.includes(t)", arg=new)
                seconds.append(time.perf_counter() - t0)
                title = new
                # Start the next run from a quiet preview with the reloaded page connected.
                pages = run + 2  # the first page and one per reload
                assert preview.wait_until(
                    lambda n=pages: preview.connected == n and preview.clients == 1, 60
                )
            return seconds, preview.build_seconds[1:]
        finally:
            context.close()
            preview.stop()


def main() -> int:
    """Measure each event and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            for name, source in EVENTS.items():
                if not source.is_dir():
                    print(f"{name}: not found at {source}, skipped")
                    continue
                seconds, builds = measure(browser, source, args.runs)
                runs = ", ".join(f"{s:.2f}" for s in seconds)
                print(
                    f"{name}: median {statistics.median(seconds):.2f} s from write to reloaded "
                    f"page (runs: {runs}); median rebuild {statistics.median(builds):.2f} s"
                )
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
