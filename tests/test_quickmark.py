"""The Markdown fast path gives python-markdown's very bytes, or steps aside."""

from __future__ import annotations

import io
import random
import subprocess
import sys

import markdown
import pytest

from generator import config, pipeline, quickmark, richtext
from generator.log import BuildLog

from .conftest import ROOT, corpus_path

_MD = markdown.Markdown(extensions=["sane_lists"], output_format="html")


def python_markdown(text: str) -> str:
    _MD.reset()
    return _MD.convert(text)


# Pieces of text that matter to one Markdown rule or another, and plain words between them.
WORDS = ["open", "source", "Zürich", "data", "2024", "snake_case", "CO2", "MV", "x", "😀"]
PIECES = [
    *WORDS, " ", "  ", "\n", "\n\n", "\n\n\n", "\r\n", "\t", "\xa0", "\u3000", "\u200b",
    "\u2028", "\x02", "\x85",
    "*", "**", "***", "_", "__", "`", "``", "[", "]", "(", ")", "](", "!", "![", "\\", "\\*",
    "&", "&amp;", "&#38;", "&#x26;", "&D", "&b;", "<", ">", "<b>", "<http://x.org>", "#", "# ",
    "- ", "* ", "+ ", "1. ", "2. ", "01. ", "10) ", "=", "===", "---", "> ", "    ", ".", ",",
    ":", ";", "'", '"', "https://example.org/a_b?c=1&d=2", "[x](https://e.org/p?q=1&amp;r=2)",
]  # fmt: skip


def _phrase(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
    text = " ".join(words)
    kind = rng.randrange(6)
    if kind == 0:
        return f"**{text}**"
    if kind == 1:
        return f"*{text}*"
    if kind == 2:
        return f"`{text}`"
    if kind == 3:
        path = rng.choice(["a", "data", "snake_case", "2024"])  # URLs are ASCII here
        return f"[{text}](https://example.org/{path}?a=1&b=2#x)"
    return text


def _line(rng: random.Random) -> str:
    return " ".join(_phrase(rng) for _ in range(rng.randint(1, 6)))


def _block(rng: random.Random, paragraph: bool) -> str:
    n = rng.randint(1, 4)
    marker = "" if paragraph else rng.choice(["- ", "* ", "+ ", "1. ", "3. "])
    if not marker:
        return "\n".join(_line(rng) for _ in range(n))
    if marker[0].isdigit():
        first = int(marker[0])
        return "\n".join(f"{first + i}. {_line(rng)}" for i in range(n))
    return "\n".join(marker + _line(rng) for _ in range(n))


def well_formed(rng: random.Random) -> str:
    """Paragraphs and lists of the kind the fast path is for (a list never right after one)."""
    blocks, paragraph = [], True
    for _ in range(rng.randint(1, 4)):
        blocks.append(_block(rng, paragraph))
        paragraph = not paragraph or rng.random() < 0.5
    return "\n\n".join(blocks)


def mutated(rng: random.Random) -> str:
    """A well-formed text with a few pieces dropped in anywhere."""
    text = well_formed(rng)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(PIECES) + text[at:]
    return text


def scrambled(rng: random.Random) -> str:
    """Pieces in any order."""
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25)))


@pytest.mark.parametrize("make", [well_formed, mutated, scrambled])
def test_random_texts_render_as_python_markdown(make) -> None:
    rng = random.Random(f"quickmark-{make.__name__}")
    taken = 0
    for _ in range(4000):
        text = make(rng)
        fast = quickmark.render(text)
        if fast is not None:
            taken += 1
            assert fast == python_markdown(text), repr(text)
    # The comparison means something only when the fast path takes a fair share.
    assert taken > {"well_formed": 3900, "mutated": 1000, "scrambled": 100}[make.__name__]


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Plain **bold** and *em*, `x > y` and [a link](https://e.org/?a=1&b=2).",
         '<p>Plain <strong>bold</strong> and <em>em</em>, <code>x &gt; y</code> and '
         '<a href="https://e.org/?a=1&amp;b=2">a link</a>.</p>'),
        ("R&D -> snake_case\r\nsecond line", "<p>R&amp;D -&gt; snake_case\nsecond line</p>"),
        ("Topics\n\n- one\n- two\n\n\nThen\n\n3. three\n4. four",
         '<p>Topics</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<p>Then</p>\n<ol start="3">\n'
         "<li>three</li>\n<li>four</li>\n</ol>"),
        ("Musiker*innen und Aktivist*innen", "<p>Musiker<em>innen und Aktivist</em>innen</p>"),
    ],
)  # fmt: skip
def test_plain_forms_are_taken(text: str, html: str) -> None:
    assert quickmark.render(text) == html == python_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "# Heading",
        "a  \nline break",
        "- a\n\n- loose list",
        "Topics:\n- not a list to python-markdown",
        "&amp; an entity",
        "<b>html</b>",
        "\\*escaped\\*",
        "![image](https://e.org/i.png)",
        "*\xa0not emphasis*",
        "- one\n\n1. a list after a list",
        "_emphasis_",
        "\tindented",
        "    code",
        "> quote",
    ],
)
def test_anything_else_is_left_to_python_markdown(text: str) -> None:
    assert quickmark.render(text) is None


def test_adversarial_lines_take_linear_time() -> None:
    # An earlier draft backtracked exponentially on a long line with one stray "**": a
    # child process that does not finish in a minute means that is back.
    lines = ["word " * 4000 + "**", "*a " * 3000, "[x " * 3000 + "](", "`a " * 3000 + "\\"]
    code = (
        "import sys; from generator import quickmark\n"
        f"for line in {lines!r}: assert quickmark.render(line) is None\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0


@pytest.mark.parametrize(
    ("path", "zone"),
    [
        (("c3voc", "39c3-himmel.schedule.json"), None),
        (("c3voc", "cccamp2019.schedule.json"), None),
        (("openevent", "SparkSummit17"), None),
        (("openevent", "FOSSASIASummit2018"), None),
    ],
)
def test_corpus_texts_render_as_python_markdown(path: tuple[str, str], zone: str | None) -> None:
    source = corpus_path(*path)
    cfg = config.load({"source": str(source), "timezone": zone, "no_remote": True})
    _, event, _ = pipeline.read(cfg, BuildLog(stream=io.StringIO()))
    texts = {t for t, _ in pipeline._rich_texts(event) if t and not richtext._LOOKS_HTML.search(t)}
    taken = [t for t in texts if quickmark.render(t) is not None]
    for text in taken:
        assert quickmark.render(text) == python_markdown(text), repr(text)
    assert len(taken) > len(texts) / 2


def test_rich_text_takes_the_fast_path_and_falls_back(monkeypatch) -> None:
    calls: list[str] = []
    real = richtext._markdown()

    class Counting:
        def reset(self) -> None:
            real.reset()

        def convert(self, text: str) -> str:
            calls.append(text)
            return real.convert(text)

    monkeypatch.setattr(richtext, "_markdown", lambda: Counting())
    assert richtext._render("Some **bold** words.", 3) == "<p>Some <strong>bold</strong> words.</p>"
    assert calls == []
    assert richtext._render("# Title\n\nText", 3) == "<h3>Title</h3>\n<p>Text</p>"
    assert calls == ["# Title\n\nText"]
