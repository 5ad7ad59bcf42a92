"""Untrusted rich text (HTML or Markdown) to safe HTML, and to plain text."""

from __future__ import annotations

import bisect
import functools
import hashlib
import html
import re
from collections.abc import Iterable

import markdown
import nh3
from markupsafe import Markup

from . import quickmark
from .parallel import forked, workers_for

# Part of every cache key: change it when the rendering or the allow-list changes.
RENDER_VERSION = f"2/{markdown.__version__}/{nh3.__version__}"
# Below this many texts for python-markdown, a second process costs more than it saves; texts
# the fast path takes (about a tenth of the cost each) need ten times as many.
POOL_THRESHOLD = 150
FAST_POOL_THRESHOLD = 1500

# Sanitised HTML by key: filled from the build cache, by render_many, and by to_html itself.
_known: dict[str, str] = {}
_used: set[str] = set()

ALLOWED_TAGS = {
    "p", "br", "a", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote",
    "code", "pre", "h2", "h3", "h4", "h5", "h6", "hr", "sub", "sup", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Possessive, and no "<" inside a tag: else each "<a" of a hostile text scanned to its end.
_LOOKS_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*+(?:\s[^<>]*+)?/?\s*>")
_PARAGRAPHS = re.compile(r"\n\s*\n")
# python-markdown reads from each "[" to its "]" (links), and its HTML parser from each "<" that
# starts a tag to the next ">": a hostile text of thousands of "[x " or "<a " made that
# quadratic (6,000 "[x " took 14 s; the 100,000 characters a text may have, minutes). Past these
# budgets of characters read (about a second each) a text is shown as plain paragraphs instead.
BRACKET_BUDGET = 3_000_000
ANGLE_BUDGET = 15_000_000
_BRACKET = re.compile(r"[\[\]]")
_TAG_START = re.compile(r"<[a-zA-Z/!?]")
_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    """The converter, made when first needed: a build that renders no text saves 10 ms."""
    return markdown.Markdown(extensions=["sane_lists"], output_format="html")


def _shift_headings(html_text: str, top: int) -> str:
    """Renumber headings by rank (biggest -> h`top`, next -> h`top`+1...): no level skipped."""
    levels = sorted({int(m.group(2)) for m in _HEADING.finditer(html_text)})
    if not levels:
        return html_text
    new = {level: min(6, top + rank) for rank, level in enumerate(levels)}
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{new[int(m.group(2))]}", html_text)


@functools.lru_cache(maxsize=65536)  # the preview asks again for every text on every save
def cache_key(text: str, top: int) -> str:
    """The content hash a rendered text is kept under."""
    return hashlib.sha256(f"{RENDER_VERSION}\0{top}\0{text}".encode()).hexdigest()[:32]


@functools.lru_cache(maxsize=65536)
def to_html(text: str, top: int = 3) -> Markup:
    """Render Markdown (or take HTML as it is), then sanitise with nh3's allow-list.

    `top` is the heading level the text's own biggest heading gets (3 below a page's h2).
    """
    if not text:
        return Markup("")
    key = cache_key(text, top)
    _used.add(key)
    found = _known.get(key)
    if found is None:
        found = _known[key] = _render(text, top)
    return Markup(found)


def _render(text: str, top: int) -> str:
    source = _fast_source(text)
    if source is None:  # more than plain paragraphs and lists: python-markdown's job
        if _costly(text):
            source = "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in _PARAGRAPHS.split(text))
        else:
            converter = _markdown()
            converter.reset()
            source = converter.convert(text)
    return _clean(source, top)


def _fast_source(text: str) -> str | None:
    """The text as HTML without python-markdown: HTML as given, plain Markdown by quickmark."""
    return text if _LOOKS_HTML.search(text) else quickmark.render(text)


def markdown_too_slow(text: str) -> bool:
    """Whether python-markdown would spend seconds on `text`: it is shown as plain text then."""
    return _costly(text) and _fast_source(text) is None


def _costly(text: str) -> bool:
    """Whether python-markdown would read more than a budget's characters over `text`."""
    n = len(text)
    if text.count("[") * n <= BRACKET_BUDGET and text.count("<") * n <= ANGLE_BUDGET:
        return False  # none can read past the end: the usual case, settled in C
    opened: list[int] = []
    brackets = 0
    for m in _BRACKET.finditer(text):
        if m.group() == "[":
            opened.append(m.start())
        elif opened:
            brackets += m.start() - opened.pop()
    brackets += sum(n - i for i in opened)  # never closed: read to the end
    ends = [m.start() for m in re.finditer(">", text)]
    angles = 0
    for m in _TAG_START.finditer(text):
        after = bisect.bisect_left(ends, m.start())
        angles += (ends[after] if after < len(ends) else n) - m.start()
    return brackets > BRACKET_BUDGET or angles > ANGLE_BUDGET


def _clean(source: str, top: int) -> str:
    """Headings renumbered from `top`, then nh3's allow-list."""
    clean = nh3.clean(
        _shift_headings(source, top),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return clean.strip()


def _render_list(pairs: list[tuple[str, int]]) -> list[str]:
    return [_render(t, top) for t, top in pairs]


def _render_split(pairs: list[tuple[str, int]]) -> list[str]:
    """_render_list, every other text in a forked child at the same time as the others here.

    The child reads the texts from its copy of memory: only the HTML travels, once (a process
    pool sent every text there and back).
    """
    results: list[str] = [""] * len(pairs)
    with forked(functools.partial(_render_list, pairs[1::2])) as theirs:
        results[::2] = _render_list(pairs[::2])
        results[1::2] = theirs()
    return results


def render_many(items: Iterable[tuple[str, int]]) -> int:
    """Render every (text, top) not known yet, in two processes when there are many; the count.

    All of them count as used, so they stay in the build cache even when no page is rendered
    (a rebuild that keeps every page).
    """
    keys = {(t, top): cache_key(t, top) for t, top in items if t}
    _used.update(keys.values())
    missing = sorted(pair for pair, key in keys.items() if key not in _known)
    if workers_for(len(missing), FAST_POOL_THRESHOLD) > 1:
        rest, split = missing, True  # so many that even the fast path pays for a second process
    else:
        rest = []  # those the fast path does not take
        for pair in missing:
            source = _fast_source(pair[0])
            if source is None:
                rest.append(pair)
            else:
                _known[keys[pair]] = _clean(source, pair[1])
        split = workers_for(len(rest), POOL_THRESHOLD) > 1
    results = _render_split(rest) if split else _render_list(rest)
    for pair, result in zip(rest, results, strict=True):
        _known[keys[pair]] = result
    return len(missing)


def load_known(entries: dict[str, str]) -> None:
    """Start a build: texts rendered by an earlier one (from the build cache), none used yet."""
    _known.update(entries)
    _used.clear()


def used_entries() -> dict[str, str]:
    """What this build rendered or used, to keep in the build cache (nothing stale)."""
    return {k: _known[k] for k in _used if k in _known}


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|dd|dt)>|<br\s*/?>|<hr\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


@functools.lru_cache(maxsize=65536)
def to_plain(text: str) -> str:
    """Readable plain text from rich text: paragraphs kept, tags and entities gone."""
    if not text:
        return ""
    body = _BLOCK_END.sub("\n", str(to_html(text)))
    body = re.sub(r"<li>", "• ", body)
    body = html.unescape(_TAG.sub("", body)).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in body.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def summary(text: str, limit: int = 160) -> str:
    """The first `limit` characters of the plain text, cut at a word."""
    plain = " ".join(to_plain(text).split())
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
