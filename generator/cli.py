"""The command line: subcommands, flags and exit codes. No build logic lives here."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import EventsiteError
from .log import BuildLog
from .sources import FORMATS

SUBCOMMANDS = ("build", "check", "badges", "serve", "deploy")


def _source_and_build_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "source",
        nargs="?",
        help="event data: a folder, a .zip, a schedule file or an http(s) base URL "
        "(default: the bundled sample event)",
    )
    p.add_argument("-o", "--output", help="output folder (default: _site)")
    p.add_argument("--theme", help="theme name (default, dark) or path to a theme folder")
    p.add_argument(
        "--base-url", help="absolute URL the site will live at (canonical links, ICS, 404 page)"
    )
    p.add_argument("--timezone", help="IANA zone for the event, overriding the data's")
    p.add_argument(
        "--day-change", metavar="HH:MM", help="hour a conference day starts (default 04:00)"
    )
    p.add_argument("--format", choices=FORMATS, help="force the input format (default: detected)")
    p.add_argument(
        "--no-remote", action="store_true", default=None, help="do not fetch remote images"
    )
    p.add_argument("--strict", action="store_true", default=None, help="make warnings fatal")
    p.add_argument(
        "--no-service-worker",
        dest="register_sw",
        action="store_false",
        default=None,
        help="build without registering the service worker (the preview server does this)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        default=None,
        help="replace an output folder that was not built by eventsite",
    )
    p.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="text for people, or one JSON object per line",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    p.add_argument("-v", "--verbose", action="store_true", help="details and tracebacks")


def make_parser(tools: bool = True) -> argparse.ArgumentParser:
    """The argument parser; `tools` adds badges, serve and deploy (heavier imports)."""
    parser = argparse.ArgumentParser(
        prog="eventsite",
        description="Build a fast, offline-capable website from an event's schedule data.",
        epilog="Without a subcommand, `build` is run: `eventsite my-event/` builds my-event.",
    )
    parser.add_argument("--version", action="version", version=f"eventsite {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = sub.add_parser("build", help="build the site into a folder (the default)")
    _source_and_build_flags(build)
    check = sub.add_parser("check", help="read and validate the data, print every problem")
    _source_and_build_flags(check)
    if tools:
        # Imported only when needed: PDF, web-server and git code would slow every build.
        from .badges import add_badges_parser
        from .deploy import add_deploy_parser
        from .serve import add_serve_parser

        add_badges_parser(sub)
        add_serve_parser(sub, _source_and_build_flags)
        add_deploy_parser(sub, _source_and_build_flags)
    return parser


def _full_help(parser: argparse.ArgumentParser) -> str:
    """Top-level help followed by every subcommand's flags."""
    parts = [parser.format_help()]
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for name, sub in action.choices.items():
            parts.append(f"\n--- eventsite {name} ---\n{sub.format_help()}")
    return "".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser(
        tools=args_list[:1] in (["badges"], ["serve"], ["deploy"], ["-h"], ["--help"])
    )
    if args_list[:1] in (["-h"], ["--help"]):
        print(_full_help(parser))
        return 0
    if not args_list or (args_list[0] not in SUBCOMMANDS and args_list[0] != "--version"):
        args_list.insert(0, "build")
    args = parser.parse_args(args_list)
    verbosity = 1 if args.verbose else (-1 if args.quiet else 0)
    log = BuildLog(args.log_format, verbosity)
    try:
        if args.command == "badges":
            from .badges import run_badges

            return run_badges(args, log)
        if args.command == "check":
            return _check(args, log)
        if args.command == "serve":
            from .serve import run_serve

            return run_serve(args, log)
        if args.command == "deploy":
            from .deploy import run_deploy

            return run_deploy(args, log)
        return _build(args, log)
    except EventsiteError as exc:
        if not getattr(exc, "logged", False):
            log.error(exc.message, exc.details)
        if args.verbose:
            traceback.print_exc()
        return exc.exit_code
    except KeyboardInterrupt:
        log.error("interrupted; the previous output is unchanged")
        return 130
    except Exception as exc:  # a bug: say so plainly, keep the traceback for -v
        log.error(
            f"internal error: {type(exc).__name__}: {exc}",
            "This is a bug in eventsite; the previous output is unchanged. "
            "Run again with -v to see the traceback and please report it.",
        )
        if args.verbose:
            traceback.print_exc()
        return 70


def run() -> None:
    """The process entry point (build.py, the `eventsite` command): main(), then exit."""
    code = main()
    if sys.argv[1:2] in (["serve"], ["deploy"], ["badges"]):
        raise SystemExit(code)
    # A build or check is over: its output committed, its cache saved, its log written. Letting
    # Python free every object of a large build one by one took 0.07 s at 1,000 sessions and
    # 0.17 s at 5,000, so the process ends here, as mypy's does. Nothing may rely on atexit.
    with contextlib.suppress(OSError):  # a closed pipe: nothing more can be said anyway
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _flags(args: argparse.Namespace) -> dict:
    return {
        "source": args.source,
        "output": args.output,
        "theme": args.theme,
        "base_url": args.base_url,
        "timezone": args.timezone,
        "day_change": args.day_change,
        "format": args.format,
        "no_remote": args.no_remote,
        "strict": args.strict,
        "force": args.force,
        "register_sw": args.register_sw,
    }


def _build(args: argparse.Namespace, log: BuildLog) -> int:
    from . import config, pipeline

    cfg = config.load(_flags(args))
    result = pipeline.build(cfg, log)
    out = Path(result.output).resolve()
    log.success(
        f"Wrote {result.pages} pages ({result.files} files, {result.bytes / 1e6:.1f} MB) "
        f"to {out} in {result.seconds:.2f} s"
        + (f" with {len(result.warnings)} warnings" if result.warnings else ""),
        f"Open {out / 'index.html'}",
    )
    if log.fmt == "text" and log.verbosity >= 0:
        print(f"Open {out / 'index.html'} in a browser.")
    return 0


def _check(args: argparse.Namespace, log: BuildLog) -> int:
    from . import config, pipeline
    from .errors import DataError

    cfg = config.load(_flags(args))
    _, event, report = pipeline.read(cfg, log)
    for problem in report.problems:
        (log.error if problem.severity == "error" else log.warning)(str(problem))
    fatal = report.errors + (report.warnings if cfg.strict else [])
    if fatal:
        raise DataError(fatal)
    log.success(f"{event.name}: {len(event.sessions)} sessions, no problems that stop a build")
    return 0
