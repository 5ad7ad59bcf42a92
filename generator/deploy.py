"""GitHub Pages publishing: build into a temporary folder, commit it to gh-pages, push."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from . import config as config_mod
from .errors import EventsiteError
from .log import BuildLog

# Settings that would change what `git add` stores or make it touch the user's checkout.
_GIT_SAFE = (
    "-c",
    "core.autocrlf=false",
    "-c",
    "core.safecrlf=false",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.sparseCheckout=false",
)
_GITHUB = re.compile(
    r"^(?:(?:https?|git|ssh|git\+ssh)://(?:[^@/]+@)?github\.com(?::\d+)?/|(?:[^@/:]+@)?github\.com:)"
    r"(?P<user>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$",
    re.IGNORECASE,
)
_DOMAIN = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


class DeployError(EventsiteError):
    """Publishing cannot go ahead, or git refused it."""


def pages_url(remote_url: str) -> str | None:
    """The GitHub Pages address for a GitHub remote URL (https or ssh); None for other hosts."""
    match = _GITHUB.match(remote_url.strip())
    if not match:
        return None
    user, repo = match["user"].lower(), match["repo"]
    if repo.lower() == f"{user}.github.io":  # a user or organisation site lives at the root
        return f"https://{user}.github.io/"
    return f"https://{user}.github.io/{repo}/"


def check_cname(domain: str) -> str:
    """A bare domain for the CNAME file, or a DeployError saying what is wrong."""
    domain = domain.strip().rstrip(".")
    if not _DOMAIN.match(domain):
        raise DeployError(
            f"--cname {domain!r} is not a domain name",
            "Give the bare domain, e.g. --cname schedule.example.org (no https://, no path).",
        )
    return domain.lower()


def _git(
    args: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run git; a failure with `check` becomes a DeployError carrying git's own words."""
    run_env = {k: v for k, v in os.environ.items() if k != "GIT_INDEX_FILE"}
    run_env.update(env or {})
    try:
        done = subprocess.run(
            ["git", *_GIT_SAFE, *args],
            cwd=cwd,
            env=run_env,
            input=stdin,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        raise DeployError("git is not installed", "deploy publishes with git.") from None
    if check and done.returncode != 0:
        raise DeployError(f"git {args[0]} failed", (done.stderr or done.stdout).strip())
    return done


def find_repo(start: Path) -> Path:
    """The top folder of the git repository holding `start`."""
    done = _git(["rev-parse", "--show-toplevel"], start, check=False)
    if done.returncode != 0:
        raise DeployError(
            f"{start} is not inside a git repository",
            "deploy commits the site to a branch of the event's repository and pushes it. "
            "Put the event in a git repository with a GitHub remote (git init; git remote add "
            "origin ...), or build with `eventsite build` and upload the folder yourself.",
        )
    return Path(done.stdout.strip())


def remote_url(repo: Path, remote: str) -> str:
    """The URL of `remote`, or a DeployError naming the remotes there are."""
    done = _git(["remote", "get-url", remote], repo, check=False)
    if done.returncode != 0:
        names = _git(["remote"], repo).stdout.split()
        raise DeployError(
            f"the repository has no remote named {remote!r}",
            f"Its remotes: {', '.join(names)}. Choose one with --remote NAME."
            if names
            else "Add one with: git remote add origin https://github.com/USER/REPO.git",
        )
    return done.stdout.strip()


def source_revision(repo: Path) -> str:
    """`git rev-parse --short HEAD`, with "+dirty" when tracked files have uncommitted changes."""
    head = _git(["rev-parse", "--short", "HEAD"], repo, check=False)
    if head.returncode != 0:
        return "(no commit yet)"
    # --no-optional-locks: a plain `git status` may rewrite the user's index.
    status = _git(["--no-optional-locks", "status", "--porcelain", "--untracked-files=no"], repo)
    return head.stdout.strip() + ("+dirty" if status.stdout.strip() else "")


def refuse_checked_out(repo: Path, branch: str) -> None:
    """Moving the checked-out branch would change the user's files under their feet."""
    head = _git(["symbolic-ref", "-q", "HEAD"], repo, check=False).stdout.strip()
    if head == f"refs/heads/{branch}":
        raise DeployError(
            f"the branch {branch} is checked out here",
            "Deploying would change the files under your feet. Switch to your source branch "
            "(git switch main) or deploy to another branch with --branch.",
        )


def commit_site(repo: Path, site: Path, branch: str, message: str, remote: str) -> tuple[str, str]:
    """Commit `site` as the next commit of `branch` without touching the checkout or its index.

    Returns (new commit, previous tip or "").
    """
    ref = f"refs/heads/{branch}"
    old = _git(["rev-parse", "--verify", "--quiet", ref], repo, check=False).stdout.strip()
    # A fresh clone has only the remote's branch: build on it so the push fast-forwards.
    tracking = f"refs/remotes/{remote}/{branch}"
    parent = (
        old or _git(["rev-parse", "--verify", "-q", tracking], repo, check=False).stdout.strip()
    )
    git_dir = _git(["rev-parse", "--absolute-git-dir"], repo).stdout.strip()
    index = {"GIT_INDEX_FILE": str(site.parent / "deploy-index")}  # a temporary index
    tree_git = ["--git-dir", git_dir, "--work-tree", str(site)]
    _git([*tree_git, "add", "--all", "--force", "."], site, env=index)
    tree = _git([*tree_git, "write-tree"], site, env=index).stdout.strip()
    parents = ["-p", parent] if parent else []
    commit = _git(["commit-tree", tree, *parents, "-F", "-"], repo, stdin=message).stdout.strip()
    reflog = f"eventsite deploy: {message.splitlines()[0] if message.strip() else ''}"
    _git(["update-ref", "-m", reflog, ref, commit, old], repo)  # fails if it moved meanwhile
    return commit, old


def push(repo: Path, remote: str, branch: str, force: bool) -> None:
    """Push `branch`; a rejection becomes a DeployError that says what to do."""
    ref = f"refs/heads/{branch}"
    spec = f"{'+' if force else ''}{ref}:{ref}"
    done = _git(["push", "--porcelain", remote, spec], repo, check=False)
    if done.returncode == 0:
        return
    said = (done.stdout + done.stderr).strip()
    if "non-fast-forward" in said or "fetch first" in said or "stale info" in said:
        raise DeployError(
            f"{remote} refused the push: its {branch} has commits this deploy does not build on",
            "Someone (or another machine) published since your copy of the branch. To keep "
            f"their history, run `git fetch {remote} +{branch}:{branch}` and deploy again; to "
            f"replace the published site with this build, deploy again with --force.\n\n{said}",
        )
    raise DeployError(
        f"pushing {branch} to {remote} failed; nothing was published",
        f"The local {branch} branch is left as it was.\n\n{said}",
    )


def previous_cname(repo: Path, branch: str, remote: str) -> str:
    """The custom domain in the CNAME file of the branch's last deploy, if any."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/{remote}/{branch}"):
        done = _git(["cat-file", "-p", f"{ref}:CNAME"], repo, check=False)
        if done.returncode == 0 and done.stdout.strip():
            try:
                return check_cname(done.stdout.splitlines()[0])
            except DeployError:
                return ""
    return ""


def _rollback(repo: Path, branch: str, commit: str, old: str) -> None:
    """Put the local branch back where it was, so a failed deploy leaves no trace."""
    ref = f"refs/heads/{branch}"
    if old:
        _git(["update-ref", "-m", "eventsite deploy: push failed", ref, old, commit], repo)
    else:
        _git(["update-ref", "-d", ref, commit], repo)


def add_deploy_parser(
    subparsers: Any, add_build_flags: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add `deploy`: build for GitHub Pages, commit to gh-pages, push."""
    p = subparsers.add_parser(
        "deploy",
        help="build for GitHub Pages, commit the site to the gh-pages branch and push it",
        description="Build into a temporary folder with the address GitHub Pages will use, "
        "commit it to the gh-pages branch (your checkout, index and uncommitted work are not "
        "touched) and push it.",
    )
    add_build_flags(p)
    for action in p._actions:
        if action.dest == "output":
            action.help = "ignored: deploy builds into a temporary folder"
        elif action.dest == "force":
            action.help = "push even when the remote branch has commits this deploy lacks"
        elif action.dest == "base_url":
            action.help = "the site's address (default: from --cname or the GitHub remote)"
    p.add_argument("--remote", default="origin", help="git remote to push to (default origin)")
    p.add_argument("--branch", default="gh-pages", help="branch to commit to (default gh-pages)")
    p.add_argument("--cname", metavar="DOMAIN", help="custom domain: writes CNAME, sets the URL")
    p.add_argument("--message", metavar="TEXT", help="commit message (default names the source)")
    p.add_argument(
        "--no-push", dest="push", action="store_false", help="commit to the branch, do not push"
    )


def run_deploy(args: argparse.Namespace, log: BuildLog) -> int:
    """Build, commit and push; EventsiteError (DeployError) when anything stops it."""
    from . import pipeline
    from .cli import _flags  # here, not at the top: cli imports this module for its parser

    flags = {**_flags(args), "force": None}  # --force means the push here
    if flags.get("output"):
        log.warning("deploy builds into a temporary folder; --output is ignored")
    cname = check_cname(args.cname) if args.cname else ""
    source = flags.get("source") or str(config_mod.SAMPLE_EVENT)
    local = not source.startswith(("http://", "https://"))
    start = Path(source).resolve() if local else Path.cwd()
    repo = find_repo(start if start.is_dir() else start.parent)
    refuse_checked_out(repo, args.branch)
    if not cname and (cname := previous_cname(repo, args.branch, args.remote)):
        # GitHub's Pages settings write CNAME into the branch; dropping it loses the domain.
        log.info(
            f"keeping the custom domain {cname} (the CNAME of {args.branch}); --cname changes it"
        )
    base = flags.get("base_url") or (f"https://{cname}/" if cname else "")
    base = base or config_mod.load({**flags, "output": None}).base_url
    url = remote_url(repo, args.remote) if args.push or not base else ""
    if not base:
        base = pages_url(url) or ""
        if not base:
            log.warning(
                f"cannot tell the GitHub Pages address from remote {args.remote} ({url}); "
                "building without a base URL",
                "Give it with --base-url https://USER.github.io/REPO/ or --cname DOMAIN.",
            )
    tmp = Path(tempfile.mkdtemp(prefix="eventsite-deploy-"))
    try:
        site = tmp / "site"
        cfg = config_mod.load({**flags, "base_url": base or None, "output": str(site)})
        try:
            pipeline.build(cfg, log)
        except EventsiteError as exc:
            raise DeployError(
                "the build failed; nothing was committed or pushed",
                "Fix the problem reported above and deploy again."
                if getattr(exc, "logged", False)
                else f"{exc.message}\n{exc.details}".strip(),
            ) from exc
        (site / ".eventsite").unlink(missing_ok=True)  # our build marker is not part of the site
        (site / ".nojekyll").write_bytes(b"")  # GitHub Pages must not run Jekyll on it
        if cname:
            (site / "CNAME").write_text(cname + "\n", encoding="utf-8")
        message = args.message or f"Deploy {source_revision(repo)} with eventsite {__version__}"
        commit, old = commit_site(repo, site, args.branch, message, args.remote)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not args.push:
        log.success(
            f"Committed the site to {args.branch} ({commit[:7]}); not pushed (--no-push)",
            f"Publish it with: git push {args.remote} {args.branch}",
        )
        return 0
    try:
        push(repo, args.remote, args.branch, args.force)
    except DeployError:
        _rollback(repo, args.branch, commit, old)
        raise
    where = base or f"the {args.branch} branch of {args.remote}"
    log.success(
        f"Published {where}",
        f"Commit {commit[:7]} on {args.branch}: {message.splitlines()[0]}. GitHub Pages serves "
        f"it a minute later (Settings → Pages → Deploy from a branch: {args.branch}).",
    )
    if log.fmt == "text" and log.verbosity >= 0:
        print(f"Published: {where}")
    return 0
