"""Name badges as a print-ready PDF: speakers from the event data, attendees from a CSV file."""

from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .badges_layout import (
    BADGES,
    MM_PER_PT,
    SHEETS,
    SORTS,
    BadgeLayout,
    Grid,
    Person,
    Placed,
    badge_layout,
    clean,
    page_grid,
    sort_people,
    speaker_people,
)
from .errors import ConfigError, EventsiteError, InputError, OutputError
from .log import BuildLog
from .model import readable_text_color
from .sources import FORMATS

FONT_DIR = Path(__file__).resolve().parent / "fonts"
# Band colours for attendee roles, in the order the roles first appear in the CSV.
ROLE_PALETTE = ("#37474f", "#6d4c41", "#00838f", "#5e35b1", "#ef6c00", "#558b2f", "#ad1457")
MAX_CSV_BYTES = 50_000_000
MAX_LOGO_BYTES = 20_000_000
MAX_LOGO_PIXELS = 40_000_000
LOGO_MAX_SIDE = 1200  # px: about 1000 dpi on the widest logo a badge shows; more is only bytes
LOGO_TIMEOUT = 3.0  # s; a remote logo never holds badges up longer than this (plus a second)
# Fonts many systems have for the scripts DejaVu Sans lacks (CJK above all); loaded only when a
# name needs them, the first that has a character wins.
SYSTEM_FALLBACKS = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)


def _header_key(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").replace("_", " ").replace("-", " ").lower().split())


_COLUMNS = {
    "name": ("badge name", "name", "full name", "fullname", "display name", "attendee name"),
    "first": ("first name", "firstname", "given name", "forename"),
    "last": ("last name", "lastname", "surname", "family name"),
    "organisation": ("organisation", "organization", "company", "affiliation", "org", "employer"),
    "role": ("role", "ticket type", "ticket", "type", "category"),
}


def read_attendees(path: Path, label: str | None = None) -> list[Person]:
    """Attendees from a UTF-8 CSV whose header names `name` (or first and last name) and more."""
    label = label or str(path)
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise InputError(f"{label}: larger than {MAX_CSV_BYTES // 1_000_000} MB")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{label} line {line}: not UTF-8 text",
            "Save the file as CSV UTF-8 (Excel: File > Save As > CSV UTF-8).",
        ) from None
    except OSError as exc:
        raise InputError(f"{label}: cannot be read ({exc.strerror or exc})") from None
    if not text.strip():
        raise InputError(f"{label}: the file is empty", "It needs a header row: name,...")
    # Spreadsheets in many locales write ";" (or tabs) instead of commas: the header tells.
    delimiter = max(",;\t", key=text.splitlines()[0].count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_header_key(c) for c in next(reader)]
    cols = {
        k: next((header.index(a) for a in names if a in header), None)
        for k, names in _COLUMNS.items()
    }
    if cols["name"] is None and cols["first"] is None and cols["last"] is None:
        raise InputError(
            f"{label}: no name column",
            f"The header row is: {', '.join(header) or '(empty)'}. Name a column `name` "
            "(or `first name` and `last name`); `organisation` and `role` are optional.",
        )
    people: list[Person] = []
    problems: list[str] = []
    colors: dict[str, str] = {}
    line = reader.line_num + 1  # where the next row starts: quoted fields may span lines
    try:
        for row in reader:
            cells = {
                k: clean(row[i]) if i is not None and i < len(row) else "" for k, i in cols.items()
            }
            name = cells["name"] or clean(f"{cells['first']} {cells['last']}")
            if not name and any(c.strip() for c in row):
                problems.append(f"{label} line {line}: no name")
            elif name:
                role = cells["role"] or "Attendee"
                color = colors.setdefault(
                    role.casefold(), ROLE_PALETTE[len(colors) % len(ROLE_PALETTE)]
                )
                people.append(
                    Person(name, cells["organisation"], role, color, readable_text_color(color))
                )
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{label} line {reader.line_num}: not valid CSV ({exc})") from None
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        hint = "Every row needs a name: fill it in or delete the row."
        raise InputError(problems[0] + more, "\n".join([*problems[1:], hint]))
    if not people:
        raise InputError(f"{label}: no attendees below the header row")
    return people


# ---- the logo -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Logo:
    """The event logo as PNG bytes (flattened on white) and its width / height."""

    png: bytes
    aspect: float


def decode_logo(data: bytes) -> Logo:
    """PNG bytes for a raster logo; ValueError saying why when it cannot be used."""
    from PIL import Image, ImageOps

    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<svg", b"<?xml", b"<!")):
        raise ValueError("is an SVG image, which badges cannot use yet (give a PNG or JPEG)")
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(f"is larger than {MAX_LOGO_BYTES // 1_000_000} MB")
    try:
        img = Image.open(io.BytesIO(data), formats=["PNG", "JPEG", "GIF", "WEBP"])
        if img.width * img.height > MAX_LOGO_PIXELS:
            raise ValueError(f"is too large ({img.width}x{img.height} pixels)")
        img = ImageOps.exif_transpose(img)
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))  # the badge header is white paper
        flat.paste(rgba, mask=rgba.getchannel("A"))
        flat.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    except ValueError:
        raise
    except Image.UnidentifiedImageError:
        raise ValueError("is not an image in a format we read (PNG, JPEG, GIF, WebP)") from None
    except Exception as exc:  # Pillow raises many kinds on damaged bytes: all mean "unusable"
        raise ValueError(f"could not be decoded ({exc or type(exc).__name__})") from None
    out = io.BytesIO()
    flat.save(out, "PNG")
    return Logo(out.getvalue(), flat.width / flat.height)


def _within(seconds: float, read: Callable[[], bytes]) -> bytes:
    """`read()` in a daemon thread: a hung DNS lookup or server cannot hold the badges up."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["data"] = read()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="eventsite-badge-logo")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError(f"timed out after {seconds:g} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["data"]  # type: ignore[return-value]


def load_logo(
    ref: str,
    read_local: Callable[[str], bytes],
    warn: Callable[[str], None],
    *,
    allow_remote: bool = True,
    timeout: float = LOGO_TIMEOUT,
) -> Logo | None:
    """The event logo, or None with a warning saying why the badges go without it."""
    from .fetch import fetch

    ref = ref.strip()
    if not ref:
        return None
    remote = ref.lower().startswith(("http://", "https://"))
    if remote and not allow_remote:
        warn(f"--no-remote: the event logo {ref} is not fetched; badges are made without it")
        return None
    try:

        def read() -> bytes:
            if remote:
                return fetch(ref, timeout=timeout, max_bytes=MAX_LOGO_BYTES, accept="image/*")
            return read_local(ref)

        return decode_logo(_within(timeout + 1, read))
    except (ValueError, TimeoutError) as exc:
        reason = str(exc)
    except EventsiteError as exc:
        reason = f"could not be read ({getattr(exc, 'reason', None) or exc.message})"
    except OSError as exc:
        reason = f"could not be read ({exc.strerror or exc})"
    warn(f"event logo {ref} {reason}; badges are made without a logo")
    return None


# ---- fonts --------------------------------------------------------------------------------------


class Fonts:
    """DejaVu Sans in one FPDF document, then fallback fonts for the characters it lacks."""

    def __init__(self, pdf: Any, extra: Sequence[Path] = ()) -> None:
        self.pdf = pdf
        self._fonts: dict[str, tuple[str, str, Any]] = {}  # key -> family, style, fpdf2 font
        self._add("dejavu", "", FONT_DIR / "DejaVuSans.ttf")
        self._add("dejavu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self._fallbacks: list[str] = []
        for i, path in enumerate(map(Path, extra)):
            if not path.is_file():
                raise ConfigError(f"--font {path}: no such file")
            try:
                self._fallbacks.append(self._add(f"extra{i}", "", path))
            except Exception as exc:  # fpdf2/fontTools raise many kinds on a file they cannot use
                raise ConfigError(
                    f"--font {path}: not a font that can be embedded ({exc})"
                ) from None
        self._system_tried = False
        self._memo: dict[tuple[str, bool], float] = {}

    def _add(self, family: str, style: str, path: Path) -> str:
        self.pdf.add_font(family, style, str(path))
        key = family + style  # how fpdf2 names the fonts it holds
        self._fonts[key] = (family, style, self.pdf.fonts[key])
        return key

    def _font_for(self, ch: str, bold: bool) -> str | None:
        for key in (["dejavuB"] if bold else []) + ["dejavu", *self._fallbacks]:
            if ord(ch) in self._fonts[key][2].cmap:
                return key
        if self._system_tried or unicodedata.category(ch) in ("Cc", "Cf", "Zs"):
            return None
        self._system_tried = True  # once per document: loading a CJK font takes a while
        for i, path in enumerate(p for p in SYSTEM_FALLBACKS if Path(p).is_file()):
            try:
                self._fallbacks.append(self._add(f"system{i}", "", Path(path)))
            except Exception:  # a font this fpdf2 cannot embed: the next one may do
                continue
        return self._font_for(ch, bold)

    def runs(self, text: str, bold: bool) -> list[tuple[str, str, str]]:
        """(family, style, text) pieces, each in the first font that has its characters."""
        out: list[tuple[str, str, str]] = []
        last = None
        for ch in text:
            key = self._font_for(ch, bold)
            if key is None:
                continue  # reported by missing(); never drawn as an empty box
            if key == last:
                out[-1] = (*out[-1][:2], out[-1][2] + ch)
            else:
                out.append((*self._fonts[key][:2], ch))
            last = key
        return out

    def missing(self, text: str, bold: bool) -> list[str]:
        """The visible characters of `text` that no font has, in order, once each."""
        gaps = [
            ch
            for ch in text
            if unicodedata.category(ch) not in ("Cc", "Cf") and self._font_for(ch, bold) is None
        ]
        return list(dict.fromkeys(gaps))

    def measure(self, text: str, bold: bool) -> float:
        """Width in mm of `text` at 1 pt."""
        key = (text, bold)
        if key not in self._memo:
            points = 0.0
            for family, style, run in self.runs(text, bold):
                points += self._fonts[family + style][2].get_text_width(run, 1, None)[1]
            self._memo[key] = points * MM_PER_PT
        return self._memo[key]


def _script_warning(person: Person, fonts: Fonts) -> str | None:
    """What a person's badge cannot show as written, or None."""
    bold = f"{person.name}{person.role.upper()}"
    lost = list(
        dict.fromkeys(fonts.missing(bold, True) + fonts.missing(person.organisation, False))
    )
    if lost:
        codes = ", ".join(f"U+{ord(c):04X}" for c in lost)
        return (
            f"badge for {person.name}: no font has {''.join(lost)} ({codes}); those characters "
            "are left out. Add a font that has them with --font FILE"
        )
    # fpdf2 puts right-to-left text in visual order by itself, but joining Arabic letters needs
    # text shaping (HarfBuzz), which badges do not use.
    if any(unicodedata.bidirectional(c) == "AL" for c in bold + person.organisation):
        return (
            f"badge for {person.name}: Arabic-script letters are printed unjoined (no text "
            "shaping here); check this badge"
        )
    return None


# ---- drawing ------------------------------------------------------------------------------------


@dataclass
class Rendered:
    """The PDF and the numbers behind it."""

    pdf: bytes
    grid: Grid
    layouts: list[BadgeLayout]
    pages: int
    warnings: list[str] = field(default_factory=list)


def _rgb(color: str) -> tuple[int, int, int]:
    h = color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def render_badges(
    event_name: str,
    people: Sequence[Person],
    grid: Grid,
    logo: Logo | None = None,
    fonts: Sequence[Path] = (),
) -> Rendered:
    """Lay out every badge, then draw them page by page into one PDF."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=(grid.page.w, grid.page.h))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"Badges: {event_name}")
    pdf.set_creator(f"eventsite {__version__}")
    font_set = Fonts(pdf, fonts)
    warnings = [w for p in people if (w := _script_warning(p, font_set))]
    event_name = clean(event_name)
    if lost := font_set.missing(event_name, True):
        warnings.append(f"event name: no font has {''.join(lost)}; those characters are left out")
    aspect = logo.aspect if logo else None
    layouts = [
        badge_layout(
            grid.badge, p.name, p.organisation, p.role, event_name, font_set.measure, aspect
        )
        for p in people
    ]
    for person, layout in zip(people, layouts, strict=True):
        if layout.name.fit.below_min:
            warnings.append(
                f"badge for {person.name}: the name is very long; printed at "
                f"{layout.name.fit.size:.1f} pt to fit"
            )
    pages = grid.pages(len(people))
    for page in range(pages):
        pdf.add_page()
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.25 * MM_PER_PT)
        for x1, y1, x2, y2 in grid.marks:
            pdf.line(x1, y1, x2, y2)
        chunk = range(page * grid.per_page, min(len(people), (page + 1) * grid.per_page))
        for (x0, y0), i in zip(grid.origins, chunk, strict=False):
            _draw(pdf, font_set, x0, y0, grid.bleed, people[i], layouts[i], logo)
    return Rendered(bytes(pdf.output()), grid, layouts, pages, warnings)


def _draw(
    pdf: Any,
    fonts: Fonts,
    x0: float,
    y0: float,
    bleed: float,
    person: Person,
    layout: BadgeLayout,
    logo: Logo | None,
) -> None:
    """One badge with its trim box's top-left corner at (x0, y0)."""
    band = layout.band
    pdf.set_fill_color(*_rgb(person.color))
    # The band runs `bleed` past the trim on the three sides it touches, so a slightly
    # misplaced cut never leaves a white sliver.
    pdf.rect(x0 - bleed, y0 + band.y, band.w + 2 * bleed, band.h + bleed, style="F")
    if logo and layout.logo:
        box = layout.logo
        # The same bytes every time: fpdf2 keys images by content, so the PDF holds one copy.
        pdf.image(logo.png, x0 + box.x, y0 + box.y, box.w, box.h)
    _text(pdf, fonts, x0, y0, layout.event, True, "#333333")
    _text(pdf, fonts, x0, y0, layout.name, True, "#111111")
    if layout.organisation:
        _text(pdf, fonts, x0, y0, layout.organisation, False, "#444444")
    _text(pdf, fonts, x0, y0, layout.role, True, person.text_color)


def _text(
    pdf: Any, fonts: Fonts, x0: float, y0: float, placed: Placed, bold: bool, color: str
) -> None:
    pdf.set_text_color(*_rgb(color))
    size = placed.fit.size
    for x, baseline, line in placed.lines():
        x = x0 + x
        for family, style, run in fonts.runs(line, bold):
            pdf.set_font(family, style, size)
            pdf.text(x, y0 + baseline, run)
            x += fonts.measure(run, bold) * size


# ---- the command ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeOptions:
    """Everything `badges` needs to know, as the flags give it."""

    source: str | None = None  # None: the bundled sample event
    output: Path = Path("badges.pdf")
    attendees: Path | None = None
    speakers: bool = True
    badge: str = "90x55mm"
    sheet: str = "a4"
    landscape: bool = False
    bleed: float = 3.0
    one_per_page: bool = False
    crop_marks: bool = True
    sort: str = "name"
    fonts: tuple[Path, ...] = ()
    timezone: str | None = None
    format: str | None = None
    no_remote: bool | None = None
    logo_timeout: float = LOGO_TIMEOUT


@dataclass(frozen=True)
class BadgeResult:
    """What was written."""

    output: Path
    badges: int
    speakers: int
    attendees: int
    pages: int
    per_page: int
    page_label: str
    warnings: tuple[str, ...]
    seconds: float


def build_badges(options: BadgeOptions, log: BuildLog) -> BadgeResult:
    """Read the event (and attendees), make the badges and write the PDF; log every step."""
    from . import config, sources
    from .errors import DataError
    from .sources.common import Reporter

    t0 = time.perf_counter()
    # Sizes first: a wrong flag fails before anything is read.
    grid = page_grid(
        options.badge,
        options.sheet,
        options.bleed,
        landscape=options.landscape,
        one_per_page=options.one_per_page,
        crop_marks=options.crop_marks,
    )
    out = Path(options.output)
    if out.is_dir():
        raise OutputError(f"{out} is a folder", "Give the PDF's file name: -o badges.pdf.")
    if not out.resolve().parent.is_dir():
        raise OutputError(f"{out.parent}: no such folder", "Create it or write the PDF elsewhere.")
    flags = {
        "source": options.source,
        "timezone": options.timezone,
        "format": options.format,
        "no_remote": options.no_remote,
    }
    cfg = config.load(flags)
    with log.step("Load event data"):
        raw = sources.load(cfg)
        report = Reporter()
        event = sources.normalize(raw, cfg, report)
    for problem in report.warnings:
        log.warning(str(problem))
    if report.errors:
        raise DataError(report.errors)
    people = speaker_people(event) if options.speakers else []
    speakers = len(people)
    if options.attendees:
        with log.step("Read attendees"):
            people += read_attendees(Path(options.attendees), str(options.attendees))
    if not people:
        raise InputError(
            f"{event.name}: no badges to make",
            "The event has no speakers with a published session"
            + (" and --no-speakers was given" if not options.speakers else "")
            + "; give attendees with --attendees people.csv.",
        )
    people = sort_people(people, options.sort)
    with log.step("Event logo"):
        logo = load_logo(
            event.logo,
            raw.read_asset,
            log.warning,
            allow_remote=not cfg.no_remote,
            timeout=options.logo_timeout,
        )
    with log.step(f"Lay out and draw {len(people)} badges"):
        rendered = render_badges(event.name, people, grid, logo, options.fonts)
    for warning in rendered.warnings:
        log.warning(warning)
    with log.step("Write the PDF"):
        _write_atomic(out, rendered.pdf)
    page = "page" if options.one_per_page else f"{grid.page.label} sheet"
    result = BadgeResult(
        out.resolve(),
        len(people),
        speakers,
        len(people) - speakers,
        rendered.pages,
        grid.per_page,
        page,
        tuple(log.warnings),
        time.perf_counter() - t0,
    )
    who = _count(speakers, "speaker") + (
        f", {_count(result.attendees, 'attendee')}" if options.attendees else ""
    )
    log.success(
        f"Wrote {_count(result.badges, 'badge')} ({who}) on {_count(result.pages, 'page')}, "
        f"{result.per_page} per {page}, to {result.output} in {result.seconds:.2f} s"
        + (f" with {_count(len(result.warnings), 'warning')}" if result.warnings else ""),
        f"Badge {grid.badge.w:g} x {grid.badge.h:g} mm, bleed {grid.bleed:g} mm, "
        f"page {grid.page.w:g} x {grid.page.h:g} mm",
    )
    return result


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed run never leaves half a PDF."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.resolve().parent
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp makes the file private (0600); a PDF is shared like any file the user saves.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def add_badges_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the `badges` subcommand and its flags to the CLI's subparsers."""
    p = subparsers.add_parser(
        "badges",
        help="make a PDF of name badges for speakers (and attendees from a CSV)",
        description="One badge per speaker with a published session, plus attendees from a "
        "CSV file; a print-ready PDF with crop marks and bleed.",
    )
    p.add_argument("source", nargs="?", help="event data (default: the bundled sample event)")
    p.add_argument("-o", "--output", default="badges.pdf", help="PDF file (default: badges.pdf)")
    p.add_argument(
        "--attendees",
        metavar="CSV",
        help="UTF-8 CSV with a header row: name (required), organisation, role/ticket type",
    )
    p.add_argument("--no-speakers", action="store_true", help="attendee badges only")
    p.add_argument(
        "--badge",
        default="90x55mm",
        help="badge size: WxH with mm/cm/in/pt (90x55mm, 4x3in, 3x4in) or "
        f"{', '.join(BADGES)} (default 90x55mm)",
    )
    p.add_argument(
        "--sheet",
        default="a4",
        help=f"paper: {', '.join(SHEETS)} or WxH with a unit (default a4)",
    )
    p.add_argument("--landscape", action="store_true", help="turn the sheet sideways")
    p.add_argument(
        "--bleed", type=float, default=3.0, metavar="MM", help="colour past the cut (default 3)"
    )
    p.add_argument(
        "--no-crop-marks", dest="crop_marks", action="store_false", help="leave out crop marks"
    )
    p.add_argument(
        "--one-per-page",
        action="store_true",
        help="one badge per page, page = badge + bleed (for badge printers)",
    )
    p.add_argument("--sort", choices=SORTS, default="name", help="print order (default name)")
    p.add_argument(
        "--font",
        action="append",
        default=[],
        metavar="FILE",
        help="a TrueType/OpenType font for characters DejaVu Sans lacks (CJK...); repeatable",
    )
    p.add_argument("--timezone", help="IANA zone for the event, overriding the data's")
    p.add_argument("--format", choices=FORMATS, help="force the input format")
    p.add_argument(
        "--no-remote", action="store_true", default=None, help="do not fetch a remote logo"
    )
    p.add_argument("--log-format", choices=["text", "json"], default="text")
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    p.add_argument("-v", "--verbose", action="store_true", help="details and tracebacks")


def run_badges(args: argparse.Namespace, log: BuildLog) -> int:
    """Run `badges` from parsed arguments; returns the exit code (errors raise EventsiteError)."""
    options = BadgeOptions(
        source=args.source,
        output=Path(args.output or "badges.pdf"),
        attendees=Path(args.attendees) if args.attendees else None,
        speakers=not getattr(args, "no_speakers", False),
        badge=args.badge,
        sheet=args.sheet,
        landscape=args.landscape,
        bleed=args.bleed,
        one_per_page=args.one_per_page,
        crop_marks=args.crop_marks,
        sort=args.sort,
        fonts=tuple(Path(f) for f in args.font or ()),
        timezone=getattr(args, "timezone", None),
        format=getattr(args, "format", None),
        no_remote=getattr(args, "no_remote", None),
    )
    build_badges(options, log)
    return 0
