"""One build: read and check everything, then write; the writer commits it without loss."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import exports, ics, pwa, richtext, schedule, sources, validate
from . import pages as pages_mod
from .assets import scss, static
from .assets.images import process_images
from .cache import BuildCache
from .config import Config
from .errors import DataError, EventsiteError, Problem
from .fingerprint import Fingerprints, Reuse, digest, setup_digest
from .log import BuildLog
from .model import Event, Session
from .parallel import forked, workers_for
from .render import Renderer, track_class
from .richtext import summary
from .sources.common import Reporter
from .sources.loader import RawEvent
from .sources.memo import ReadMemo
from .theme import environment, load_theme
from .writer import Writer, check_output


@dataclass
class BuildResult:
    """What a build produced."""

    output: Path
    pages: int
    files: int
    bytes: int
    seconds: float
    folder_hash: str
    warnings: list[str] = field(default_factory=list)


def build(config: Config, log: BuildLog, reuse: Reuse | None = None) -> BuildResult:
    """Build the site for `config`; the previous output survives any failure.

    Outputs whose fingerprint matches the previous build's are kept, not made again; `reuse`
    carries that knowledge between builds in one process (the preview), else it is read from
    the build cache.
    """
    t0 = time.perf_counter()
    check_output(config.output, None if config.is_url else config.source, config.force)
    raw, event, report = read(config, log, reuse.reader if reuse else None)
    raw.files = {}  # the model holds everything needed now: free the data's bytes
    with log.step("Validate"):
        _report(report, log, config.strict)
        log.info(
            f"{event.name}: {len(event.sessions)} sessions, {len(event.speakers)} speakers, "
            f"{len(event.tracks)} tracks, {len(event.rooms)} rooms, {len(event.sponsors)} sponsors"
        )
    cache = BuildCache.beside(config.output)
    # The preview keeps its record and rendered texts in memory: nothing to load or save.
    live = reuse is not None and reuse.live
    if reuse is None:
        reuse = Reuse(cache.load("outputs"))
    reuse.begin()
    with log.step("Rich text"):
        richtext.load_known({} if live else cache.load("richtext"))
        rendered = richtext.render_many(_rich_texts(event))
        log.info(f"{rendered} texts rendered, the rest from the build cache")
    with log.step("Plan pages"):
        sched = schedule.group(event)
        planned = pages_mod.plan(event, sched)
        theme = load_theme(config.theme)
        setup = setup_digest(config, theme)
        # Compiled templates are kept between the preview's builds while the theme is unchanged.
        env = reuse.environments.get(setup) or environment(theme)
        reuse.environments = {setup: env}
    writer = Writer(config.output, reuse.manifest, durable=not live, listings=reuse.listings)
    try:
        with log.step("Images"):
            images = process_images(
                event,
                raw.read_asset,
                lambda msg: log.warning(msg),
                allow_remote=not config.no_remote,
                base_url=raw.origin if config.is_url else "",
                cache=cache,
            )
            for path, data in images.files.items():
                reuse.write(writer, path, data)
            writer.write("assets/images/offline.svg", pwa.OFFLINE_IMAGE)
        with log.step("Styles and scripts"):
            # The setup digest covers the theme's files: the same digest, the same styles.
            css = reuse.fragment("css", setup, lambda: _css(cache, setup, theme.scss_dirs))
            writer.write("assets/css/site.css", css)
            writer.write("assets/css/event.css", scss.event_css(event, images.logo, track_class))
            for site_path, src in static.collect(theme.static_dirs).items():
                writer.write(site_path, src.read_bytes())
        extra = {
            "calendars": ics.calendar_paths(event),
            "uids": ics.session_uids(event, event.sessions),
        }
        fps = Fingerprints(setup, event, images, extra, reuse.fingerprints)
        assets = {"css": "assets/css/site.css", "event_css": "assets/css/event.css"}
        renderer = Renderer(
            env, event, sched, images, config, assets, theme.settings, extra, (reuse, fps)
        )
        pages = _Pages(renderer, writer, reuse, fps)
        # Session and speaker pages are shared with a second process, which starts on them now;
        # this one first makes the calendars, the exports and the pages that list everything.
        each = [p for p in planned if p.kind in ("session", "speaker")]
        lists = [p for p in planned if p.kind not in ("session", "speaker")]
        with pages.shared(each) as make_the_rest:
            with log.step("Calendars"):
                modified = datetime.fromtimestamp(raw.modified, UTC) if raw.modified else None
                stamp = reuse.stamp or ics.build_stamp(fallback=modified)
                if reuse.live:
                    reuse.stamp = stamp
                calendars = extra["calendars"]
                _calendars(event, sched, config.base_url, stamp, calendars, writer, reuse, fps)
            with log.step("Schedule for apps (C3VOC JSON and XML)"):
                _exports(event, sched, config.base_url, writer, reuse, fps)
            with log.step("Pages"):
                pages.make(lists)
                make_the_rest()
                if pages.kept:
                    made = len(planned) - pages.kept
                    log.info(f"{made} pages rendered, {pages.kept} unchanged kept as they are")
        with log.step("Web app manifest and service worker"):
            theme_color = theme.setting("theme_color", "#0b5cad")
            logo = hashlib.blake2b(images.logo_source or b"").hexdigest()
            icons = reuse.fragment(
                "icons",
                (event.name, theme_color, logo),
                lambda: cache.product(
                    digest(setup, "icons", event.name, theme_color, logo),
                    lambda: ({}, pwa.icons(event, theme_color, images.logo_source)),
                )[1],
            )
            for path, data in icons.items():
                writer.write(path, data)
            writer.write(
                "manifest.webmanifest",
                pwa.manifest(
                    event,
                    theme_color,
                    theme.setting("background_color", "#ffffff"),
                    summary(event.description, 200) or event.name,
                ),
            )
            writer.write(".nojekyll", b"")
            offline = pwa.offline_list(writer)
            writer.write("offline.json", offline)
            shell = pwa.shell(writer.sizes, images.logo)
            folder_hash = writer.folder_hash()
            writer.write("sw.js", pwa.service_worker(folder_hash, shell))
        with log.step("Commit the new site"):
            if config.strict and log.warnings:
                raise EventsiteError(
                    f"{len(log.warnings)} warnings and --strict: the site was not replaced",
                    "\n".join(log.warnings),
                )
            writer.commit()
    except BaseException:
        writer.discard()
        raise
    if live:  # the preview's folder is its own: what it holds is known without looking
        reuse.manifest = writer.manifest()
    record = reuse.finish(writer.hashes)
    if not live:
        cache.save("richtext", richtext.used_entries())
        cache.save("outputs", record)
    return BuildResult(
        output=config.output,
        pages=len(planned),
        files=len(writer.hashes),
        bytes=sum(writer.sizes.values()),
        seconds=time.perf_counter() - t0,
        folder_hash=folder_hash,
        warnings=list(log.warnings),
    )


# Each step that makes large files is a function of its own, so they are freed when written
# (measured: keeping them to the end of the build raised the peak by 100 MB at 5,000 sessions).


def _calendars(
    event: Event,
    sched: schedule.Schedule,
    base_url: str,
    stamp: datetime,
    paths: tuple[str, dict[str, str], dict[str, str]],
    writer: Writer,
    reuse: Reuse,
    fps: Fingerprints,
) -> None:
    """Every calendar file (`paths`: ics.calendar_paths), but those kept from the last build."""
    made: dict[str, str] = {}  # path -> fingerprint, of the files made again
    heads: dict[bytes, str] = {}

    def keep(files: list[str], sessions: list[Session] | None, header: bytes) -> list[int]:
        head = heads.get(header) or heads.setdefault(header, digest(stamp, header))
        if sessions is None:
            fp = _joined(fps.whole(), head)
            if reuse.keep(writer, files, fp):
                return []
            made.update(dict.fromkeys(files, fp))
            return list(range(len(files)))
        joined = [_joined(fps.session(s), head) for s in sessions]
        missed = reuse.keep_files(writer, files, joined)
        made.update((files[i], joined[i]) for i in missed)
        return missed

    def cached(s: Session, make: Callable[[], bytes]) -> bytes:
        return reuse.fragment(("vevents", stamp), fps.session(s), make)

    # Entries are kept for the next build only in the preview; a build makes each one once.
    files = ics.build_calendars(
        event, sched, base_url, stamp, cached if reuse.live else None, keep, paths, fps.uids
    )
    for path, data in files.items():
        writer.write(path, data)
        reuse.made([path], made[path])


def _css(cache: BuildCache, setup: str, scss_dirs: list[Path]) -> bytes:
    """The theme's compiled CSS: the setup digest covers the theme's files."""
    return cache.product(
        digest(setup, "css"),
        lambda: ({}, {"site.css": scss.compile_theme(scss_dirs).encode("utf-8")}),
    )[1]["site.css"]


@functools.lru_cache(maxsize=65536)  # a calendar per session, asked again on every save
def _joined(fingerprint: str, head: str) -> str:
    return digest(fingerprint, head)


def _exports(
    event: Event,
    sched: schedule.Schedule,
    base_url: str,
    writer: Writer,
    reuse: Reuse,
    fps: Fingerprints,
) -> None:
    """schedule.json and schedule.xml, unless kept from the previous build."""
    paths = list(exports.PATHS)
    if reuse.keep(writer, paths, fps.whole()):
        return

    def cached(s: Session, number: int, make: Callable[[], exports.Fragments]) -> exports.Fragments:
        return reuse.fragment("exports", (fps.session(s), number), make)

    # As with calendar entries, fragments are kept for the next build only in the preview.
    files = exports.build_exports(event, sched, base_url, cached if reuse.live else None)
    for path, data in files.items():
        writer.write(path, data)
    reuse.made(paths, fps.whole())


class _Pages:
    """Renders pages (unless kept by fingerprint), here or in a forked second process."""

    # A second process pays from a few hundred pages on (measured: it costs ~30 ms to start).
    FORK_AT = 300
    CHUNK = 16  # pages taken at a time from the shared counter

    def __init__(self, renderer: Renderer, writer: Writer, reuse: Reuse, fps: Fingerprints):
        self.renderer, self.writer, self.reuse, self.fps = renderer, writer, reuse, fps
        self.kept = 0

    def make(self, pages: Iterable[pages_mod.Page]) -> None:
        """Write each page, or keep the previous build's copy when nothing it shows changed."""
        reuse, writer, fps = self.reuse, self.writer, self.fps
        pages = list(pages)
        made = [_page_fingerprint(page, fps) for page in pages]
        missed = reuse.keep_files(writer, [page.path for page in pages], made)
        self.kept += len(pages) - len(missed)
        for i in missed:
            page = pages[i]
            writer.write(page.path, self.renderer.render(page))
            reuse.made([page.path], made[i])

    @contextlib.contextmanager
    def shared(self, pages: list[pages_mod.Page]) -> Iterator[Callable[[], None]]:
        """Start making `pages` in a second process; yields "help, then wait for the rest".

        Both processes take the next few pages from a shared counter, so they finish together
        whatever else this one had to do first. The child writes its files into the build's
        folder itself and sends back only their hashes: pages are never copied between
        processes. Where forking is not safe or does not pay (the preview, small events, one
        core), nothing forks and the call makes every page here.
        """
        self.writer.flush()  # no writer thread may be running when we fork
        if workers_for(len(pages), self.FORK_AT) < 2:
            yield lambda: self.make(pages)
            return
        taken = multiprocessing.get_context("fork").Value("i", 0)

        def take_turns() -> list[str]:
            done: list[str] = []
            while True:
                with taken.get_lock():
                    start = taken.value
                    taken.value = start + self.CHUNK
                chunk = pages[start : start + self.CHUNK]
                if not chunk:
                    return done
                self.make(chunk)
                done += [p.path for p in chunk]

        def child() -> tuple[list, dict[str, str], int]:
            paths = take_turns()
            self.writer.flush()
            written = {p: self.reuse.written[p] for p in paths if p in self.reuse.written}
            return self.writer.entries(paths), written, self.kept

        with forked(child) as result:

            def help_then_wait() -> None:
                take_turns()
                entries, written, kept = result()
                self.writer.adopt(entries)
                self.reuse.written.update(written)
                self.kept += kept

            yield help_then_wait


def _page_fingerprint(page: pages_mod.Page, fps: Fingerprints) -> str:
    """What a page is made from: its session or speaker, or (lists, home) the whole event."""
    if page.kind == "session":
        return fps.session(page.context["session"])
    if page.kind == "speaker":
        return fps.speaker(page.context["speaker"])
    return digest(fps.whole(), page.kind, page.path, page.title)


def read(
    config: Config, log: BuildLog, memo: ReadMemo | None = None
) -> tuple[RawEvent, Event, Reporter]:
    """Read and check the event: the raw input, the model, and every problem found."""
    with log.step("Load event data"):
        raw = sources.load(config)
        report = Reporter()
        try:
            event = sources.normalize(raw, config, report, memo)
        except BaseException:
            if memo:
                memo.forget()
            raise
        if memo:
            memo.finish()
        report.problems.extend(validate.check(event, raw.origin))
    return raw, event, report


def _report(report: Reporter, log: BuildLog, strict: bool) -> None:
    """Log warnings; stop on errors, or on warnings with --strict, listing all of them."""
    for problem in report.warnings:
        log.warning(str(problem))
    errors: list[Problem] = report.errors
    if strict and report.warnings:
        errors = errors + report.warnings
    if errors:
        n = len(errors)
        what = f"{n} problem{'s' if n != 1 else ''} in the event data"
        raise DataError(errors, what + (" (--strict makes warnings fatal)" if strict else ""))


def _rich_texts(event: Event) -> list[tuple[str, int]]:
    """Every rich text of the event with the heading level its page gives it."""
    texts = [(event.description, 3), (event.organiser_description, 3), (event.code_of_conduct, 2)]
    texts += [(s.abstract, 3) for s in event.sessions]
    texts += [(s.bio, 3) for s in event.speakers]
    texts += [(t.description, 3) for t in event.tracks]
    return texts
