"""Input forms: folder, .json names, snake_case keys, zip (flat or wrapped), http(s) base URL."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from .conftest import base_files, write_event

SNAKE = {"starts-at": "start_time", "ends-at": "end_time", "code-of-conduct": "code_of_conduct"}


def _session_count(site: Path) -> int:
    return len(list((site / "sessions").glob("*.html")))


def test_json_extension_and_extra_files(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files(), suffix=".json")
    (src / "config.json").write_text('{"app-name": "x"}')
    (src / "forms").write_text("not even json")
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    assert _session_count(tmp_path / "site") == 3


def test_snake_case_export(tmp_path: Path, run_cli) -> None:
    files = base_files()
    raw = json.dumps(files)
    for dash, snake in SNAKE.items():
        raw = raw.replace(f'"{dash}"', f'"{snake}"')
    files = json.loads(raw)
    files["speakers"][0]["photo"] = ""
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "site").code == 0
    assert _session_count(tmp_path / "site") == 3
    assert (tmp_path / "site/coc.html").is_file()


@pytest.mark.parametrize("wrapper", ["", "my-event/"])
def test_zip_input(tmp_path: Path, run_cli, wrapper: str) -> None:
    archive = tmp_path / "event.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, value in base_files().items():
            zf.writestr(wrapper + name, json.dumps(value))
        zf.writestr(wrapper + "meta", "{}")
    assert run_cli(archive, "-o", tmp_path / "site").code == 0
    assert _session_count(tmp_path / "site") == 3


def test_zip_slip_is_refused(tmp_path: Path, run_cli) -> None:
    archive = tmp_path / "event.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, value in base_files().items():
            zf.writestr(name, json.dumps(value))
        zf.writestr("../../evil.txt", "x")
    result = run_cli(archive, "-o", tmp_path / "site")
    assert result.code == 1
    assert "entry '../../evil.txt' points outside the archive" in result.text
    assert not (tmp_path.parent / "evil.txt").exists()


def test_http_base_url(tmp_path: Path, run_cli, served: tuple[str, Path]) -> None:
    base, root = served
    write_event(root / "ev", base_files(), suffix=".json")
    assert run_cli(base + "ev/", "-o", tmp_path / "site").code == 0
    assert _session_count(tmp_path / "site") == 3


def test_http_missing_event_file(tmp_path: Path, run_cli, served: tuple[str, Path]) -> None:
    base, _ = served
    result = run_cli(base + "nothing/", "-o", tmp_path / "site")
    assert result.code == 1
    assert f"could not read event from {base}nothing/" in result.text


def test_missing_source(tmp_path: Path, run_cli) -> None:
    result = run_cli(tmp_path / "nope", "-o", tmp_path / "site")
    assert result.code == 1
    assert f"{tmp_path / 'nope'}: no such file or folder" in result.text
