"""The command line: help, the default build, the console script, exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def test_help_documents_every_subcommand_and_flag(run_cli) -> None:
    result = run_cli("--help")
    assert result.code == 0
    for word in ["build", "check", "--output", "--theme", "--base-url", "--timezone",
                 "--day-change", "--no-remote", "--strict", "--force", "--log-format"]:  # fmt: skip
        assert word in result.out, word


def test_default_build_is_the_sample_into_site(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py")], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    site = tmp_path / "_site"
    assert (site / "index.html").is_file()
    assert "Harbour Open Tech Summit 2026" in (site / "index.html").read_text(encoding="utf-8")
    assert f"Open {site / 'index.html'}" in proc.stdout


def test_console_script_is_the_same_program(tmp_path: Path) -> None:
    script = shutil.which("eventsite")
    if script is None:
        import pytest

        pytest.skip("the eventsite console script is not installed (pip install -e .)")
    proc = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    direct = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0 and proc.stdout == direct.stdout


def test_expected_failure_has_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), str(tmp_path / "missing"), "-o",
         str(tmp_path / "o")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "no such file or folder" in proc.stderr
    assert "Traceback" not in proc.stderr
    verbose = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), str(tmp_path / "missing"), "-v"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert "Traceback" in verbose.stderr


def test_quiet_prints_only_problems(tmp_path: Path, run_cli, event_dir: Path) -> None:
    result = run_cli(event_dir, "-o", tmp_path / "site", "-q")
    assert result.code == 0 and result.text == ""
    (event_dir / "sessions").write_text("[{}]")
    result = run_cli(event_dir, "-o", tmp_path / "site", "-q")
    assert result.text.startswith("WARNING")
