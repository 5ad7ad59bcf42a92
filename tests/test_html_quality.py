"""Valid HTML (W3C Nu checker) on every page type, and the weight of the shared CSS and JS."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cli import main

from .conftest import ROOT, SAMPLE, corpus_path

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _need(condition: bool, message: str) -> None:
    if not condition:
        if os.environ.get("EVENTSITE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)


def _pages(site: Path) -> list[Path]:
    names = ["index.html", "schedule.html", "tracks.html", "rooms.html", "speakers.html"]
    pages = [site / p for p in [*names, "coc.html", "offline.html", "404.html"]]
    pages += sorted((site / "sessions").glob("*.html")) + sorted((site / "speakers").glob("*.html"))
    return [p for p in pages if p.is_file()]


@pytest.mark.parametrize("dataset", ["sample", "FOSSASIASummit2017"])
def test_nu_html_checker_finds_no_error(tmp_path: Path, dataset: str) -> None:
    _need(VNU.is_file(), f"vnu.jar not found at {VNU} (npm install --no-save vnu-jar)")
    _need(shutil.which("java") is not None, "java not found (needed by the Nu HTML checker)")
    src = SAMPLE if dataset == "sample" else corpus_path("openevent", dataset)
    site = tmp_path / "site"
    assert main([str(src), "-o", str(site), "-q", "--no-remote"]) == 0
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *map(str, _pages(site))],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[:5000]


def test_shared_css_and_js_weight(tmp_path: Path) -> None:
    src = corpus_path("openevent", "FOSSASIASummit2017")
    site = tmp_path / "site"
    assert main([str(src), "-o", str(site), "-q", "--no-remote"]) == 0
    js = sum(len(gzip.compress(p.read_bytes(), 9)) for p in (site / "assets/js").glob("*.js"))
    css = sum(len(gzip.compress(p.read_bytes(), 9)) for p in (site / "assets/css").glob("*.css"))
    js += len(gzip.compress((site / "sw.js").read_bytes(), 9))
    assert js <= 20_000, js
    assert css <= 25_000, css
