"""Hostile input, read from the built files: nothing from the data can run, and every page keeps
its Content-Security-Policy. Browser checks of the same sites are in tests/browser/test_hostile.py.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from .conftest import base_files, write_event
from .fixtures.hostile.hostile_data import FORMATS, PAYLOADS, write_source

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
SITE_SCRIPTS = {"assets/js/early.js", "assets/js/site.js", "assets/js/sw-register.js"}
URL_ATTRS = ("href", "src", "action", "formaction", "poster", "data", "background", "xlink:href")
FORBIDDEN_TAGS = ("iframe", "object", "embed", "base", "frame", "applet", "form")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def script_url(value: str) -> bool:
    """True when a URL would run or embed code: javascript:, vbscript: or data:."""
    clean = _INVISIBLE.sub("", value).lower()
    return clean.startswith(("javascript:", "vbscript:", "data:"))


def inert_problems(site: Path) -> list[str]:
    """Every way a built site could run code from the data; empty when there is none."""
    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        soup = BeautifulSoup(page.read_bytes(), "lxml")
        csp = re.compile("^content-security-policy$", re.I)
        metas = soup.find_all("meta", attrs={"http-equiv": csp})
        if [m.get("content") for m in metas] != [CSP]:
            problems.append(f"{rel}: CSP meta is {[m.get('content') for m in metas]}")
        text = page.read_text(encoding="utf-8").lower()
        at = text.find('http-equiv="content-security-policy"')
        if any(0 <= text.find(tag) < at for tag in ("<script", "<link", "<style")):
            problems.append(f"{rel}: the CSP meta is not before every script and style")
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                values = value if isinstance(value, list) else [value]
                if attr.lower().startswith("on"):
                    problems.append(f"{rel}: <{tag.name} {attr}=...>")
                if attr.lower() in URL_ATTRS and any(script_url(v) for v in values):
                    problems.append(f"{rel}: <{tag.name} {attr}={value!r}>")
                if attr.lower() == "srcset" and any(script_url(v) for v in str(value).split(",")):
                    problems.append(f"{rel}: <{tag.name} srcset={value!r}>")
                if attr.lower() == "style":
                    problems.append(f"{rel}: inline style on <{tag.name}> (CSP blocks it)")
            if tag.name in FORBIDDEN_TAGS:
                problems.append(f"{rel}: <{tag.name}>")
            if tag.name == "meta" and (tag.get("http-equiv") or "").lower() == "refresh":
                problems.append(f"{rel}: <meta http-equiv=refresh>")
        for script in soup.find_all("script"):
            src = script.get("src") or ""
            target = urlsplit(src)
            resolved = (page.parent / target.path).resolve() if src else None
            own = (
                resolved is not None
                and not target.scheme
                and not src.startswith("//")
                and resolved.is_relative_to(site.resolve())
                and resolved.relative_to(site.resolve()).as_posix() in SITE_SCRIPTS
            )
            if not own or script.string:
                problems.append(f"{rel}: <script src={src!r}>{(script.string or '')[:40]}")
        for style in soup.find_all("style"):
            problems.append(f"{rel}: inline <style> (CSP blocks it): {style.string!r:.40}")
    return problems


def data_files_problems(site: Path) -> list[str]:
    """The site's JSON, XML, CSS and JS stay well-formed and carry no code from the data."""
    problems = []
    for name in ("manifest.webmanifest", "schedule.json", "offline.json"):
        try:
            json.loads((site / name).read_bytes())
        except ValueError as exc:
            problems.append(f"{name}: not JSON ({exc})")
    try:
        etree.fromstring((site / "schedule.xml").read_bytes())
    except etree.XMLSyntaxError as exc:
        problems.append(f"schedule.xml: not XML ({exc})")
    css = (site / "assets/css/event.css").read_text(encoding="utf-8")
    rule = re.compile(
        r"\.track-[A-Za-z0-9_-]+\{--track-bg:#[0-9a-f]{6};--track-fg:#[0-9a-f]{6}\}"
        r"|\.brand-logo\{padding-top:[0-9.]+px;padding-bottom:[0-9.]+px\}"
    )
    for line in css.splitlines():
        if line and not rule.fullmatch(line):
            problems.append(f"assets/css/event.css: unexpected rule {line[:80]!r}")
    for js in [site / "sw.js", *sorted((site / "assets/js").glob("*.js"))]:
        if "alert(" in js.read_text(encoding="utf-8"):
            problems.append(f"{js.relative_to(site)}: holds text from the data")
    return problems


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("fmt", FORMATS)
def test_payload_in_every_field_stays_inert(
    tmp_path: Path, run_cli, fmt: str, payload: str
) -> None:
    source, flags = write_source(fmt, payload, tmp_path / "data")
    result = run_cli(source, "-o", tmp_path / "site", "--no-remote", *flags)
    assert result.code == 0, result.text
    site = tmp_path / "site"
    assert len(list(site.rglob("*.html"))) >= 10
    assert inert_problems(site) == []
    assert data_files_problems(site) == []


def test_the_checks_can_fail(tmp_path: Path, run_cli) -> None:
    """A page with each kind of leak is caught, so a passing hostile test means something."""
    site = tmp_path / "site"
    assert run_cli(write_event(tmp_path / "ev", base_files()), "-o", site).code == 0
    page = site / "index.html"
    clean = page.read_text(encoding="utf-8")
    leaks = {
        "<script>alert(1)</script>": "<script src=''>",
        '<img src=x onerror="alert(1)">': "onerror",
        '<a href=" java\tscript:alert(1)">x</a>': "href",
        "<iframe></iframe>": "<iframe>",
        '<p style="color:red">x</p>': "inline style",
        '<script src="https://cdn.example/x.js"></script>': "cdn.example",
    }
    for leak, word in leaks.items():
        page.write_text(clean.replace("</main>", leak + "</main>"), encoding="utf-8")
        found = inert_problems(site)
        assert found and word in found[0], (leak, found)
    page.write_text(clean.replace("<meta http-equiv", "<meta data-x", 1), encoding="utf-8")
    assert "CSP meta is []" in inert_problems(site)[0]
    css = site / "assets/css/event.css"
    css.write_text(".track-1{--track-bg:red;}</style><script>\n", encoding="utf-8")
    assert "event.css" in data_files_problems(site)[0]


@pytest.mark.parametrize(
    "color",
    [
        "red;}</style><script>alert(1)</script>",
        "#fff;background:url(https://evil.example/x)",
        "expression(alert(1))",
        "#12345g",
        "rgb(1,2,3)",
        "var(--x)",
        "#ff0000\n}body{display:none",
        "",
        None,
        12,
        ["#ff0000"],
    ],
)
def test_track_colour_reaches_css_only_as_hex(tmp_path: Path, run_cli, color: object) -> None:
    files = base_files()
    files["tracks"][0].update({"color": color, "font-color": color})
    for s in files["sessions"]:
        s["track"] = {"id": 1, "name": "Main", "color": color, "font-color": color}
    site = tmp_path / "site"
    assert run_cli(write_event(tmp_path / "ev", files), "-o", site).code == 0
    css = (site / "assets/css/event.css").read_text(encoding="utf-8")
    assert re.fullmatch(r"\.track-1\{--track-bg:#[0-9a-f]{6};--track-fg:#[0-9a-f]{6}\}\n", css)
    assert data_files_problems(site) == []


def test_same_slug_tracks_and_rooms_stay_apart(tmp_path: Path, run_cli) -> None:
    """'C++' and 'C', 'Hall' and 'HALL' slug alike: filters and anchors still tell them apart."""
    files = base_files()
    names = [("C++", "Hall"), ("C", "HALL"), ("c!", "hall")]
    for i, (track, room) in enumerate(names):
        files["sessions"][i]["track"] = {"id": i + 1, "name": track}
        files["sessions"][i]["microlocation"] = {"id": i + 1, "name": room}
    site = tmp_path / "site"
    assert run_cli(write_event(tmp_path / "ev", files), "-o", site).code == 0
    soup = BeautifulSoup((site / "schedule.html").read_bytes(), "lxml")
    tracks = [a["data-filter-track"] for a in soup.select("[data-filter-track]")]
    rooms = [a["data-filter-room"] for a in soup.select("[data-filter-room]")]
    assert len(set(tracks)) == len(tracks) == 3
    assert len(set(rooms)) == len(rooms) == 3
    cards = {c["data-track"] for c in soup.select(".schedule-list [data-session-id]")}
    assert cards == set(tracks)


# ---- broken data: a clear error naming the place, or a warning and a site -------------------


def _oe(**changes: Any) -> dict[str, bytes | str | Any]:
    """The tiny Open Event dataset with some files replaced (str/bytes are written as they are)."""
    files: dict[str, Any] = base_files()
    files.update(changes)
    return files


def _oe_session(**fields: Any) -> dict[str, Any]:
    files = base_files()
    files["sessions"][0].update(fields)
    return files


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


C3 = (Path(__file__).parent / "fixtures/formats/c3voc-no-zone.schedule.json").read_text()
FRAB = (Path(__file__).parent / "fixtures/formats/frab-no-rooms.schedule.xml").read_text()
SZ = (Path(__file__).parent / "fixtures/formats/sessionize-all.json").read_text()


def _c3(change: Any) -> str:
    doc = json.loads(C3)
    change(doc["schedule"]["conference"])
    return json.dumps(doc)


def _c3_event(**fields: Any) -> str:
    return _c3(lambda conf: conf["days"][0]["rooms"]["Hall One"][0].update(fields))


def _sz(change: Any) -> str:
    doc = json.loads(SZ)
    change(doc)
    return json.dumps(doc)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE schedule [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE schedule [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_ERROR, _OK = 1, 0

# (reader, data, extra flags, exit code, words the output must hold)
BROKEN: dict[str, tuple[str, Any, list[str], int, list[str]]] = {
    "oe-invalid-json": (
        "openevent", _oe(sessions='[{"id": 1,\n "title": }'), [], _ERROR,
        ["sessions: invalid JSON at line 2, column 11"],
    ),
    "oe-control-characters": (
        "openevent", _oe(sessions=json.dumps(base_files()["sessions"]).replace(
            '"Session 1"', '"Sess\x01ion\x1f 1\ttab"')), [], _OK, [],
    ),
    "oe-invalid-utf8": (
        "openevent", _oe(sessions=json.dumps(base_files()["sessions"]).encode().replace(
            b"Session 1", b"Session \xff\xfe 1")), [], _OK,
        ["sessions: file: not valid UTF-8 at byte"],
    ),
    "oe-sessions-object": (
        "openevent", _oe(sessions={"id": 1}), [], _OK,
        ["sessions: sessions: is not a list; ignored", "no published sessions"],
    ),
    "oe-wrong-types": (
        "openevent", _oe_session(
            id=[1], title=123, track="Main", microlocation=[1], speakers={"id": 1},
            **{"ends-at": 5, "session-type": "talk", "long-abstract": {"x": 1}},
        ), [], _OK,
        ["sessions[0] (id [1]) track: is not a reference with an id; ignored",
         "ends-at: is not a timestamp; using a 30-minute default"],
    ),
    "oe-nulls": (
        "openevent", _oe_session(**{k: None for k in base_files()["sessions"][0]}), [], _OK,
        ["sessions[0]: has no id; left out"],
    ),
    "oe-null-files": (
        "openevent", _oe(speakers=None, tracks=None, microlocations=None, sponsors=None), [],
        _OK, ["speakers: speakers: is not a list; ignored"],
    ),
    "oe-event-not-object": (
        "openevent", _oe(event=[1, 2]), [], _ERROR, ["event: event: is not a JSON object"],
    ),
    "oe-event-name-null": (
        "openevent", _oe(event={**base_files()["event"], "name": None}), [], _ERROR,
        ["event: event.name: the event has no name"],
    ),
    "oe-missing-sessions": (
        "openevent", {"event": base_files()["event"]}, [], _ERROR,
        ["no event data found"],
    ),
    "oe-missing-references": (
        "openevent",
        _oe_session(speakers=[{"id": 999}], track={"id": 77}, microlocation={"id": 88}),
        [], _OK, [],
    ),
    "oe-thirty-days": (
        "openevent", _oe_session(**{"ends-at": "2030-06-01T10:30:00+02:00"}), [], _OK,
        ["sessions (id 1) end: lasts 30 days; check its end time"],
    ),
    "oe-year-one": (
        "openevent", _oe_session(**{"starts-at": "0001-01-01T00:00:00+14:00"}), [], _OK,
        ["sessions[0] (id 1) starts-at: is not a timestamp; session left out"],
    ),
    "oe-infinite-length": (
        "openevent", _oe_session(**{"ends-at": None, "session-type": {"length": 1e400}}), [], _OK,
        ["ends-at: is missing; using a 30-minute default"],
    ),
    "oe-deep-nesting": (
        "openevent", _oe(sessions=_nested(100_000)), [], _ERROR,
        ["sessions: JSON nested too deeply to read"],
    ),
    "oe-huge-number": (
        "openevent", _oe(sessions='[{"id": ' + "9" * 5000 + "}]"), [], _ERROR,
        ["sessions: unreadable JSON: Exceeds the limit (4300 digits)"],
    ),
    "oe-50-mb-description": (
        "openevent", _oe(event={**base_files()["event"], "description": "word " * 10_000_000}),
        [], _OK, ["event description: is 49,999,999 characters long; cut to 100,000"],
    ),
    "oe-duplicate-speakers-and-sponsors": (
        "openevent", _oe(
            speakers=base_files()["speakers"] * 2,
            sponsors=[{"id": 1, "name": "A"}, {"id": 1, "name": "B"}, {"id": "1", "name": "C"}],
        ), [], _OK, [],
    ),
    "c3-invalid-json": (
        "c3voc-json", C3.replace('"title": "Opening"', '"title": Opening'), [], _ERROR,
        ["schedule.json: invalid JSON at line"],
    ),
    "c3-days-not-a-list": (
        "c3voc-json", _c3(lambda c: c.update(days={"a": 1})), [], _ERROR,
        ["conference.days: is missing or not a list"],
    ),
    "c3-wrong-types": (
        "c3voc-json", _c3_event(
            duration={"h": 1}, persons="Ada", links={"url": 1}, title=None, room=["x"], track=5,
            attachments="x", recording=[1],
        ), [], _OK, ["duration: is missing or unreadable; using 30 minutes", "title: is empty"],
    ),
    "c3-rooms-a-list": (
        "c3voc-json", _c3(lambda c: c["days"][0].update(rooms=[1, 2])), [], _OK,
        ["days[0]: is not a day with a rooms object; left out"],
    ),
    "c3-title-missing": (
        "c3voc-json", _c3(lambda c: c.pop("title")), [], _ERROR,
        ["conference.title: the event has no name"],
    ),
    "c3-deep-nesting": (
        "c3voc-json", '{"schedule": ' + _nested(100_000) + "}", [], _ERROR,
        ["JSON nested too deeply to read"],
    ),
    "c3-control-characters": (
        "c3voc-json", C3.replace("Opening", "Open\x02ing\x1b"), [], _OK, [],
    ),
    "frab-invalid-xml": (
        "frab-xml", FRAB.replace("</title>", "</titel>", 1), [], _ERROR,
        ["schedule.xml: invalid XML at line"],
    ),
    "frab-invalid-utf8": (
        "frab-xml", FRAB.encode().replace(b"<title>", b"<title>\xff\xfe", 1), [], _ERROR,
        ["schedule.xml: invalid XML at line"],
    ),
    "frab-control-characters": (
        "frab-xml", FRAB.replace("<title>", "<title>\x01\x1f", 1), ["--timezone", "UTC"], _OK,
        ["schedule.xml: file: 2 control character(s) XML does not allow; removed"],
    ),
    "frab-billion-laughs": (
        "frab-xml", BILLION_LAUGHS + FRAB.split("?>", 1)[1].replace("<title>", "<title>&lol9;", 1),
        [], _ERROR, ["schedule.xml: invalid XML", "entity amplification"],
    ),
    "frab-external-entity": (
        "frab-xml", XXE + FRAB.split("?>", 1)[1].replace("<title>", "<title>&xxe;", 1),
        ["--timezone", "UTC"], _OK, [],
    ),
    "frab-deep-nesting": (
        "frab-xml", "<schedule>" + "<a>" * 100_000 + "</a>" * 100_000 + "</schedule>", [],
        _ERROR, ["schedule.xml: invalid XML at line 1", "Excessive depth"],
    ),
    "frab-wrong-shapes": (
        "frab-xml", FRAB.replace('index="1"', 'index="²"').replace("<duration>", "<duration>x"),
        ["--timezone", "UTC"], _OK, ["duration: is missing or unreadable; using 30 minutes"],
    ),
    "sz-invalid-json": (
        "sessionize", SZ[:-10], ["--timezone", "UTC"], _ERROR, ["invalid JSON at line"],
    ),
    "sz-wrong-types": (
        "sessionize", _sz(lambda d: d["sessions"][0].update(
            speakers="abc", categoryItems=5, categories="x", startsAt=12, roomId={"a": 1})),
        ["--timezone", "UTC"], _OK, ["sessions[0] (id 5001) startsAt: no readable start time"],
    ),
    "sz-categories-wrong": (
        "sessionize", _sz(lambda d: d.update(categories=[{"title": "Track", "items": 5}, 7])),
        ["--timezone", "UTC"], _OK, [],
    ),
    "sz-speakers-a-string": (
        "sessionize", _sz(lambda d: d["sessions"][1].update(speakers="abc")),
        ["--timezone", "UTC"], _OK, ["sessions[1] (id 5002) speakers: is not a list; ignored"],
    ),
    "sz-missing-rooms": (
        "sessionize", _sz(lambda d: d.pop("rooms")), ["--timezone", "UTC"], _ERROR,
        ["no event data found"],
    ),
    "c3-no-ids": (
        "c3voc-json", _c3_event(id=None, guid=None), [], _OK,
        ["days[0].rooms['Hall One'][0]: has no id; left out"],
    ),
    "sz-no-timezone": (
        "sessionize", SZ, [], _ERROR, ["Sessionize data has no time zone; pass --timezone"],
    ),
}  # fmt: skip


def _write_broken(fmt: str, data: Any, folder: Path) -> Path:
    folder.mkdir(parents=True)
    if fmt == "openevent":
        return write_event(folder, data)
    name = {"c3voc-json": "schedule.json", "frab-xml": "schedule.xml"}.get(fmt, "sz.json")
    path = folder / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", BROKEN)
def test_broken_data_gives_a_clear_message_or_a_site(tmp_path: Path, run_cli, case: str) -> None:
    fmt, data, flags, code, words = BROKEN[case]
    source = _write_broken(fmt, data, tmp_path / "data")
    result = run_cli(source, "-o", tmp_path / "site", "--no-remote", *flags)
    assert result.code == code, result.text
    assert "internal error" not in result.text and "Traceback" not in result.text
    for word in words:
        assert word in result.text, result.text[:2000]
    if code == _OK:
        site = tmp_path / "site"
        assert (site / "index.html").is_file()
        blob = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
        assert b"root:x:0:0" not in blob and b"lollollol" not in blob
        assert inert_problems(site) == []


def _one_slot(n: int) -> str:
    return _c3(
        lambda c: c["days"][0]["rooms"].update(
            {
                "Hall One": [
                    {"id": i, "title": f"T{i}", "date": "2030-03-01T10:00:00+01:00"}
                    for i in range(n)
                ]
            }
        )
    )


def test_ten_thousand_sessions_in_one_slot_are_read_and_planned() -> None:
    """Read, grouped and planned at full size; a whole build of that is the benchmarks' job."""
    from generator import pages, schedule
    from generator.config import Config
    from generator.sources import normalize
    from generator.sources.common import Reporter
    from generator.sources.loader import RawEvent

    raw = RawEvent("x", {"schedule.json": _one_slot(10_000).encode()}, lambda ref: b"")
    report = Reporter()
    config = Config(source="x", output=Path("unused"), timezone="Europe/Berlin")
    event = normalize(raw, config, report)
    sched = schedule.group(event)
    planned = pages.plan(event, sched)
    starts = Counter(s.start for s in event.sessions)
    assert max(starts.values()) == 10_000
    assert len({p.path.lower() for p in planned}) == len(planned) >= 10_000
    assert len(report.warnings) >= 10_000  # each says its duration is missing


def test_two_thousand_sessions_in_one_slot_build(tmp_path: Path, run_cli) -> None:
    source = _write_broken("c3voc-json", _one_slot(2_000), tmp_path / "data")
    result = run_cli(source, "-o", tmp_path / "site", "-q", "--timezone", "Europe/Berlin")
    assert result.code == 0, result.text[-500:]
    assert len(list((tmp_path / "site/sessions").glob("*-t*.html"))) == 2_000


def test_markdown_that_would_take_minutes_is_shown_as_plain_text(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # python-markdown scans from every "[" and "<" onwards: on these two abstracts it needed
    # minutes. Neither may reach it; each is shown as text, with a warning that says where.
    from generator import richtext

    files = base_files()
    files["sessions"][0]["long-abstract"] = "Links: " + "[x " * 20_000
    files["sessions"][1]["long-abstract"] = "Tags: " + "<a " * 20_000
    src = write_event(tmp_path / "data", files)

    def refuse() -> None:
        raise AssertionError("python-markdown was asked to render a hostile text")

    monkeypatch.setattr(richtext, "_markdown", refuse)
    result = run_cli(src, "-o", tmp_path / "site")
    assert result.code == 0, result.text
    for sid in (1, 2):
        assert f"sessions (id {sid}) abstract: has " in result.text
    assert result.text.count("shown as plain text") == 2
    pages = {p.name.split("-")[0]: p for p in (tmp_path / "site" / "sessions").glob("*.html")}
    first = BeautifulSoup(pages["1"].read_text(encoding="utf-8"), "html.parser")
    assert first.select_one(".rich p").get_text().startswith("Links: [x [x [x")
    second = BeautifulSoup(pages["2"].read_text(encoding="utf-8"), "html.parser")
    assert second.select_one(".rich p").get_text().startswith("Tags: <a <a <a")
    assert second.select_one(".rich a") is None


def test_ordinary_markdown_is_not_held_to_the_budgets() -> None:
    from generator import richtext

    # Thousands of links, tags and brackets that close soon are read once: no budget is near.
    items = (f"- [link {i}](https://e.org/{i}) <br> [a] x" for i in range(5000))
    links = "# Links\n\n" + "\n".join(items)
    assert not richtext.markdown_too_slow(links)
    assert not richtext.markdown_too_slow("Open [bracket, then " + "words " * 15_000)
    assert richtext.markdown_too_slow("# Title\n\n" + "[x " * 3000)
    assert richtext.markdown_too_slow("# Title\n\n" + "<a " * 6000)
    assert not richtext.markdown_too_slow("<p>" + "<a " * 6000 + "</p>")  # HTML: no Markdown
