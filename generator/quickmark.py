"""Plain Markdown to exactly python-markdown's HTML in a few regular-expression passes, or None.

Most abstracts and biographies are paragraphs and tight lists with a little emphasis, code and
links. python-markdown spends 0.4-0.8 ms on each such text building and walking an element tree:
at 5,000 sessions that was the largest step of a cold build. This takes a tenth of that or less.
It accepts only a strict form in which python-markdown's block and inline rules cannot disagree
with a left-to-right reading; anything else (headings, quotes, HTML, entities, escapes, images,
references, nested, loose or lazy lists, line breaks, odd white space) returns None, and the
caller asks python-markdown. tests/test_quickmark.py holds the two equal, byte for byte, on the
corpus's texts and on random texts made of every character that matters here.

Every repetition below is possessive or atomic, and running text never holds a character a
span starts with, so a line is matched in linear time whatever it holds (an earlier draft of
this module, without that, backtracked exponentially on a long line with one stray "**").
"""

from __future__ import annotations

import re

# One character of running text that python-markdown cannot read as the start of anything:
# "_" only inside a word (never emphasis), "&" never where it could be an entity, "!" never
# before "[" (an image). "*", "`", "[", "]", "<", "\" and line ends are never running text.
_TEXT = r"(?:[^\\`*_\[\]<&!\n]++|(?<=[^\W_])_(?=[^\W_])|&(?!\#|\w+;)|!(?!\[))"
# Running text that neither starts nor ends with white space (inside emphasis and links): a
# "*" beside any white space, U+00A0 too, may be a literal star to python-markdown.
_PHRASE = rf"(?!\s)(?>{_TEXT}++)(?<!\s)"
# No "&" that could be an entity in a link either: then the attribute escapes like the text.
_URL = r"https?://(?:[A-Za-z0-9_\-.~:/?\#@$+,;=%]++|&(?!\#|\w+;))++"
# A span python-markdown renders as an element. Each starts with a character running text
# never holds, and those starting with "*" or "`" must not touch another of the same.
_SPAN = (
    rf"(?<!\*)\*\*{_PHRASE}\*\*(?!\*)"
    rf"|(?<!\*)\*{_PHRASE}\*(?!\*)"
    r"|(?<!`)`(?![\s`])(?>[^`\\\n<&]++|&(?!\#|\w+;))++(?<!\s)`(?!`)"
    rf"|\[{_PHRASE}\]\({_URL}\)"
)
# A line of a paragraph or list item: not what would start a block of another kind (heading,
# quote, list, rule, setext underline, ordered item), no white space at either end (indented
# code, a line break, or spaces python-markdown strips), only text and spans in between.
_LINE = re.compile(rf"(?![#>=+\-]|\d+\.|\s)(?>{_TEXT}++|{_SPAN})++(?<!\s)")
# The spans of a line that _LINE took, once escaped. None holds the character that ends it, and
# running text holds no character that starts one, so each is found where _LINE found it.
_RENDER = re.compile(r"\*\*([^*]+)\*\*|\*([^*]+)\*|`([^`]+)`|\[([^\]]+)\]\(([^)]+)\)")
_TAGS = {1: "strong", 2: "em", 3: "code"}
_LIST = re.compile(r"[*+-] |\d+\. ")
_NUMBER = re.compile(r"\d+\. ")
# Tabs (expanded), other control characters (stripped or line ends to python-markdown).
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def render(text: str) -> str | None:
    """python-markdown's HTML for `text` (sane_lists, html), or None when it is not plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Printable text (line ends aside) has no control character: the usual case, found in C.
    if not text.replace("\n", "").isprintable() and _UNSAFE.search(text):
        return None
    out: list[str] = []
    after_list = False
    for block in text.split("\n\n"):
        block = block.strip("\n")  # more than one blank line between blocks is one
        if not block:
            continue
        lines = block.split("\n")
        if not _LIST.match(lines[0]):
            if not all(map(_LINE.fullmatch, lines)):
                return None
            out.append("<p>" + "\n".join(map(_inline, lines)) + "</p>")
            after_list = False
            continue
        # A list after a list (a blank line between) is one loose list to python-markdown.
        html = None if after_list else _tight_list(lines)
        if html is None:
            return None
        out.append(html)
        after_list = True
    return "\n".join(out)


def _tight_list(lines: list[str]) -> str | None:
    """A list whose every line is an item of the same kind, or None."""
    if not lines[0][0].isdigit():
        marker = lines[0][:2]
        if not all(line.startswith(marker) for line in lines):
            return None  # lazy continuation lines, or a marker python-markdown may mix
        tags = "<ul>", "</ul>"
        items = [line[2:] for line in lines]
    else:
        items = []
        for line in lines:
            number = _NUMBER.match(line)
            if number is None:
                return None
            items.append(line[number.end() :])
        start = lines[0][: lines[0].index(".")]
        tags = ("<ol>" if start == "1" else f'<ol start="{start}">'), "</ol>"
    if not all(map(_LINE.fullmatch, items)):
        return None
    return tags[0] + "\n" + "".join(f"<li>{_inline(i)}</li>\n" for i in items) + tags[1]


def _inline(line: str) -> str:
    return _RENDER.sub(_span, line.replace("&", "&amp;").replace(">", "&gt;"))


def _span(m: re.Match[str]) -> str:
    kind = m.lastindex or 0
    if kind > 3:
        return f'<a href="{m.group(5)}">{m.group(4)}</a>'
    tag = _TAGS[kind]
    return f"<{tag}>{m.group(kind)}</{tag}>"
