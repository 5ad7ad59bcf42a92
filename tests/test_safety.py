"""Privacy, sanitising and output safety: what must never reach or leave the site."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import pipeline

from .conftest import all_files, base_files, session, write_event

PRIVATE = ["ada.private@example.org", "+49 170 0000000", "GENDER-SECRET", "ORGANISER-COMMENT-42"]


def test_private_fields_never_reach_output(tmp_path: Path, run_cli) -> None:
    files = base_files()
    for sp in files["speakers"]:
        sp.update(email=PRIVATE[0], mobile=PRIVATE[1], phone=PRIVATE[1], gender=PRIVATE[2])
    files["sessions"][0]["comments"] = PRIVATE[3]
    files["sessions"][0]["speakers"][0].update(email=PRIVATE[0], gender=PRIVATE[2])
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    blob = b"".join(all_files(tmp_path / "site").values())
    for secret in PRIVATE:
        assert secret.encode() not in blob, secret


def test_raw_input_is_never_copied(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    (src / "notes.txt").write_text("internal")
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    names = set(all_files(tmp_path / "site"))
    assert not {"event", "sessions", "speakers", "notes.txt"} & names
    raw_sessions = (src / "sessions").read_bytes()
    assert raw_sessions not in b"".join(all_files(tmp_path / "site").values())


HOSTILE = (
    '<script>alert("x")</script><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(2)">click</a><iframe src="https://evil.example"></iframe>'
    '<p onclick="alert(3)">text</p>'
)
HOSTILE_MD = "Hello [click](javascript:alert(4)) and ![x](javascript:alert(5)) **bold**"


@pytest.mark.parametrize("payload", [HOSTILE, HOSTILE_MD])
def test_rich_text_is_sanitised_everywhere(tmp_path: Path, run_cli, payload: str) -> None:
    files = base_files()
    files["event"].update(
        {"description": payload, "code-of-conduct": payload, "organizer-description": payload}
    )
    for s in files["sessions"]:
        s.update({"long-abstract": payload, "short-abstract": payload})
    for sp in files["speakers"]:
        sp.update({"long-biography": payload, "short-biography": payload})
    files["tracks"][0]["description"] = payload
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    for page in (tmp_path / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8").lower()
        assert "<script>" not in html and "alert(" not in html.replace("&#34;", '"').split(
            "<body", 1
        )[1].replace("&lt;script&gt;", ""), page
        assert "onerror=" not in html and "onclick=" not in html, page
        assert "javascript:" not in html, page
        assert "<iframe" not in html, page
    coc = (tmp_path / "site/coc.html").read_text()
    assert ">text</p>" in coc or "<strong>bold</strong>" in coc  # the harmless part survives


def test_mixed_html_and_markdown_links_never_become_script_urls(tmp_path: Path, run_cli) -> None:
    from bs4 import BeautifulSoup

    files = base_files()
    payload = "<p>Hi</p> [click](javascript:alert(4)) <a href='JaVaScRiPt:alert(1)'>x</a>"
    for s in files["sessions"]:
        s["long-abstract"] = payload
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    for page in (tmp_path / "site").rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for attr in ("href", "src", "action", "formaction"):
                assert "script:" not in (tag.get(attr) or "").lower().replace(" ", ""), page


def test_plain_text_fields_are_escaped(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][0]["title"] = '"><script>alert(1)</script>'
    files["speakers"][0]["name"] = "<img src=x onerror=alert(1)>"
    files["speakers"][0]["website"] = "javascript:alert(1)"
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    # Calendars are plain text (not HTML); every HTML page must escape.
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "<script>alert(1)" not in text
    assert "<img src=x onerror" not in text
    assert "javascript:" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_failed_build_leaves_previous_output_identical(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "site"
    assert run_cli(src, "-o", out).code == 0
    before = all_files(out)
    (src / "sessions").write_text('[{"id": 1,', encoding="utf-8")
    assert run_cli(src, "-o", out).code == 1
    assert all_files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_failure_during_write_phase_keeps_previous_output(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "site"
    assert run_cli(src, "-o", out).code == 0
    before = all_files(out)
    files = base_files()
    files["sessions"].append(session(9, "2030-05-03T12:00:00+02:00", "2030-05-03T13:00:00+02:00"))
    write_event(src, files)

    def boom(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline.pwa, "service_worker", boom)
    result = run_cli(src, "-o", out)
    assert result.code == 70
    assert "internal error: RuntimeError: disk on fire" in result.text
    assert "Traceback" not in result.text
    assert all_files(out) == before
    leftovers = [
        p.name for p in tmp_path.iterdir() if ".eventsite-tmp" in p.name or "-old-" in p.name
    ]
    assert leftovers == []


def test_stale_temporary_folders_are_removed(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "site"
    stale = tmp_path / ".site.eventsite-tmp-999-abc"
    stale.mkdir()
    (stale / "index.html").write_text("half written")
    assert run_cli(src, "-o", out).code == 0
    assert not stale.exists()


def test_refuses_non_empty_foreign_output(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "mystuff"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    result = run_cli(src, "-o", out)
    assert result.code == 1
    assert "is not empty and was not built by eventsite" in result.text
    assert "--force" in result.text
    assert (out / "thesis.tex").read_text() == "precious"
    assert run_cli(src, "-o", out, "--force").code == 0
    assert not (out / "thesis.tex").exists()


def test_refuses_output_inside_source(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    result = run_cli(src, "-o", src / "site")
    assert result.code == 1
    assert "is inside the event source" in result.text
    result = run_cli(src, "-o", tmp_path)
    assert result.code == 1
    assert "contains the event source" in result.text
    assert sorted(os.listdir(src)) == sorted(base_files())


def test_rebuild_replaces_previous_build(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "site"
    assert run_cli(src, "-o", out).code == 0
    files = base_files()
    files["sessions"] = files["sessions"][:2]
    write_event(src, files)
    assert run_cli(src, "-o", out).code == 0
    assert len(list((out / "sessions").glob("*.html"))) == 2


def test_published_states_and_speakers(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][0]["state"] = "rejected"
    files["sessions"][1]["state"] = None  # absent state: published
    files["sessions"][2]["state"] = "confirmed"
    files["sessions"].append(
        session(4, "2030-05-03T12:00:00+02:00", "2030-05-03T13:00:00+02:00", state="pending")
    )
    files["sessions"].append(
        session(5, "2030-05-03T12:00:00+02:00", "2030-05-03T13:00:00+02:00", state="draft")
    )
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    names = sorted(p.name.split("-")[0] for p in (tmp_path / "site/sessions").glob("*.html"))
    assert names == ["2", "3"]
    speakers = sorted(p.name.split("-")[0] for p in (tmp_path / "site/speakers").glob("*.html"))
    assert speakers == ["102", "103"]  # Speaker 1 has only a rejected session


def test_log_json_lines(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    result = run_cli(src, "-o", tmp_path / "site", "--log-format", "json")
    assert result.code == 0
    records = [json.loads(line) for line in result.err.splitlines() if line.strip()]
    assert all(
        set(r) == {"type", "smallMessage", "largeMessage", "step", "seconds"} for r in records
    )
    steps = {r["step"] for r in records if r["type"] == "SUCCESS" and r["step"]}
    assert {"Load event data", "Validate", "Images", "Pages"} <= steps
    assert records[-1]["type"] == "SUCCESS" and "pages" in records[-1]["smallMessage"]
    bad = run_cli(tmp_path / "nowhere", "-o", tmp_path / "s2", "--log-format", "json")
    last = json.loads(bad.err.strip().splitlines()[-1])
    assert bad.code == 1 and last["type"] == "ERROR" and "no such file" in last["smallMessage"]
