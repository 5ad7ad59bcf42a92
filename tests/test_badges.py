"""Badges: a print-ready PDF of speaker and attendee badges (generator/badges.py)."""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pypdf
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from PIL import Image

from generator import badges_layout as bl
from generator.badges import (
    BadgeOptions,
    BadgeResult,
    add_badges_parser,
    build_badges,
    read_attendees,
    render_badges,
    run_badges,
)
from generator.badges_layout import Person, fit_text, page_grid, sort_people
from generator.errors import ConfigError, EventsiteError, InputError
from generator.log import BuildLog

from .conftest import SAMPLE, base_files, corpus_path, write_event

FIXTURES = Path(__file__).parent / "fixtures" / "badges"
A4_PT = (595.28, 841.89)
LETTER_PT = (612.0, 792.0)
LONG_NAME = "Maximilian Alexander Bartholomew von Hohenzollern-Sigmaringen"[:60]


def make(tmp_path: Path, **kw: object) -> tuple[BadgeResult, str, Path]:
    """Build badges into tmp_path/badges.pdf; the result, the log text and the PDF path."""
    kw.setdefault("source", str(SAMPLE))
    out = tmp_path / "badges.pdf"
    stream = io.StringIO()
    result = build_badges(BadgeOptions(output=out, **kw), BuildLog(stream=stream))  # type: ignore[arg-type]
    return result, stream.getvalue(), out


def squash(text: str) -> str:
    """Text without any whitespace, so names wrapped onto two lines still match."""
    return "".join(text.split())


def pdf_text(path: Path) -> str:
    return squash("".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


def page_sizes(path: Path) -> set[tuple[float, float]]:
    return {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in pypdf.PdfReader(path).pages
    }


def sample_speakers() -> list[str]:
    from generator import config, sources
    from generator.sources.common import Reporter

    cfg = config.load({"source": str(SAMPLE)})
    event = sources.normalize(sources.load(cfg), cfg, Reporter())
    return [s.name for s in event.speakers if s.session_ids]


def make_font(path: Path, chars: str) -> Path:
    """A tiny TrueType font with a square glyph for each of `chars` (a stand-in CJK font)."""
    names = [".notdef", "space"] + [f"uni{ord(c):04X}" for c in chars]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in chars}})

    def square():
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 800))
        pen.lineTo((900, 800))
        pen.lineTo((900, 0))
        pen.closePath()
        return pen.glyph()

    fb.setupGlyf({n: TTGlyphPen(None).glyph() if n == "space" else square() for n in names})
    fb.setupHorizontalMetrics({n: (300 if n == "space" else 1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test Squares", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))
    return path


# ---- the sample event ---------------------------------------------------------------------------


def test_sample_event_one_badge_per_speaker_on_a4(tmp_path: Path) -> None:
    result, log, out = make(tmp_path)
    names = sample_speakers()
    assert len(names) == 31
    assert result.badges == result.speakers == 31
    assert result.per_page == 8  # 2 x 4 90x55 mm badges with 6 mm between them fit on A4
    assert result.pages == math.ceil(31 / 8) == len(pypdf.PdfReader(out).pages)
    assert page_sizes(out) == {A4_PT}
    text = pdf_text(out)
    for name in names:
        assert squash(name) in text, name
    assert text.count("SPEAKER") == 31
    assert "HarbourOpenTechSummit2026" in text
    assert "Wrote 31 badges (31 speakers) on 4 pages, 8 per A4 sheet" in log
    assert "SUCCESS  Lay out and draw 31 badges" in log


def test_logo_is_embedded_once(tmp_path: Path) -> None:
    _, _, out = make(tmp_path)
    reader = pypdf.PdfReader(out)
    images = set()
    for page in reader.pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            if ref.get_object()["/Subtype"] == "/Image":
                images.add(ref.idnum)
    assert len(reader.pages) == 4 and len(images) == 1
    assert out.read_bytes().count(b"/Subtype /Image") == 1


def test_letter_sheet_and_page_count(tmp_path: Path) -> None:
    result, log, out = make(tmp_path, sheet="letter")
    assert page_sizes(out) == {LETTER_PT}
    assert result.pages == math.ceil(31 / result.per_page) == len(pypdf.PdfReader(out).pages)
    assert "per Letter sheet" in log


def test_us_badges_without_bleed_fit_six_to_a_letter_sheet(tmp_path: Path) -> None:
    result, _, out = make(tmp_path, sheet="letter", badge="4x3in", bleed=0)
    assert result.per_page == 6 and result.pages == 6
    assert page_sizes(out) == {LETTER_PT}


def test_one_per_page_is_badge_plus_bleed(tmp_path: Path) -> None:
    result, _, out = make(tmp_path, one_per_page=True)
    assert result.pages == 31 == len(pypdf.PdfReader(out).pages)
    w, h = ((90 + 2 * 3) / 25.4 * 72, (55 + 2 * 3) / 25.4 * 72)
    assert page_sizes(out) == {(round(w, 2), round(h, 2))}
    reader = pypdf.PdfReader(out)
    assert [squash(p.extract_text()).count("SPEAKER") for p in reader.pages] == [1] * 31


def test_sort_orders(tmp_path: Path) -> None:
    people = [
        Person("Zoë Zed", "Acme", "Speaker", track="Web", kind="speaker"),
        Person("Ólafur Ás", "", "Speaker", track="Data", kind="speaker"),
        Person("Bea Bee", "Zeta Labs", "Attendee"),
        Person("anna Ant", "acme", "Attendee"),
    ]
    names = lambda by: [p.name for p in sort_people(people, by)]  # noqa: E731
    assert names("name") == ["anna Ant", "Bea Bee", "Ólafur Ás", "Zoë Zed"]
    assert names("organisation") == ["anna Ant", "Zoë Zed", "Bea Bee", "Ólafur Ás"]
    assert names("track") == ["Ólafur Ás", "Zoë Zed", "anna Ant", "Bea Bee"]
    with pytest.raises(ConfigError):
        sort_people(people, "height")
    # The order reaches the PDF: badge n holds the n-th name.
    grid = page_grid("90x55mm", one_per_page=True)
    pdf = tmp_path / "sorted.pdf"
    pdf.write_bytes(render_badges("Conf", sort_people(people, "track"), grid).pdf)
    pages = [squash(p.extract_text()) for p in pypdf.PdfReader(pdf).pages]
    assert [squash(n) in page for n, page in zip(names("track"), pages, strict=True)] == [True] * 4


def test_sort_by_track_groups_sample_speakers(tmp_path: Path) -> None:
    _, _, out = make(tmp_path, sort="track", one_per_page=True)
    bands = []
    for page in pypdf.PdfReader(out).pages:
        ops = page.get_contents().get_data().decode("latin-1")
        bands.append(next(line for line in ops.splitlines() if line.endswith(" rg")))
    # Each track's colour appears in one run: once a colour is left it never comes back.
    runs = [c for i, c in enumerate(bands) if i == 0 or bands[i - 1] != c]
    assert len(runs) == len(set(runs)) >= 3


# ---- attendees ----------------------------------------------------------------------------------


def test_attendees_from_csv_with_bom_accents_and_cyrillic(tmp_path: Path) -> None:
    result, log, out = make(tmp_path, attendees=FIXTURES / "people.csv")
    assert (result.speakers, result.attendees, result.badges) == (31, 4, 35)
    assert result.pages == math.ceil(35 / 8)
    text = pdf_text(out)
    for name in ("Ирина Соколова", "Zoë Ångström-Øberg", "José María Ñúñez", "Łukasz Żółć"):
        assert squash(name) in text, name
    for word in ("Московскийуниверситет", "VOLUNTEER", "STAFF", "ATTENDEE", "CaféSociété"):
        assert word in text
    assert "35 badges (31 speakers, 4 attendees)" in log
    assert "WARNING" not in log


def test_attendee_rows_read_with_roles_and_colours() -> None:
    people = read_attendees(FIXTURES / "people.csv", "people.csv")
    assert [p.role for p in people] == ["Volunteer", "Attendee", "Attendee", "Staff"]
    assert people[1].color == people[2].color != people[0].color != people[3].color
    assert people[0].organisation == "Московский университет"
    marie = read_attendees(FIXTURES / "semicolons.csv")
    assert [(p.name, p.organisation) for p in marie] == [("Marie Curie", "Sorbonne")]


def test_csv_row_without_name_names_its_line() -> None:
    with pytest.raises(InputError) as info:
        read_attendees(FIXTURES / "missing-name.csv", "people.csv")
    assert info.value.message == "people.csv line 4: no name"


def test_csv_line_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text('name,organisation\nAda,"Two\nlines"\n\n,Org\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"^people\.csv line 5: no name$"):
        read_attendees(csv_file, "people.csv")


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("empty.csv", "people.csv: the file is empty"),
        ("no-name-column.csv", "people.csv: no name column"),
    ],
)
def test_bad_csv_gives_clear_error(tmp_path: Path, fixture: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        read_attendees(FIXTURES / fixture, "people.csv")
    assert info.value.message == message
    with pytest.raises(EventsiteError):
        make(tmp_path, attendees=FIXTURES / fixture)
    assert not (tmp_path / "badges.pdf").exists()


def test_csv_header_only_and_not_utf8(tmp_path: Path) -> None:
    header_only = tmp_path / "h.csv"
    header_only.write_text("name,organisation\n", encoding="utf-8")
    with pytest.raises(InputError, match="no attendees below the header row"):
        read_attendees(header_only)
    latin1 = tmp_path / "l.csv"
    latin1.write_bytes("name\nAda\nJosé\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"l\.csv line 3: not UTF-8"):
        read_attendees(latin1, "l.csv")


# ---- layout -------------------------------------------------------------------------------------


def test_fit_text_shrinks_then_wraps_never_wider_than_the_box() -> None:
    measure = lambda text: 0.2 * len(text)  # noqa: E731  mm at 1 pt: every character alike
    short = fit_text("Ada Lovelace", measure, w=80, h=30, max_pt=24, min_pt=12)
    assert short.lines == ("Ada Lovelace",) and short.size == 24
    shrunk = fit_text("Adelaide Lovelace-Byron", measure, w=80, h=30, max_pt=24, min_pt=12)
    assert shrunk.lines == ("Adelaide Lovelace-Byron",) and 12 <= shrunk.size < 24
    wrapped = fit_text("Adelaide Augusta Ada King Lovelace", measure, 80, 30, 24, 12)
    assert len(wrapped.lines) == 2 and wrapped.size >= 12 and not wrapped.below_min
    assert " ".join(wrapped.lines) == "Adelaide Augusta Ada King Lovelace"
    cjk = fit_text("山" * 60, measure, 80, 30, 24, 12)  # no spaces: broken between characters
    assert len(cjk.lines) == 2 and "".join(cjk.lines) == "山" * 60
    for fit in (short, shrunk, wrapped, cjk):
        assert fit.width <= 80 + 1e-9 and fit.height <= 30 + 1e-9


def test_sixty_character_name_stays_inside_its_badge(tmp_path: Path) -> None:
    assert len(LONG_NAME) == 60
    people = [Person(LONG_NAME, "An Organisation With A Rather Long Name Indeed, Ltd.", "Speaker")]
    grid = page_grid("90x55mm")
    rendered = render_badges("Harbour Open Tech Summit 2026", people, grid)
    layout = rendered.layouts[0]
    badge = bl.Box(0, 0, 90, 55)
    name = layout.name
    assert len(name.fit.lines) == 2 and not name.fit.below_min
    assert name.fit.size >= bl.NAME_PT[1]  # the minimum on a 90 x 55 mm badge
    assert name.fit.width <= name.box.w + 1e-9
    assert all(w <= name.box.w + 1e-9 for w in name.fit.widths)
    for placed in (layout.event, layout.name, layout.organisation, layout.role):
        assert placed is not None and badge.contains(placed.box)
        assert placed.fit.width <= placed.box.w + 1e-9
        for x, baseline, _ in placed.lines():
            assert x >= 0 and baseline < 55
    assert layout.name.box.bottom <= layout.organisation.box.y  # type: ignore[union-attr]
    assert layout.organisation.box.bottom <= layout.band.y  # type: ignore[union-attr]
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(rendered.pdf)
    assert squash(LONG_NAME) in pdf_text(pdf)
    assert rendered.warnings == []


@pytest.mark.parametrize("badge", ["90x55mm", "4x3in", "3x4in", "cr80", "a6", "50x30mm"])
def test_every_element_stays_on_the_badge(badge: str) -> None:
    people = [
        Person(LONG_NAME, "Organisation " * 8, "Volunteer at the registration desk"),
        Person("Ng", "", "Speaker"),
        Person("Ólafur Sigurðsson", "Reykjavík Open Source Félag", "Speaker"),
        Person("Supercalifragilisticexpialidociousandthensomemoreletters", "X", "Staff"),
    ]
    grid = page_grid(badge, "a3")
    rendered = render_badges("A Conference With A Fairly Long Name 2026", people, grid)
    card = bl.Box(0, 0, grid.badge.w, grid.badge.h)
    for layout in rendered.layouts:
        placed = [layout.event, layout.name, layout.organisation, layout.role]
        for item in filter(None, placed):
            assert card.contains(item.box), (badge, item)
            assert item.fit.width <= item.box.w + 1e-9
            assert item.fit.height <= item.box.h + 1e-6
        assert layout.event.box.bottom <= layout.name.box.y
        assert layout.name.box.bottom <= layout.band.y


def test_grid_is_centred_with_crop_marks_outside_the_bleed() -> None:
    grid = page_grid("90x55mm", "a4")
    assert (grid.cols, grid.rows) == (2, 4)
    xs = sorted({x for x, _ in grid.origins})
    ys = sorted({y for _, y in grid.origins})
    assert xs[0] == pytest.approx(210 - (xs[-1] + 90))  # centred across...
    assert ys[0] == pytest.approx(297 - (ys[-1] + 55))  # ...and down
    assert xs[1] - (xs[0] + 90) == pytest.approx(6)  # room for both neighbours' 3 mm bleed
    bleed_boxes = [bl.Box(x - 3, y - 3, 96, 61) for x, y in grid.origins]
    page = bl.Box(0, 0, 210, 297)
    assert all(page.contains(b) for b in bleed_boxes)
    assert len(grid.marks) == 2 * 4 + 2 * 8  # 4 vertical cut lines, 8 horizontal, both ends
    for x1, y1, x2, y2 in grid.marks:
        mark = bl.Box(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
        assert page.contains(mark)
        assert not any(_overlaps(mark, b) for b in bleed_boxes)
    no_bleed = page_grid("90x55mm", "a4", bleed=0)
    assert (no_bleed.cols, no_bleed.rows) == (2, 5)


def _overlaps(a: bl.Box, b: bl.Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


@pytest.mark.parametrize(
    ("badge", "sheet", "message"),
    [
        ("4x3", "a4", "--badge '4x3' has no unit"),
        ("huge", "a4", "--badge 'huge' is not a size"),
        ("90x55furlong", "a4", "unknown unit"),
        ("300x200mm", "a4", "does not fit on A4"),
        ("90x55mm", "b5", "--sheet 'b5' is not a size"),
    ],
)
def test_bad_sizes_are_config_errors(badge: str, sheet: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        page_grid(badge, sheet)


def test_named_and_landscape_sizes() -> None:
    assert page_grid("cr80", one_per_page=True).page.w == pytest.approx(85.6 + 6)
    assert page_grid("4x3in", "letter", landscape=True).page.label == "Letter landscape"
    land = page_grid("4x3in", "letter", landscape=True)
    assert (land.page.w, land.page.h) == (279.4, 215.9) and land.per_page == 4


# ---- fonts and scripts --------------------------------------------------------------------------


def test_characters_no_font_has_are_reported_by_person(tmp_path: Path) -> None:
    from generator import badges

    if any(Path(p).is_file() for p in badges.SYSTEM_FALLBACKS):
        pytest.skip("a CJK font is installed here, so no character is missing")
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,organisation\n山田 太郎,東京\nAda,\n", encoding="utf-8")
    result, log, _ = make(tmp_path, attendees=csv_file, speakers=False)
    assert result.badges == 2
    assert "WARNING  badge for 山田 太郎: no font has 山田太郎東京" in log
    assert "U+5C71" in log and "--font FILE" in log


def test_font_flag_adds_a_script(tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,organisation\n山田 太郎,東京\nAda,\n", encoding="utf-8")
    font = make_font(tmp_path / "squares.ttf", "山田太郎東京")
    result, log, out = make(tmp_path, attendees=csv_file, speakers=False, fonts=(font,))
    assert result.badges == 2 and "WARNING" not in log
    assert "山田太郎" in pdf_text(out) and "東京" in pdf_text(out)


def test_font_flag_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        make(tmp_path, fonts=(tmp_path / "nope.ttf",))
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font")
    with pytest.raises(ConfigError, match="not a font that can be embedded"):
        make(tmp_path, fonts=(junk,))


def test_fonts_are_embedded_from_the_project(tmp_path: Path) -> None:
    _, _, out = make(tmp_path)
    data = out.read_bytes()
    assert b"/FontFile2" in data  # embedded TrueType subsets, regular and bold
    assert b"+DejaVuSansBold" in data and b"+DejaVuSansBook" in data
    assert (Path(bl.__file__).parent / "fonts" / "LICENSE").is_file()


# ---- bad input ----------------------------------------------------------------------------------


def _event_with_logo(tmp_path: Path, logo: str, data: bytes | None = None) -> Path:
    files = base_files()
    files["event"]["logo"] = logo
    folder = write_event(tmp_path / "event", files)
    if data is not None:
        (folder / "logo.png").write_bytes(data)
    return folder


def test_unreadable_logo_warns_and_badges_go_without(tmp_path: Path) -> None:
    folder = _event_with_logo(tmp_path, "logo.png", b"\x89PNG\r\n\x1a\n not really")
    result, log, out = make(tmp_path, source=str(folder))
    assert result.badges == 3
    assert "WARNING  event logo logo.png" in log and "without a logo" in log
    assert b"/Subtype /Image" not in out.read_bytes()
    missing = _event_with_logo(tmp_path / "m", "nowhere.png")
    _, log, _ = make(tmp_path, source=str(missing))
    assert "WARNING  event logo nowhere.png" in log


def test_remote_logo_never_holds_badges_up(tmp_path: Path) -> None:
    # A server that accepts connections and never answers.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/logo.png"
        folder = _event_with_logo(tmp_path, url)
        t0 = time.monotonic()
        result, log, _ = make(tmp_path, source=str(folder), logo_timeout=0.5)
        assert time.monotonic() - t0 < 5
    assert result.badges == 3 and "timed out" in log and "without a logo" in log
    _, log, _ = make(tmp_path, source=str(folder), no_remote=True)
    assert "--no-remote: the event logo" in log


def test_no_badges_to_make_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no badges to make"):
        make(tmp_path, speakers=False)


def test_pdf_is_written_whole_with_ordinary_permissions(tmp_path: Path) -> None:
    _, _, out = make(tmp_path)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["badges.pdf"]  # no temporary file left


def test_output_folder_must_exist(tmp_path: Path) -> None:
    stream = io.StringIO()
    options = BadgeOptions(source=str(SAMPLE), output=tmp_path / "no" / "b.pdf")
    with pytest.raises(EventsiteError, match="no such folder"):
        build_badges(options, BuildLog(stream=stream))


# ---- command line -------------------------------------------------------------------------------


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="eventsite")
    add_badges_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["badges", *argv])


def test_cli_flags_reach_the_pdf(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    flags = "--sheet letter --badge 4x3in --bleed 0 --sort organisation --log-format json"
    args = _parse(
        str(SAMPLE), "-o", str(out), "--attendees", str(FIXTURES / "people.csv"), *flags.split()
    )
    assert args.command == "badges" and args.crop_marks and not args.one_per_page
    stream = io.StringIO()
    assert run_badges(args, BuildLog(args.log_format, stream=stream)) == 0
    assert page_sizes(out) == {LETTER_PT}
    assert len(pypdf.PdfReader(out).pages) == math.ceil(35 / 6)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    final = records[-1]
    assert final["type"] == "SUCCESS" and "35 badges" in final["smallMessage"]
    steps = {r["step"] for r in records if r["step"]}
    assert {"Load event data", "Read attendees", "Write the PDF"} <= steps


def test_cli_defaults() -> None:
    args = _parse()
    got = (args.source, args.output, args.badge, args.sheet, args.sort)
    assert got == (None, "badges.pdf", "90x55mm", "a4", "name")
    assert args.bleed == 3.0 and args.font == [] and args.no_remote is None
    with pytest.raises(SystemExit):
        _parse("--sort", "height")


def test_corpus_event_with_remote_logo(tmp_path: Path) -> None:
    source = corpus_path("openevent", "FOSSASIASummit2017")
    result, _, out = make(tmp_path, source=str(source), no_remote=True)
    assert result.badges == 184 and result.pages == 23
    assert len(pypdf.PdfReader(out).pages) == 23


# ---- what a person sees -------------------------------------------------------------------------


def test_first_page_renders_with_the_band_colour(tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        pytest.skip("pdftoppm not found (Debian: apt-get install poppler-utils)")
    _, _, out = make(tmp_path)
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", out, tmp_path / "p"],
        check=True,
        timeout=60,
    )
    img = Image.open(tmp_path / "p.png").convert("RGB")
    w, h = img.size
    assert abs(w - 210 / 25.4 * 80) <= 1.5 and abs(h - 297 / 25.4 * 80) <= 1.5
    colors = img.getcolors(maxcolors=1 << 20)
    assert colors is not None
    dark = sum(n for n, (r, g, b) in colors if r + g + b < 3 * 100)
    assert dark > 2000  # names, logo and crop marks: the page is not blank
    # The first badge (Amara Okonkwo, sorted by name) carries the Data & AI track's green band.
    green = (0x2E, 0x7D, 0x32)
    band = sum(n for n, c in colors if all(abs(a - b) <= 3 for a, b in zip(c, green, strict=True)))
    assert band > 2000
