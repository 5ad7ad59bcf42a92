"""What the pages show: home, session and speaker pages, track colours, sponsors, no-coc."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.model import contrast_ratio

from .conftest import SAMPLE, base_files, write_event


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.cli import main

    out = tmp_path_factory.mktemp("sample") / "site"
    assert main([str(SAMPLE), "-o", str(out), "-q"]) == 0
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_track_text_is_readable_on_track_colour(sample_site: Path) -> None:
    css = (sample_site / "assets/css/event.css").read_text()
    pairs = []
    for rule in css.splitlines():
        if rule.startswith(".track-"):
            bg = rule.split("--track-bg:")[1].split(";")[0]
            fg = rule.split("--track-fg:")[1].split("}")[0]
            pairs.append((bg, fg))
    assert len(pairs) == 5
    assert ("#ffd54f", "#000000") in pairs  # the sample's track without font-color
    assert all(contrast_ratio(bg, fg) >= 4.5 for bg, fg in pairs)


def test_unreadable_font_colour_from_data_is_replaced(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["tracks"][0].update(color="#ffff00", **{"font-color": "#ffffff"})
    for s in files["sessions"]:
        s["track"] = files["tracks"][0]
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    css = (tmp_path / "site/assets/css/event.css").read_text()
    assert "--track-bg:#ffff00;--track-fg:#000000" in css


def test_home_page(sample_site: Path) -> None:
    home = soup(sample_site / "index.html")
    assert home.h1.get_text() == "Harbour Open Tech Summit 2026"
    text = home.get_text(" ")
    assert "Wednesday 10 June 2026" in text and "Friday 12 June 2026" in text
    assert "Lisboa" in text
    assert home.find("a", string="Get tickets")["href"].startswith("https://")
    assert [h.get_text() for h in home.select(".sponsor-level h3")] == [
        "Platinum Sponsor",
        "Gold Sponsor",
        "Community Partner",
    ]
    assert home.find("span", class_="sponsor-name")  # the sponsor without a logo shows its name
    assert len(home.select("#featured ~ ul .speaker-tile, .speaker-grid .speaker-tile")) == 6
    assert home.select(".social a")


def test_session_page(sample_site: Path) -> None:
    page = next((sample_site / "sessions").glob("*cafe-grade-wi-fi*.html"))
    s = soup(page)
    assert s.h1.get_text().startswith("Café-grade Wi-Fi")
    facts = s.select_one("dl.facts").get_text(" ")
    assert "Room" in facts and "Track" in facts and "Europe/Lisbon" in facts
    speaker_link = s.select_one(".speaker-tile a")["href"]
    assert speaker_link.startswith("../speakers/")
    assert (page.parent / speaker_link).resolve().is_file()
    article = s.select_one("[data-session-id]")
    assert article["data-day"] == "2026-06-10"


def test_session_links(sample_site: Path) -> None:
    with_links = [
        p for p in (sample_site / "sessions").glob("*.html") if soup(p).select(".links a")
    ]
    assert with_links
    kinds = {a["class"][0] for p in with_links for a in soup(p).select(".links a")}
    assert kinds & {"link-video", "link-slides", "link-audio"}


def test_speaker_page(sample_site: Path) -> None:
    pages = sorted((sample_site / "speakers").glob("*.html"))
    assert len(pages) == 31
    s = soup(next(p for p in pages if soup(p).select("#bio")))
    assert s.select(".rich")
    assert s.select("[data-session-id]")
    photo = s.select_one("img.photo")
    assert int(photo["width"]) > 0 and int(photo["height"]) > 0


def test_rejected_only_speaker_and_private_fields_absent(sample_site: Path) -> None:
    blob = "".join(p.read_text(encoding="utf-8") for p in sample_site.rglob("*.html"))
    assert "Maximilian Kraus" not in blob
    import json

    private = set()
    for sp in json.loads((SAMPLE / "speakers").read_text(encoding="utf-8")):
        private |= {sp[k] for k in ("email", "mobile") if sp.get(k)}
    assert private
    assert not [value for value in private if value in blob]
    assert not list((sample_site / "assets/images/speakers").glob("332-*"))


def test_no_code_of_conduct_page_without_one(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["event"]["code-of-conduct"] = ""
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    assert not (tmp_path / "site/coc.html").exists()
    assert "coc.html" not in (tmp_path / "site/index.html").read_text()


def test_after_midnight_social_is_on_its_evening(sample_site: Path) -> None:
    s = soup(sample_site / "schedule.html")
    social = [c for c in s.select("[data-session-id]") if "Harbour night" in c.get_text()]
    assert social and social[0]["data-day"] == "2026-06-11"


def test_calendar_links(sample_site: Path) -> None:
    schedule = soup(sample_site / "schedule.html")
    links = [a["href"] for a in schedule.select(".calendars a")]
    assert links[0].startswith("calendar/") and len(links) == 1 + 5  # event + each track
    assert all((sample_site / href).is_file() for href in links)
    page = next((sample_site / "sessions").glob("*.html"))
    add = soup(page).find("a", string="Add to calendar")
    assert add and (page.parent / add["href"]).resolve().is_file()
    assert add["href"].endswith(page.stem + ".ics")
    home = soup(sample_site / "index.html")
    assert {a["href"] for a in home.select("#apps ~ p a")} >= {"schedule.xml", "schedule.json"}
