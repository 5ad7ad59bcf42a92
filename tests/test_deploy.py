"""deploy: build, commit to gh-pages with git plumbing, push; against a real bare repository."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
from pathlib import Path

import pytest

from generator import __version__
from generator.cli import _source_and_build_flags
from generator.deploy import DeployError, add_deploy_parser, check_cname, pages_url, run_deploy
from generator.log import BuildLog

from .conftest import base_files, write_event


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` and return its output; fail the test on an error."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A known identity and no global or system git configuration."""
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test Organiser")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "organiser@example.org")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A working repository with the event committed and `origin` pointing at a bare repository."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    write_event(work / "event", base_files())
    (work / "notes.txt").write_text("first\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "event data")
    git(work, "remote", "add", "origin", str(bare))
    return work


def deploy(*argv: str, log: BuildLog | None = None) -> int:
    """Parse `deploy ARGV` with the real build flags and run it."""
    parser = argparse.ArgumentParser(prog="eventsite")
    add_deploy_parser(parser.add_subparsers(dest="command"), _source_and_build_flags)
    args = parser.parse_args(["deploy", *argv])
    return run_deploy(args, log or BuildLog(stream=io.StringIO()))


def bare(repo: Path) -> Path:
    return repo.parent / "remote.git"


def test_deploy_commits_the_site_to_gh_pages_and_pushes(repo: Path) -> None:
    stream = io.StringIO()
    code = deploy(
        str(repo / "event"),
        "--no-remote",
        "--cname",
        "Conf.Example.org",
        log=BuildLog(stream=stream),
    )
    assert code == 0
    files = git(bare(repo), "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {"index.html", "schedule.html", ".nojekyll", "CNAME", "sw.js"} <= set(files)
    assert ".eventsite" not in files  # the build marker is not part of the site
    assert not any(name.startswith(("event/", "notes")) for name in files)
    assert git(bare(repo), "show", "gh-pages:CNAME") == "conf.example.org"
    index = git(bare(repo), "show", "gh-pages:index.html")
    assert 'href="https://conf.example.org/"' in index  # --cname gives the base URL
    head = git(repo, "rev-parse", "--short", "HEAD")
    message = git(bare(repo), "log", "-1", "--format=%s", "gh-pages")
    assert message == f"Deploy {head} with eventsite {__version__}"
    assert git(repo, "rev-parse", "gh-pages") == git(bare(repo), "rev-parse", "gh-pages")
    assert "Published https://conf.example.org/" in stream.getvalue()


def test_second_deploy_builds_on_the_first(repo: Path) -> None:
    assert deploy(str(repo / "event"), "--no-remote") == 0
    first = git(bare(repo), "rev-parse", "gh-pages")
    event = repo / "event" / "sessions"
    event.write_text(event.read_text().replace("Session 1", "Renamed session"))
    assert deploy(str(repo / "event"), "--no-remote", "--message", "second") == 0
    assert git(bare(repo), "rev-parse", "gh-pages^") == first
    assert git(bare(repo), "log", "-1", "--format=%s", "gh-pages") == "second"
    assert "Renamed session" in git(bare(repo), "show", "gh-pages:schedule.html")


def test_deploy_leaves_checkout_index_and_uncommitted_work_alone(repo: Path) -> None:
    (repo / "notes.txt").write_text("changed, not committed\n")
    (repo / "staged.txt").write_text("staged\n")
    git(repo, "add", "staged.txt")
    (repo / "untracked.txt").write_text("untracked\n")
    # A tracked file that only looks changed: any `git status` with locks would rewrite the index.
    tracks = repo / "event" / "tracks"
    os.utime(tracks, ns=(tracks.stat().st_atime_ns, tracks.stat().st_mtime_ns + 5_000_000_000))
    index = repo / ".git" / "index"

    def state() -> tuple[str, ...]:
        return (
            index.read_bytes().hex(),
            git(repo, "--no-optional-locks", "status", "--porcelain"),
            git(repo, "rev-parse", "HEAD"),
            git(repo, "symbolic-ref", "HEAD"),
            (repo / "notes.txt").read_text(),
            (repo / "untracked.txt").read_text(),
        )

    before = state()
    assert "M notes.txt" in before[1] and "A  staged.txt" in before[1]
    assert deploy(str(repo / "event"), "--no-remote") == 0
    assert state() == before
    head = git(repo, "rev-parse", "--short", "HEAD")
    assert git(repo, "log", "-1", "--format=%s", "gh-pages").startswith(f"Deploy {head}+dirty ")


def test_a_custom_domain_on_the_branch_is_kept(repo: Path) -> None:
    assert deploy(str(repo / "event"), "--no-remote", "--cname", "conf.example.org") == 0
    stream = io.StringIO()
    assert deploy(str(repo / "event"), "--no-remote", log=BuildLog(stream=stream)) == 0
    assert git(bare(repo), "show", "gh-pages:CNAME") == "conf.example.org"
    assert "keeping the custom domain conf.example.org" in stream.getvalue()
    assert 'href="https://conf.example.org/"' in git(bare(repo), "show", "gh-pages:index.html")


def test_no_push_only_commits(repo: Path) -> None:
    assert deploy(str(repo / "event"), "--no-remote", "--no-push") == 0
    assert git(repo, "rev-parse", "--verify", "gh-pages")
    heads = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", "refs/heads/gh-pages"],
        cwd=bare(repo),
        capture_output=True,
    )
    assert heads.returncode != 0  # nothing reached the remote


def test_refuses_outside_a_git_repository(tmp_path: Path) -> None:
    event = write_event(tmp_path / "plain" / "event", base_files())
    with pytest.raises(DeployError, match="is not inside a git repository") as info:
        deploy(str(event), "--no-remote")
    assert "git init" in info.value.details


def test_refuses_without_the_remote(repo: Path) -> None:
    with pytest.raises(DeployError, match="no remote named 'upstream'") as info:
        deploy(str(repo / "event"), "--no-remote", "--remote", "upstream")
    assert "Its remotes: origin" in info.value.details
    assert subprocess.run(["git", "rev-parse", "-q", "--verify", "gh-pages"], cwd=repo).returncode


def test_refuses_when_the_build_fails(repo: Path) -> None:
    (repo / "event" / "sessions").write_text("[{")
    stream = io.StringIO()
    with pytest.raises(DeployError, match="the build failed; nothing was committed"):
        deploy(str(repo / "event"), "--no-remote", log=BuildLog(stream=stream))
    assert "invalid JSON at line" in stream.getvalue()
    assert subprocess.run(["git", "rev-parse", "-q", "--verify", "gh-pages"], cwd=repo).returncode


def test_non_fast_forward_is_refused_unless_forced(repo: Path, tmp_path: Path) -> None:
    assert deploy(str(repo / "event"), "--no-remote") == 0
    mine = git(repo, "rev-parse", "gh-pages")
    # Someone else publishes an unrelated commit to the remote's gh-pages.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(bare(repo)), str(other))
    git(other, "switch", "-q", "--orphan", "elsewhere")
    (other / "index.html").write_text("theirs")
    git(other, "add", "index.html")
    git(other, "commit", "-q", "-m", "theirs")
    git(other, "push", "-q", "--force", "origin", "elsewhere:gh-pages")
    theirs = git(bare(repo), "rev-parse", "gh-pages")

    with pytest.raises(DeployError, match="refused the push") as info:
        deploy(str(repo / "event"), "--no-remote")
    assert "--force" in info.value.details and "git fetch origin +gh-pages:gh-pages" in (
        info.value.details
    )
    assert git(bare(repo), "rev-parse", "gh-pages") == theirs
    assert git(repo, "rev-parse", "gh-pages") == mine  # the local branch is rolled back

    assert deploy(str(repo / "event"), "--no-remote", "--force") == 0
    assert git(bare(repo), "rev-parse", "gh-pages") == git(repo, "rev-parse", "gh-pages")
    assert git(bare(repo), "rev-parse", "gh-pages^") == mine


def test_base_url_comes_from_the_github_remote(repo: Path) -> None:
    git(repo, "remote", "set-url", "origin", "git@github.com:Harbour-Tech/open-2026.git")
    assert deploy(str(repo / "event"), "--no-remote", "--no-push") == 0
    index = git(repo, "show", "gh-pages:index.html")
    assert 'href="https://harbour-tech.github.io/open-2026/"' in index
    files = git(repo, "ls-tree", "--name-only", "gh-pages").splitlines()
    assert "CNAME" not in files


def test_refuses_when_the_pages_branch_is_checked_out(repo: Path) -> None:
    git(repo, "switch", "-q", "-c", "gh-pages")
    with pytest.raises(DeployError, match="gh-pages is checked out"):
        deploy(str(repo / "event"), "--no-remote", "--no-push")


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("https://github.com/alice/conf.git", "https://alice.github.io/conf/"),
        ("https://github.com/alice/conf", "https://alice.github.io/conf/"),
        ("https://token@github.com/Alice/Conf-2026.git", "https://alice.github.io/Conf-2026/"),
        ("git@github.com:alice/conf.git", "https://alice.github.io/conf/"),
        ("ssh://git@github.com/alice/conf.git", "https://alice.github.io/conf/"),
        ("ssh://git@github.com:22/alice/conf", "https://alice.github.io/conf/"),
        ("https://github.com/alice/alice.github.io.git", "https://alice.github.io/"),
        ("git@github.com:Alice/Alice.GitHub.io.git", "https://alice.github.io/"),
        ("https://gitlab.com/alice/conf.git", None),
        ("/srv/git/conf.git", None),
    ],
)
def test_pages_url(remote: str, url: str | None) -> None:
    assert pages_url(remote) == url


def test_cname_must_be_a_domain() -> None:
    assert check_cname("Schedule.Example.org") == "schedule.example.org"
    with pytest.raises(DeployError, match="not a domain name"):
        check_cname("https://schedule.example.org/")
