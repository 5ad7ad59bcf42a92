"""The pure half of badges: who gets one and in which order, sizes, the grid, text fitting.

Nothing here reads files or draws: lengths are millimetres from the top-left corner (of the page,
or of a badge's trim box), font sizes are points, and text is measured through a function passed
in, so every number can be checked without making a PDF.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import ConfigError
from .model import Event, readable_text_color

SORTS = ("name", "organisation", "track")
NO_TRACK_COLOR = "#455a64"
MM_PER_PT = 25.4 / 72
UNITS = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": MM_PER_PT}

# Paper sizes, portrait (width x height, mm).
SHEETS = {
    "a3": (297.0, 420.0),
    "a4": (210.0, 297.0),
    "a5": (148.0, 210.0),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
    "tabloid": (279.4, 431.8),
}
# Named badge sizes besides any WxH with a unit (90x55mm, 4x3in, 3x4in, 4x6in...).
BADGES = {
    "cr80": (85.6, 53.98),  # the ISO/IEC 7810 ID-1 card that badge printers take
    "business": (85.0, 55.0),
    "a6": (105.0, 148.0),
    "a7": (74.0, 105.0),
}
MIN_SIDE_MM, MAX_SIDE_MM = 20.0, 1200.0
MAX_BLEED_MM = 10.0
# The outer trim lines stay this far from the paper's edge: most printers print that close, so the
# colour band still reaches the cut.
MIN_MARGIN_MM = 5.0
MARK_GAP_MM = 1.0  # between the bleed and a crop mark, so a mark never touches printed colour
MARK_LEN_MM = 6.0
MARK_MIN_MM = 1.5  # shorter than this, a mark is left out rather than squeezed to a dot
# Font sizes (pt) on a 90 x 55 mm badge, largest and smallest before wrapping; they grow with the
# badge's short side, except the small print's minimums, which are already as small as reads.
NAME_PT = (24.0, 11.0)
ORGANISATION_PT = (11.0, 7.0)
EVENT_PT = (9.0, 5.5)
ROLE_PT = (12.0, 6.0)
LINE_SPACING = 1.15  # line pitch as a multiple of the font size
CAP_CENTRE = 0.36  # baseline sits this many font sizes below a line's visual centre (caps/2)

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Size:
    """A width and height in millimetres, with the words the user gave for it."""

    w: float
    h: float
    label: str = ""


@dataclass(frozen=True)
class Box:
    """A rectangle: left, top, width, height (mm)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """The right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """The bottom edge."""
        return self.y + self.h

    def contains(self, other: Box, slack: float = 1e-6) -> bool:
        """Whether `other` lies inside this box."""
        return (
            other.x >= self.x - slack
            and other.y >= self.y - slack
            and other.right <= self.right + slack
            and other.bottom <= self.bottom + slack
        )


def parse_size(text: str, presets: dict[str, tuple[float, float]], flag: str) -> Size:
    """A preset name or "WxH" with a unit (mm, cm, in, pt) as a Size; ConfigError otherwise."""
    key = text.strip().lower()
    if key in presets:
        w, h = presets[key]
        return Size(w, h, key)
    names = ", ".join(presets)
    m = _SIZE.match(key)
    if not m:
        raise ConfigError(
            f"{flag} {text!r} is not a size", f"Give a name ({names}) or WxH with a unit: 90x55mm."
        )
    unit = m.group(3)
    if not unit:
        raise ConfigError(
            f"{flag} {text!r} has no unit", "Add one of mm, cm, in, pt: for example 90x55mm, 4x3in."
        )
    if unit not in UNITS:
        raise ConfigError(f"{flag} {text!r}: unknown unit {unit!r}", "Use mm, cm, in or pt.")
    w, h = (float(m.group(i)) * UNITS[unit] for i in (1, 2))
    if not (min(w, h) >= MIN_SIDE_MM and max(w, h) <= MAX_SIDE_MM):
        raise ConfigError(
            f"{flag} {text!r} is {w:g} x {h:g} mm",
            f"Each side must be between {MIN_SIDE_MM:g} mm and {MAX_SIDE_MM:g} mm.",
        )
    return Size(w, h, f"{m.group(1)}x{m.group(2)}{unit}")


# ---- who gets a badge, in which order -----------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One badge: who, from where, in which role, on which colour."""

    name: str
    organisation: str = ""
    role: str = "Attendee"
    color: str = NO_TRACK_COLOR
    text_color: str = "#ffffff"
    track: str = ""  # the speaker's first track, for sorting
    kind: str = "attendee"  # or "speaker"


# ---- who gets a badge ----------------------------------------------------------------------------


def clean(value: object) -> str:
    """NFC text on one line: precomposed letters are the ones fonts have glyphs for."""
    return unicodedata.normalize("NFC", " ".join(str(value or "").split()))


def speaker_people(event: Event) -> list[Person]:
    """A badge for every speaker with a published session, coloured by their first track."""
    out = []
    for speaker in event.speakers:
        sessions = sorted(
            (event.sessions_by_id[i] for i in speaker.session_ids if i in event.sessions_by_id),
            key=lambda s: (s.start, s.id),
        )
        if not sessions or not clean(speaker.name):
            continue
        tracked = [s for s in sessions if s.track_id in event.tracks_by_id]
        track = event.tracks_by_id[tracked[0].track_id] if tracked else None  # type: ignore[index]
        out.append(
            Person(
                clean(speaker.name),
                clean(speaker.organisation),
                "Speaker",
                track.color if track else NO_TRACK_COLOR,
                track.font_color if track else readable_text_color(NO_TRACK_COLOR),
                clean(track.name) if track else "",
                "speaker",
            )
        )
    return out


def _sort_key(text: str) -> str:
    """Accents and case ignored, so Ólafur sorts with Olga."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_people(people: Iterable[Person], by: str) -> list[Person]:
    """Badges in print order: by name, organisation or track (empty ones last), then name."""
    if by not in SORTS:
        raise ConfigError(f"--sort {by!r}: unknown order", f"Use one of {', '.join(SORTS)}.")
    people = list(people)
    if by == "name":
        return sorted(people, key=lambda p: _sort_key(p.name))
    if by == "organisation":
        return sorted(
            people, key=lambda p: (not p.organisation, _sort_key(p.organisation), _sort_key(p.name))
        )
    return sorted(
        people,
        key=lambda p: (not p.track, _sort_key(p.track), _sort_key(p.role), _sort_key(p.name)),
    )


# ---- pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Where badges go on a page: the page size and the top-left trim corner of each badge."""

    page: Size
    badge: Size
    bleed: float
    cols: int
    rows: int
    origins: tuple[tuple[float, float], ...]  # row by row, left to right
    marks: tuple[tuple[float, float, float, float], ...] = ()  # crop marks: x1, y1, x2, y2

    @property
    def per_page(self) -> int:
        """Badges on one page."""
        return len(self.origins)

    def pages(self, badges: int) -> int:
        """Pages needed for `badges` badges."""
        return math.ceil(badges / self.per_page) if badges else 0


def _count(space: float, item: float, gutter: float) -> int:
    """How many items of `item` mm, `gutter` mm apart, fit in `space` mm."""
    return max(0, math.floor((space + gutter + 1e-9) / (item + gutter)))


def sheet_grid(sheet: Size, badge: Size, bleed: float, crop_marks: bool = True) -> Grid:
    """As many badges as fit, centred, `2 x bleed` apart so no bleed reaches a neighbour."""
    gutter = 2 * bleed
    margin = max(MIN_MARGIN_MM, bleed + MARK_GAP_MM)
    cols = _count(sheet.w - 2 * margin, badge.w, gutter)
    rows = _count(sheet.h - 2 * margin, badge.h, gutter)
    if cols * rows == 0:
        raise ConfigError(
            f"a {badge.w:g} x {badge.h:g} mm badge with {bleed:g} mm bleed does not fit on "
            f"{sheet.label or 'the sheet'} ({sheet.w:g} x {sheet.h:g} mm)",
            "Choose a smaller --badge, a larger --sheet, --landscape or --one-per-page.",
        )
    grid_w = cols * badge.w + (cols - 1) * gutter
    grid_h = rows * badge.h + (rows - 1) * gutter
    left, top = (sheet.w - grid_w) / 2, (sheet.h - grid_h) / 2
    xs = [left + c * (badge.w + gutter) for c in range(cols)]
    ys = [top + r * (badge.h + gutter) for r in range(rows)]
    origins = tuple((x, y) for y in ys for x in xs)
    marks = _crop_marks(sheet, xs, ys, badge, bleed) if crop_marks else ()
    return Grid(sheet, badge, bleed, cols, rows, origins, marks)


def single_grid(badge: Size, bleed: float) -> Grid:
    """One badge per page for badge printers: the page is the badge plus its bleed all round."""
    page = Size(badge.w + 2 * bleed, badge.h + 2 * bleed, f"{badge.label} + bleed")
    return Grid(page, badge, bleed, 1, 1, ((bleed, bleed),))


def page_grid(
    badge: str,
    sheet: str = "a4",
    bleed: float = 3.0,
    *,
    landscape: bool = False,
    one_per_page: bool = False,
    crop_marks: bool = True,
) -> Grid:
    """The grid for the --badge, --sheet, --bleed... flags; ConfigError when it cannot be."""
    if not 0 <= bleed <= MAX_BLEED_MM:
        raise ConfigError(f"--bleed {bleed:g}: give 0 to {MAX_BLEED_MM:g} mm (3 is usual)")
    size = parse_size(badge, BADGES, "--badge")
    if one_per_page:
        return single_grid(size, bleed)
    paper = parse_size(sheet, SHEETS, "--sheet")
    name = paper.label.upper() if paper.label[:1] == "a" else paper.label.capitalize()
    if landscape:
        paper = Size(max(paper.w, paper.h), min(paper.w, paper.h), f"{name} landscape")
    return sheet_grid(
        Size(paper.w, paper.h, paper.label if landscape else name), size, bleed, crop_marks
    )


def _crop_marks(
    sheet: Size, xs: list[float], ys: list[float], badge: Size, bleed: float
) -> tuple[tuple[float, float, float, float], ...]:
    """Marks in the margins, in line with every trim edge, starting just outside the bleed."""
    # Rounded so that edges shared by touching badges (no bleed, no gutter) get one mark.
    cut_x = sorted({round(v, 4) for x in xs for v in (x, x + badge.w)})
    cut_y = sorted({round(v, 4) for y in ys for v in (y, y + badge.h)})
    out: list[tuple[float, float, float, float]] = []
    start = bleed + MARK_GAP_MM
    top, bottom = cut_y[0] - start, cut_y[-1] + start
    left, right = cut_x[0] - start, cut_x[-1] + start
    len_top = min(MARK_LEN_MM, top - MARK_GAP_MM)
    len_bottom = min(MARK_LEN_MM, sheet.h - bottom - MARK_GAP_MM)
    len_left = min(MARK_LEN_MM, left - MARK_GAP_MM)
    len_right = min(MARK_LEN_MM, sheet.w - right - MARK_GAP_MM)
    for x in cut_x:
        if len_top >= MARK_MIN_MM:
            out.append((x, top - len_top, x, top))
        if len_bottom >= MARK_MIN_MM:
            out.append((x, bottom, x, bottom + len_bottom))
    for y in cut_y:
        if len_left >= MARK_MIN_MM:
            out.append((left - len_left, y, left, y))
        if len_right >= MARK_MIN_MM:
            out.append((right, y, right + len_right, y))
    return tuple(out)


# ---- text ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextFit:
    """Text broken into lines at one font size, with each line's width (mm)."""

    lines: tuple[str, ...]
    size: float  # pt
    widths: tuple[float, ...]
    below_min: bool = False  # shrunk under the minimum size: the only way to keep it on the badge

    @property
    def width(self) -> float:
        """The widest line (mm)."""
        return max(self.widths, default=0.0)

    @property
    def pitch(self) -> float:
        """Distance between baselines (mm)."""
        return self.size * MM_PER_PT * LINE_SPACING

    @property
    def height(self) -> float:
        """Height of the block of lines (mm)."""
        return len(self.lines) * self.pitch

    def baselines(self, top: float) -> list[float]:
        """Baseline of each line for a block whose top is at `top`."""
        return [
            top + (i + 0.5) * self.pitch + CAP_CENTRE * self.size * MM_PER_PT
            for i in range(len(self.lines))
        ]


Measure = Callable[[str], float]  # width in mm of a text at 1 pt


def _splits(text: str, by_char: bool) -> list[tuple[str, str]]:
    """Two-line breaks: after spaces and hyphens, or between any two characters."""
    out = []
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if by_char:
            if not unicodedata.combining(b) and not a.isspace() and not b.isspace():
                out.append((text[:i].rstrip(), text[i:].lstrip()))
        elif b.isspace() and not a.isspace():
            out.append((text[:i].rstrip(), text[i:].lstrip()))
        elif a in "-‐/" and not b.isspace() and i > 1:
            out.append((text[:i], text[i:]))
    return [(x, y) for x, y in out if x and y]


def fit_text(
    text: str,
    measure: Measure,
    w: float,
    h: float,
    max_pt: float,
    min_pt: float,
    max_lines: int = 2,
) -> TextFit:
    """Largest size up to `max_pt` on one line; below `min_pt`, two lines; never wider than `w`."""
    text = " ".join(text.split())
    if not text:
        return TextFit((), max_pt, ())

    def size_for(lines: tuple[str, ...]) -> tuple[float, tuple[float, ...]]:
        unit = tuple(measure(line) for line in lines)
        by_height = h / (len(lines) * MM_PER_PT * LINE_SPACING)
        by_width = w / max(unit) if max(unit) > 0 else max_pt
        return min(max_pt, by_width, by_height), unit

    def fit(lines: tuple[str, ...], size: float, unit: tuple[float, ...]) -> TextFit:
        return TextFit(lines, size, tuple(u * size for u in unit), size < min_pt - 1e-9)

    size, unit = size_for((text,))
    best = fit((text,), size, unit)
    if size >= min_pt or max_lines < 2:
        return best
    # Between words when the text has spaces or hyphens (even if that means going under the
    # minimum: a word cut in two reads worse); anywhere only in text without them, such as CJK.
    pairs = _splits(text, by_char=False) or _splits(text, by_char=True)
    for pair in pairs:
        size, unit = size_for(pair)
        if size > best.size + 1e-9:
            best = fit(pair, size, unit)
    return best


# ---- one badge ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """Text fitted into a box; lines are centred in the box, or flush left."""

    fit: TextFit
    box: Box
    align: str = "C"  # "C" or "L"

    def lines(self) -> list[tuple[float, float, str]]:
        """(x, baseline, text) of every line, relative to the badge's top-left corner."""
        top = self.box.y + (self.box.h - self.fit.height) / 2
        out = []
        for line, width, base in zip(
            self.fit.lines, self.fit.widths, self.fit.baselines(top), strict=True
        ):
            x = self.box.x + ((self.box.w - width) / 2 if self.align == "C" else 0.0)
            out.append((x, base, line))
        return out


@dataclass(frozen=True)
class BadgeLayout:
    """Every element of one badge, relative to its trim box's top-left corner (mm)."""

    size: Size
    band: Box  # the colour band, without bleed
    logo: Box | None
    event: Placed
    name: Placed
    organisation: Placed | None
    role: Placed


def badge_layout(
    size: Size,
    name: str,
    organisation: str,
    role: str,
    event_name: str,
    measure: Callable[[str, bool], float],
    logo_aspect: float | None = None,
) -> BadgeLayout:
    """Header (logo, event name), name and organisation in the middle, role on the colour band."""
    w, h = size.w, size.h
    short = min(w, h)
    scale = short / 55  # sizes were chosen on a 90 x 55 mm badge and grow with the short side
    pad = max(2.5, 0.065 * short)
    inner = w - 2 * pad
    header = Box(pad, pad, inner, 0.17 * short)
    band = Box(0.0, h - 0.2 * short, w, 0.2 * short)
    gap = pad / 2

    logo = None
    text_box = header
    if logo_aspect:
        logo_h = min(header.h, 0.32 * inner / logo_aspect)
        logo = Box(pad, header.y + (header.h - logo_h) / 2, logo_h * logo_aspect, logo_h)
        text_box = Box(logo.right + gap, header.y, header.right - logo.right - gap, header.h)
    bold = lambda t: measure(t, True)  # noqa: E731
    event_fit = fit_text(event_name, bold, text_box.w, text_box.h, EVENT_PT[0] * scale, EVENT_PT[1])
    event = Placed(event_fit, text_box, "L" if logo else "C")

    role_box = Box(pad, band.y, inner, band.h)
    role_fit = fit_text(role.upper(), bold, inner, band.h * 0.8, ROLE_PT[0] * scale, ROLE_PT[1])
    placed_role = Placed(role_fit, role_box)

    top, bottom = header.bottom + gap, band.y - gap
    middle = bottom - top
    org_fit = None
    if organisation:
        sizes = (ORGANISATION_PT[0] * scale, ORGANISATION_PT[1] * scale)
        org_fit = fit_text(organisation, lambda t: measure(t, False), inner, 0.4 * middle, *sizes)
    org_h = org_fit.height + gap if org_fit else 0.0
    name_fit = fit_text(name, bold, inner, middle - org_h, NAME_PT[0] * scale, NAME_PT[1] * scale)
    block_top = top + (middle - name_fit.height - org_h) / 2
    placed_name = Placed(name_fit, Box(pad, block_top, inner, name_fit.height))
    placed_org = None
    if org_fit:
        org_top = block_top + name_fit.height + gap
        placed_org = Placed(org_fit, Box(pad, org_top, inner, org_fit.height))
    return BadgeLayout(size, band, logo, event, placed_name, placed_org, placed_role)
