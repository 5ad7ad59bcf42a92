"""Pages to HTML: the single place where template context is made."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import jinja2
from markupsafe import Markup

from . import __version__
from .assets.images import ImageSet, Picture
from .config import Config
from .fingerprint import Fingerprints, Reuse
from .model import Event, Session, Speaker, Sponsor, Track, safe_id
from .pages import Page, nav_pages
from .richtext import summary, to_html
from .schedule import Schedule


def track_class(track: Track | None) -> str:
    """The CSS class carrying a track's colours (defined in the generated event CSS)."""
    return f"track-{safe_id(track.id)}" if track else "track-none"


class Renderer:
    """Renders planned pages with one shared environment and one set of helpers."""

    def __init__(
        self,
        env: jinja2.Environment,
        event: Event,
        schedule: Schedule,
        images: ImageSet,
        config: Config,
        assets: dict[str, str],
        theme_settings: dict[str, Any],
        extra: dict[str, Any] | None = None,
        fragments: tuple[Reuse, Fingerprints] | None = None,
    ) -> None:
        self.env = env
        self.event = event
        self.schedule = schedule
        self.images = images
        self.reuse, self.fps = fragments or (Reuse(), None)
        self._macros: dict[str, Any] = {}
        tz = event.tz
        sponsors: dict[int, list[Sponsor]] = {}
        for sp in event.sponsors:
            sponsors.setdefault(sp.level, []).append(sp)
        featured = [s for s in event.speakers if s.featured]
        env.globals.update(
            event=event,
            schedule=schedule,
            config=config,
            assets=assets,
            theme=theme_settings,
            version=__version__,
            nav=nav_pages(event),
            logo=images.logo,
            tz_name=event.timezone,
            tz_label=_zone_label(event),
            sponsor_levels=[(lvl, items[0].level_name, items) for lvl, items in sponsors.items()],
            featured_speakers=featured,
            register_sw=config.register_sw,
            track=lambda s: event.tracks_by_id.get(s.track_id) if s.track_id else None,
            room=lambda s: event.rooms_by_id.get(s.room_id) if s.room_id else None,
            speakers_of=lambda s: [event.speakers_by_id[i] for i in s.speaker_ids],
            sessions_of=lambda sp: [event.sessions_by_id[i] for i in sp.session_ids],
            photo=self.photo,
            card=self.card,
            cards=self.cards,
            tile=self.tile,
            tiles=self.tiles,
            sponsor_logo=lambda sp: images.sponsor_logos.get(sp.id),
            track_class=track_class,
            rich=to_html,
            summary=summary,
            fmt_time=lambda dt: dt.astimezone(tz).strftime("%H:%M"),
            fmt_date=_fmt_date,
            fmt_day=lambda d: d.strftime("%a %d %b").replace(" 0", " "),
            iso=lambda dt: dt.astimezone(tz).isoformat(timespec="minutes"),
            url=url,
            **(extra or {}),
        )

    def photo(self, speaker: Speaker) -> Picture:
        """The speaker's photo or placeholder."""
        return self.images.photos[speaker.id]

    @jinja2.pass_context
    def card(self, ctx: Any, session: Session, show_day: bool = False) -> Markup:
        """The theme's session_card macro for `session`, rendered once per build and page depth.

        The schedule, tracks and rooms pages show every card, speaker pages show them again:
        rendering each once is a large part of a build of thousands of sessions.
        """
        return self._fragment("session_card", session, show_day, ctx["root"])

    @jinja2.pass_context
    def tile(self, ctx: Any, speaker: Speaker, with_id: bool = False) -> Markup:
        """The theme's speaker_tile macro for `speaker`, rendered once per build and page depth."""
        return self._fragment("speaker_tile", speaker, with_id, ctx["root"])

    @jinja2.pass_context
    def cards(self, ctx: Any, sessions: Iterable[Session], show_day: bool = False) -> Markup:
        """card() of each session, joined; a list whose sessions are unchanged is not joined again.

        Lists are what the schedule, tracks and rooms pages are made of: at thousands of
        sessions, calling card() per session was most of what rebuilding those pages cost.
        """
        return self._list("session_card", list(sessions), show_day, ctx["root"])

    @jinja2.pass_context
    def tiles(self, ctx: Any, speakers: Iterable[Speaker], with_id: bool = False) -> Markup:
        """tile() of each speaker, joined; cached like cards()."""
        return self._list("speaker_tile", list(speakers), with_id, ctx["root"])

    def _key(self, macro: str, item: Session | Speaker) -> str:
        """What a card or tile is made from: its fingerprint (with the macro's flag and the page
        depth as the store)."""
        if self.fps is None:
            return item.id
        return self.fps.session(item) if macro == "session_card" else self.fps.person(item)

    def _fragment(self, macro: str, item: Session | Speaker, flag: bool, root: str) -> Markup:
        return self.reuse.fragment(
            (macro, flag, root),
            self._key(macro, item),
            lambda: getattr(self._module(root), macro)(item, flag),
        )

    def _list(self, macro: str, items: list, flag: bool, root: str) -> Markup:
        def make() -> Markup:
            return Markup("").join(self._fragment(macro, item, flag, root) for item in items)

        if not self.reuse.live or self.fps is None:
            return make()  # a build shows each list once: only the preview's next build needs it
        fingerprint = self.fps.session if macro == "session_card" else self.fps.person
        keys = tuple(map(fingerprint, items))
        store = (macro, flag, root)
        return self.reuse.fragment("lists", (store, keys), make, (store, keys))

    def _module(self, root: str) -> Any:
        """The theme's macros, bound to pages at the depth `root` stands for."""
        module = self._macros.get(root)
        if module is None:
            module = self.env.get_template("_macros.html").make_module({"root": root})
            self._macros[root] = module
        return module

    def render(self, page: Page) -> str:
        """Render one page to HTML."""
        depth = page.path.count("/")
        root = "../" * depth
        if page.kind == "404" and self.env.globals["config"].base_url:
            # The 404 page is served at any depth, so its links must be absolute.
            root = self.env.globals["config"].base_url.rstrip("/") + "/"
        template = self.env.get_template(page.template)
        return template.render(page=page, root=root, **page.context)


@jinja2.pass_context
def url(ctx: Any, path: str) -> str:
    """A link from the current page to site path `path`, always relative."""
    if path.startswith(("http://", "https://", "mailto:", "#")):
        return path
    return ctx["root"] + path if path else (ctx["root"] or "./")


def _fmt_date(value: date | datetime) -> str:
    return value.strftime("%A %d %B %Y").replace(" 0", " ")


def _zone_label(event: Event) -> str:
    """ "Asia/Singapore (UTC+08:00)" for the event's first day."""
    ref = event.start or datetime(2000, 1, 1, tzinfo=event.tz)
    offset = ref.astimezone(event.tz).strftime("%z")
    return f"{event.timezone} (UTC{offset[:3]}:{offset[3:]})"
