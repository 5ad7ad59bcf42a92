"""No loss: a build stopped at any step, by an error, Ctrl-C or SIGKILL, leaves the previous site
byte-identical, and the next run leaves no temporary folder behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline, writer
from generator.errors import EventsiteError

from .conftest import ROOT, all_files, base_files, session, write_event

# Every step of a build, as pipeline.build reaches it: (owner, attribute).
STEPS: dict[str, tuple[Any, str]] = {
    "sources.load": (pipeline.sources, "load"),
    "sources.normalize": (pipeline.sources, "normalize"),
    "validate.check": (pipeline.validate, "check"),
    "richtext.render_many": (pipeline.richtext, "render_many"),
    "schedule.group": (pipeline.schedule, "group"),
    "pages.plan": (pipeline.pages_mod, "plan"),
    "process_images": (pipeline, "process_images"),
    "styles": (pipeline, "_css"),  # the theme's CSS, compiled or from the build cache
    "ics.build_calendars": (pipeline.ics, "build_calendars"),
    "exports.build_exports": (pipeline.exports, "build_exports"),
    "Renderer.render": (pipeline.Renderer, "render"),
    "pwa.service_worker": (pipeline.pwa, "service_worker"),
    "Writer.commit": (pipeline.Writer, "commit"),
}
FAILURES: dict[str, tuple[BaseException, int, str]] = {
    "bug": (RuntimeError("disk on fire"), 70, "internal error: RuntimeError: disk on fire"),
    "ctrl-c": (KeyboardInterrupt(), 130, "interrupted; the previous output is unchanged"),
    "our-error": (EventsiteError("the step refused"), 1, "the step refused"),
}


def leftovers(out: Path) -> list[str]:
    """Temporary, backup and journal entries a build left beside the output."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def second_version(src: Path) -> None:
    """Change the event so that a new build would change, add and remove files."""
    files = base_files()
    files["sessions"][0]["title"] = "A new title"
    files["sessions"][2] = session(9, "2030-05-03T12:00:00+02:00", "2030-05-03T13:00:00+02:00")
    files["speakers"][2] = {"id": 109, "name": "Speaker 9", "sessions": [{"id": 9}]}
    write_event(src, files)


@pytest.fixture
def built(tmp_path: Path, run_cli) -> tuple[Path, Path, dict[str, bytes]]:
    """A source, its built site, and the site's bytes; the source then changes."""
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "site"
    assert run_cli(src, "-o", out).code == 0
    before = all_files(out)
    second_version(src)
    return src, out, before


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("step", STEPS)
def test_a_failing_step_keeps_the_previous_site(
    built: tuple[Path, Path, dict[str, bytes]],
    run_cli,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    failure: str,
) -> None:
    src, out, before = built
    exc, code, message = FAILURES[failure]
    owner, name = STEPS[step]

    def fail(*args: object, **kwargs: object) -> Any:
        raise exc

    monkeypatch.setattr(owner, name, fail)
    result = run_cli(src, "-o", out)
    assert (result.code, message in result.text) == (code, True), result.text
    assert all_files(out) == before
    assert leftovers(out) == []
    monkeypatch.undo()
    assert run_cli(src, "-o", out).code == 0
    assert (out / "sessions").joinpath("9-session-9.html").is_file()
    assert leftovers(out) == []


def test_a_failure_halfway_through_the_commit_is_rolled_back(
    built: tuple[Path, Path, dict[str, bytes]], run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out, before = built
    moved = []
    real_move = writer._move

    def move_then_fail(a: Path, b: Path) -> None:
        if len(moved) == 3:
            raise OSError(28, "No space left on device")
        moved.append(a)
        real_move(a, b)

    monkeypatch.setattr(writer, "_move", move_then_fail)
    result = run_cli(src, "-o", out)
    assert result.code == 70 and "No space left on device" in result.text
    assert len(moved) == 3
    assert all_files(out) == before
    monkeypatch.undo()
    assert run_cli(src, "-o", out).code == 0
    assert leftovers(out) == []


def test_a_failed_commit_cleans_up_after_itself(
    built: tuple[Path, Path, dict[str, bytes]], run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out, _ = built
    real_move = writer._move
    calls = []

    def move_then_fail(a: Path, b: Path) -> None:
        calls.append(a)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        real_move(a, b)

    monkeypatch.setattr(writer, "_move", move_then_fail)
    assert run_cli(src, "-o", out).code == 70
    assert leftovers(out) == []  # not only on the next run


# ---- SIGKILL: a real process, stopped where no handler runs ---------------------------------


def big_event(folder: Path, n: int = 600) -> Path:
    """An event large enough that its build takes a noticeable moment."""
    files = base_files()
    files["sessions"] = [
        session(
            i, f"2030-05-02T{9 + i % 9:02d}:00:00+02:00", f"2030-05-02T{9 + i % 9:02d}:45:00+02:00"
        )
        for i in range(1, n + 1)
    ]
    files["speakers"] = [{"id": 100 + i, "name": f"Speaker {i}"} for i in range(1, n + 1)]
    return write_event(folder, files)


# Runs the CLI in a child; PROBE (optional) slows the commit's moves and counts them in a file.
CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from generator import writer
flag = {flag!r}
if flag:
    real = writer._move
    def slow(a, b):
        real(a, b)
        with open(flag, "a") as fh:
            fh.write("x")
        time.sleep(0.02)
    writer._move = slow
from generator.cli import main
sys.exit(main({argv!r}))
"""


def start_build(src: Path, out: Path, flag: Path | None = None) -> subprocess.Popen:
    argv = [str(src), "-o", str(out), "-q", "--no-remote"]
    code = CHILD.format(root=str(ROOT), flag=str(flag) if flag else "", argv=argv)
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen, seconds: float = 60) -> None:
    """Poll until `condition` holds; fail if the build ended first."""
    end = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, f"the build ended first: {proc.stderr.read()!r}"  # type: ignore[union-attr]
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.002)


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL


def test_killed_while_writing_keeps_the_previous_site(tmp_path: Path, run_cli) -> None:
    src = big_event(tmp_path / "ev")
    out = tmp_path / "site"
    assert run_cli(src, "-o", out, "-q", "--no-remote").code == 0
    before = all_files(out)
    second_version(src)
    proc = start_build(src, out)
    wait_for(lambda: any(".eventsite-tmp-" in n for n in leftovers(out)), proc)
    kill(proc)
    assert all_files(out) == before
    writer.recover(out)  # what the next run does first
    assert all_files(out) == before
    assert leftovers(out) == []
    assert run_cli(src, "-o", out, "-q", "--no-remote").code == 0
    assert leftovers(out) == []


def test_killed_halfway_through_the_commit_is_rolled_back_by_the_next_run(
    tmp_path: Path, run_cli
) -> None:
    src = big_event(tmp_path / "ev")
    out = tmp_path / "site"
    assert run_cli(src, "-o", out, "-q", "--no-remote").code == 0
    before = all_files(out)
    files = base_files()
    files["sessions"] = files["sessions"][:1]  # removes 599 sessions: a long commit
    write_event(src, files)
    flag = tmp_path / "moves"
    proc = start_build(src, out, flag)
    wait_for(lambda: flag.exists() and flag.stat().st_size >= 20, proc)
    kill(proc)
    assert all_files(out) != before  # caught in the middle: the output is half changed
    writer.recover(out)
    assert all_files(out) == before
    assert leftovers(out) == []
    assert run_cli(src, "-o", out, "-q", "--no-remote").code == 0
    assert len(list((out / "sessions").iterdir())) == 1
    assert leftovers(out) == []


def test_killed_first_build_leaves_nothing(tmp_path: Path, run_cli) -> None:
    src = big_event(tmp_path / "ev")
    out = tmp_path / "site"
    proc = start_build(src, out)
    wait_for(lambda: any(".eventsite-tmp-" in n for n in leftovers(out)), proc)
    kill(proc)
    assert not out.exists()
    assert run_cli(src, "-o", out, "-q", "--no-remote").code == 0
    assert leftovers(out) == []


def test_a_journal_half_written_when_killed_is_removed(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "site"
    assert run_cli(src, "-o", out).code == 0
    # Killed inside writer._write_atomic, before its os.replace: only the .tmp exists.
    (tmp_path / ".site.eventsite-journal.tmp").write_text('{"stage": "/nowhere", "back')
    writer.recover(out)  # what every run does first
    assert leftovers(out) == []
