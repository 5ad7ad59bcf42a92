"""Every Open Event dataset in the corpus and the sample event build into complete sites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import SAMPLE, broken_local_links, corpus_path

DATASETS = ["FOSSASIASummit2017", "FOSSASIASummit2018", "OpenTechSummit2017", "SparkSummit17"]
PAGES = [
    "index.html",
    "schedule.html",
    "tracks.html",
    "rooms.html",
    "speakers.html",
    "offline.html",
    "404.html",
    "manifest.webmanifest",
    "sw.js",
    ".nojekyll",
]


def _published(folder: Path) -> tuple[int, set[str]]:
    sessions = json.loads((folder / "sessions").read_text(encoding="utf-8"))
    ok = [s for s in sessions if (s.get("state") or "") in ("accepted", "confirmed", "")]
    return len(ok), {str(s["id"]) for s in ok}


@pytest.mark.parametrize("name", DATASETS)
def test_corpus_dataset_builds(name: str, tmp_path: Path, run_cli) -> None:
    src = corpus_path("openevent", name)
    out = tmp_path / "site"
    result = run_cli(src, "-o", out, "--no-remote")
    assert result.code == 0, result.text
    for page in PAGES:
        assert (out / page).is_file(), page
    count, ids = _published(src)
    session_pages = list((out / "sessions").glob("*.html"))
    assert len(session_pages) == count
    assert {p.name.split("-", 1)[0] for p in session_pages} == ids
    assert list((out / "speakers").glob("*.html"))
    assert broken_local_links(out) == []
    schedule = BeautifulSoup((out / "schedule.html").read_text(encoding="utf-8"), "html.parser")
    cards = schedule.select("[data-session-id]")
    assert len(cards) == count
    for card in cards:
        for attr in ("data-track", "data-room", "data-day", "data-start", "data-end"):
            assert card.has_attr(attr)
        assert card["data-start"][-6] in "+-"  # ISO 8601 with offset


def test_sample_event_builds_complete_site(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "site"
    result = run_cli(SAMPLE, "-o", out, "--strict")
    assert result.code == 0, result.text
    for page in [*PAGES, "coc.html"]:
        assert (out / page).is_file(), page
    assert broken_local_links(out) == []
    home = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    levels = [h.get_text() for h in home.select(".sponsor-level h3")]
    assert len(levels) == 3
    classes = [sec["class"] for sec in home.select(".sponsor-level")]
    assert [c[1] for c in classes] == ["level-1", "level-2", "level-3"]
    assert home.select_one("a[href='coc.html']")
    assert home.select(".speaker-tile")  # featured speakers
    logo = home.select_one(".brand img")
    assert logo and int(logo["height"]) <= 45 and int(logo["width"]) <= 110
    assert "srcset" in logo.attrs


def test_every_link_is_relative(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "site"
    assert run_cli(SAMPLE, "-o", out, "--base-url", "https://example.org/ev/").code == 0
    for page in out.rglob("*.html"):
        if page.name == "404.html":
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link", "img", "script"]):
            ref = tag.get("href") or tag.get("src") or ""
            if tag.get("rel") == ["canonical"]:
                continue
            assert not ref.startswith("/"), f"{page}: {ref}"
            assert not ref.startswith("https://example.org"), f"{page}: {ref}"
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/ev/schedule.html"' in not_found


def test_dark_theme_extends_default(tmp_path: Path, run_cli) -> None:
    light, dark = tmp_path / "light", tmp_path / "dark"
    assert run_cli(SAMPLE, "-o", light).code == 0
    assert run_cli(SAMPLE, "-o", dark, "--theme", "dark").code == 0
    light_css = (light / "assets/css/site.css").read_text()
    dark_css = (dark / "assets/css/site.css").read_text()
    assert "color-scheme:dark" in dark_css.replace(" ", "")
    assert "#111418" in dark_css and "#111418" not in light_css
    assert (dark / "schedule.html").is_file()
