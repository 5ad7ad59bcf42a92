"""Build benchmark: cold and warm builds of synthetic events and a corpus, and the write floor.

Run from the project root:  python bench/run.py [--sizes 100,1000,5000] [--repeat 5] [--photos]
                                                [--corpus FILE --timezone ZONE] [--quick] [--json]
Every build is a fresh `python build.py SRC -o OUT --no-remote --log-format json` child process:
wall time is measured around it, CPU time (user + sys, workers included) and peak memory come
from bench/_launch.py, which starts the builds (peak: the larger of the biggest process's
ru_maxrss and the sampled peak of the whole process tree's PSS), and the step times from the
build's JSON log.
Each repetition runs, in this order:
  cold   OUT and every cache folder moved aside first (deleted at the end of the run);
  warm   built again over the cold build's output, caches kept, nothing changed;
  floor  the built site's files read into memory, then timed while written into a fresh folder
         (mkdir + write_bytes), the fastest of 3 tries: the least a build of that site could
         spend writing it.
Before each timed step the file system is synced (untimed), so none pays for earlier writes.
Generated events are kept in /tmp/bench-events/ (keyed by synth.py's hash), outputs go to
/tmp/bench-runs/. Prints medians as a Markdown table and PASS/FAIL per target. On a shared
machine the numbers are noisy: compare medians of several repetitions, not single runs.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from synth import make_event  # noqa: E402

EVENTS = Path("/tmp/bench-events")  # generated events and corpus copies, kept between runs
WORK = Path("/tmp/bench-runs")  # outputs and floor copies, replaced on every run
TRASH = WORK / ".trash"  # what a step must not find is moved here and deleted at the end
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "frab-xml" / "fosdem-2020.schedule.xml"
DEFAULT_CORPUS_ZONE = "Europe/Brussels"
PHOTO_SESSIONS = 1500  # 1,500 sessions give synth.py's pool of 1,300 speakers, so 1,300 photos
CACHE_NAME = ".eventsite-cache"
# The floor of a repetition is the fastest of a few tries, each into a folder never used before.
# On this VM creating a file costs 25 us or 400 us (open with O_CREAT, all sys time), the slow
# mode mostly just after many files were deleted: the same 3,600-file write took 0.11 s or
# 1.5 s. A floor is the least writing the site can cost, so the fastest try stands for it.
FLOOR_TRIES = 3
MB = 1e6


def compile_bytecode(checkout: Path) -> None:
    """Byte-compile the measured checkout's generator once, untimed, as installing it does."""
    # pip byte-compiles a package it installs, and Python caches the bytecode of what it
    # imports, so a user's builds do not compile the generator's source. Where
    # PYTHONDONTWRITEBYTECODE is set (this machine sets it) every measured build would: 40-60 ms.
    if not compileall.compile_dir(checkout / "generator", quiet=1):
        raise BenchError(f"{checkout / 'generator'} does not compile")


def cache_dirs(source: Path, out: Path, extra: list[Path]) -> list[Path]:
    """Every folder a cold build must not find: the one place that knows where caches live."""
    data_folder = source if source.is_dir() else source.parent
    # The cache may live beside the output or in the event folder; --cache-dir adds others.
    return [out, out.parent / CACHE_NAME, data_folder / CACHE_NAME, *extra]


@dataclass
class Case:
    """One thing to build: a source folder or file and the flags it needs."""

    name: str
    source: Path
    flags: list[str] = field(default_factory=list)
    synth_sessions: int | None = None
    photos: bool = False


@dataclass
class Build:
    """What one build child process cost and produced."""

    wall: float
    cpu: float
    sys: float  # the kernel's share of cpu: on a VM it swells with memory and file costs
    peak_mb: float  # the larger of the two below
    rss_max_mb: float  # ru_maxrss: peak RSS of the largest single process (exact)
    tree_pss_mb: float  # peak of the process tree's summed PSS (sampled every 50 ms)
    build_seconds: float | None  # the build's own figure, without interpreter start-up
    steps: dict[str, float]
    pages: int | None
    sessions: int | None


@dataclass
class Rep:
    """One repetition: cold build, warm build, and the write floor of the same site."""

    cold: Build
    warm: Build
    floor: float  # the fastest of floor_tries
    floor_tries: list[float]
    files: int
    bytes: int


class BenchError(Exception):
    """A build failed or timed out; the case is reported as failed."""


_WROTE = re.compile(r"Wrote (\d+) pages .* in ([\d.]+) s")
_COUNTS = re.compile(r": (\d+) sessions, (\d+) speakers")


class Launcher:
    """bench/_launch.py in a child process: starts every build and measures it (see its doc)."""

    def __init__(self) -> None:
        # Its builds' ru_maxrss starts from its own small peak, whatever the runner holds.
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH / "_launch.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, cmd: list[str], cwd: Path, timeout: float) -> dict[str, Any]:
        """Run one command to its end; the launcher's measurement of it."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        request = {"cmd": cmd, "cwd": str(cwd), "timeout": timeout}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise BenchError("the launcher died")
        return json.loads(line)

    def close(self) -> None:
        """Stop the launcher and any build it is running."""
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()


def run_build(
    launcher: Launcher,
    case: Case,
    out: Path,
    extra_args: list[str],
    timeout: float,
    checkout: Path = ROOT,
) -> Build:
    """Build `case` into `out` with `checkout`'s build.py in a fresh child process; measure it."""
    cmd = [sys.executable, str(checkout / "build.py"), str(case.source), "-o", str(out)]
    cmd += ["--no-remote", "--log-format", "json", *case.flags, *extra_args]
    res = launcher.run(cmd, checkout, timeout)
    records = _records(res["stderr"])
    if res["returncode"] != 0:
        errors = [r.get("smallMessage", "") for r in records if r.get("type") == "ERROR"]
        why = "; ".join(errors) or res["stderr"][-500:]
        if res["timed_out"]:
            why = f"killed after {timeout:.0f} s"
        raise BenchError(f"{case.name}: build exited with {res['returncode']}: {why}")
    steps = {
        r["step"]: float(r["seconds"])
        for r in records
        if r.get("type") == "SUCCESS" and r.get("step") and r.get("seconds") is not None
    }
    pages = build_seconds = sessions = None
    for r in records:
        message = r.get("smallMessage", "")
        if (m := _WROTE.search(message)) and r.get("step") is None:
            pages, build_seconds = int(m.group(1)), float(m.group(2))
        if (m := _COUNTS.search(message)) and r.get("type") == "INFO":
            sessions = int(m.group(1))
    return Build(
        wall=res["wall"],
        cpu=res["utime"] + res["stime"],
        sys=res["stime"],
        # Linux reports KiB. Forked workers count in the tree's PSS, not in ru_maxrss.
        peak_mb=max(res["maxrss_kib"], res["tree_pss_kib"]) * 1024 / MB,
        rss_max_mb=res["maxrss_kib"] * 1024 / MB,
        tree_pss_mb=res["tree_pss_kib"] * 1024 / MB,
        build_seconds=build_seconds,
        steps=steps,
        pages=pages,
        sessions=sessions,
    )


def _records(log: str) -> list[dict[str, Any]]:
    out = []
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a stray print or traceback line: not ours to parse
        if isinstance(record, dict):
            out.append(record)
    return out


def discard(path: Path) -> None:
    """Make `path` disappear now, but delete it only at the end of the run.

    Just after thousands of files were deleted, creating files was often 10 times slower here
    (3,600 files: 1.2-1.6 s into a folder just emptied, 0.13 s into new ones); a rename costs
    nothing. `empty_trash` deletes them later.
    """
    if not path.exists():
        return
    TRASH.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(path, TRASH / f"{time.time_ns()}-{path.name}")
    except OSError:  # another file system: delete it now
        shutil.rmtree(path, ignore_errors=True)


def empty_trash() -> None:
    """Delete everything `discard` put aside."""
    shutil.rmtree(TRASH, ignore_errors=True)


def settle() -> None:
    """Flush dirty pages and the journal, so no step pays for the previous step's writeback."""
    os.sync()


def read_site(folder: Path) -> list[tuple[str, bytes]]:
    """Every file of a built site as (relative path, bytes), dotfiles included."""
    return [
        (p.relative_to(folder).as_posix(), p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]


def write_floor(
    files: list[tuple[str, bytes]], base: Path, tries: int = FLOOR_TRIES
) -> list[float]:
    """Seconds to write `files` (already in memory) into a fresh folder under `base`, per try."""
    folders = sorted({os.path.dirname(rel) for rel, _ in files} - {""})
    seconds = []
    for _ in range(tries):
        dest = base / f"floor-{time.time_ns()}"
        settle()
        t0 = time.perf_counter()
        dest.mkdir(parents=True)
        for rel in folders:
            (dest / rel).mkdir(parents=True, exist_ok=True)
        for rel, data in files:
            (dest / rel).write_bytes(data)
        seconds.append(time.perf_counter() - t0)
        discard(dest)
    return seconds


def measure_preview(case: Case, repeat: int, checkout: Path, timeout: float) -> float | None:
    """Median seconds of the preview's rebuild after a one-session edit (bench/_preview.py)."""
    cmd = [sys.executable, str(BENCH / "_preview.py"), str(checkout), str(case.source), str(repeat)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
        seconds = json.loads(res.stdout.strip().splitlines()[-1])["seconds"]
    except (subprocess.SubprocessError, ValueError, IndexError, KeyError) as exc:
        err = getattr(exc, "stderr", "") or ""
        print(f"[{case.name}] preview: {exc} {err[-500:]}", file=sys.stderr)
        return None
    runs = ", ".join(f"{s:.3f}" for s in seconds)
    print(f"[{case.name}] preview rebuild after a one-session edit: {runs} s", file=sys.stderr)
    return statistics.median(seconds)


def synth_event(n: int, photos: bool, seed: int = 1) -> Path:
    """The generated event for n sessions, made once and kept in EVENTS."""
    key = hashlib.sha256((BENCH / "synth.py").read_bytes()).hexdigest()[:10]
    folder = EVENTS / f"synth-n{n}{'-photos' if photos else ''}-s{seed}-{key}"
    if folder.is_dir():
        return folder
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"generating {folder.name} ...", file=sys.stderr)
    make_event(tmp, n, photos=photos, seed=seed)
    tmp.rename(folder)  # only a complete event ever has the final name
    return folder


def corpus_copy(path: Path) -> Path:
    """A copy of a corpus file under EVENTS, so caches a build leaves beside it stay in /tmp."""
    dest = EVENTS / "corpus" / path.name
    stat = path.stat()
    if not dest.is_file() or dest.stat().st_size != stat.st_size:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)  # keeps the mtime, which the calendars' DTSTAMP comes from
    return dest


def run_case(launcher: Launcher, case: Case, repeat: int, args: argparse.Namespace) -> list[Rep]:
    """`repeat` repetitions of cold, warm and floor for one case."""
    base = WORK / case.name
    out = base / "site"
    reps = []
    for i in range(repeat):
        for path in cache_dirs(case.source, out, args.cache_dir):
            discard(path)
        settle()
        cold = run_build(launcher, case, out, args.build_arg, args.timeout, args.checkout)
        settle()
        warm = run_build(launcher, case, out, args.build_arg, args.timeout, args.checkout)
        files = read_site(out)
        tries = write_floor(files, base)
        floor = min(tries)
        reps.append(Rep(cold, warm, floor, tries, len(files), sum(len(d) for _, d in files)))
        print(
            f"[{case.name}] {i + 1}/{repeat}: cold {cold.wall:.2f} s "
            f"(cpu {cold.cpu:.2f}, {cold.peak_mb:.0f} MB), warm {warm.wall:.2f} s, "
            f"floor {floor:.3f} s (tries {', '.join(f'{t:.2f}' for t in tries)})",
            file=sys.stderr,
        )
    return reps


def medians(reps: list[Rep]) -> dict[str, Any]:
    """Medians of every figure over the repetitions."""

    def med(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return statistics.median(present) if present else None

    first = reps[0].cold
    steps = {
        mode: {
            name: med([getattr(r, mode).steps.get(name) for r in reps])
            for name in getattr(reps[0], mode).steps
        }
        for mode in ("cold", "warm")
    }
    return {
        "sessions": first.sessions,
        "pages": first.pages,
        "files": reps[0].files,
        "mb": reps[0].bytes / MB,
        "cold_wall": med([r.cold.wall for r in reps]),
        "cold_cpu": med([r.cold.cpu for r in reps]),
        # System time is mostly the kernel creating files: it swings with the file system.
        "cold_sys": med([r.cold.sys for r in reps]),
        "cold_peak_mb": med([r.cold.peak_mb for r in reps]),
        "cold_build_seconds": med([r.cold.build_seconds for r in reps]),
        "warm_wall": med([r.warm.wall for r in reps]),
        "warm_cpu": med([r.warm.cpu for r in reps]),
        "warm_peak_mb": med([r.warm.peak_mb for r in reps]),
        "warm_build_seconds": med([r.warm.build_seconds for r in reps]),
        "floor": med([r.floor for r in reps]),
        "floor_all_min": min(t for r in reps for t in r.floor_tries),
        "floor_all_max": max(t for r in reps for t in r.floor_tries),
        # The ratio within each repetition, then its median: floor and build share conditions.
        "cold_floor_ratio": med([r.cold.wall / r.floor for r in reps if r.floor > 0]),
        "image_cold": med([r.cold.steps.get("Images") for r in reps]),
        "image_warm": med([r.warm.steps.get("Images") for r in reps]),
        "peak_mb": max(
            med([r.cold.peak_mb for r in reps]) or 0, med([r.warm.peak_mb for r in reps]) or 0
        ),
        "steps": steps,
    }


@dataclass
class Target:
    """A target from the issue: a figure of a case that must stay at or under a limit."""

    label: str
    case: str
    metric: str
    limit: float
    unit: str


def targets(args: argparse.Namespace) -> list[Target]:
    """The issue's targets, tied to this run's case names."""
    photos = f"synth-{args.photo_sessions}-photos"
    return [
        Target("N=1,000 cold build", "synth-1000", "cold_wall", 1.8, "s"),
        Target("N=1,000 warm build", "synth-1000", "warm_wall", 0.6, "s"),
        Target("N=1,000 cold build / write floor", "synth-1000", "cold_floor_ratio", 3.0, "x"),
        Target("N=5,000 cold build", "synth-5000", "cold_wall", 7.0, "s"),
        Target("N=5,000 warm build", "synth-5000", "warm_wall", 2.5, "s"),
        Target("N=5,000 peak memory (cold or warm)", "synth-5000", "peak_mb", 300, "MB"),
        Target("1,300 photos: image step, cold", photos, "image_cold", 5.0, "s"),
        Target("1,300 photos: image step, warm", photos, "image_warm", 0.5, "s"),
        Target(
            "Preview rebuild after one-session edit, N=1,000", "synth-1000", "preview", 0.1, "s"
        ),
        Target(
            "Preview rebuild after one-session edit, N=5,000", "synth-5000", "preview", 0.35, "s"
        ),
    ]


def _f(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    """The Markdown tables and the target lines."""
    lines = [
        "| case | sessions | pages | MB | cold wall s | cold CPU s (of it system) | cold peak MB "
        "| warm wall s | warm CPU s | write floor s | cold/floor | image step s (cold / warm) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, res in results.items():
        if "error" in res:
            lines.append(f"| {name} | FAILED: {res['error']} |" + " |" * 10)
            continue
        m = res["medians"]
        lines.append(
            f"| {name} | {m['sessions'] or 'n/a'} | {m['pages'] or 'n/a'} | {m['mb']:.1f} "
            f"| {_f(m['cold_wall'])} | {_f(m['cold_cpu'])} ({_f(m.get('cold_sys'))}) "
            f"| {_f(m['cold_peak_mb'], 0)} "
            f"| {_f(m['warm_wall'])} | {_f(m['warm_cpu'])} | {_f(m['floor'], 3)} "
            f"| {_f(m['cold_floor_ratio'], 1)} | {_f(m['image_cold'])} / {_f(m['image_warm'])} |"
        )
    # File creation on this machine is bimodal (see FLOOR_TRIES): say where it showed.
    wide = [
        f"{name} {m['floor_all_min']:.2f}-{m['floor_all_max']:.2f} s"
        for name, res in results.items()
        if (m := res.get("medians")) and m["floor_all_max"] > 3 * m["floor_all_min"]
    ]
    if wide:
        lines += [
            "",
            "Write-floor tries varied more than 3x (file creation was slow at times), so these "
            "cold/floor ratios are unreliable: " + "; ".join(wide) + ".",
        ]
    lines += ["", *step_table(results), "", "Targets (medians):"]
    for t in targets(args):
        res = results.get(t.case)
        value = None if res is None or "error" in res else res["medians"].get(t.metric)
        if res is None:
            lines.append(f"- SKIPPED {t.label} <= {t.limit:g} {t.unit}: case {t.case} not run")
        elif value is None:
            lines.append(f"- FAIL {t.label} <= {t.limit:g} {t.unit}: no measurement ({t.case})")
        else:
            verdict = "PASS" if value <= t.limit else "FAIL"
            lines.append(f"- {verdict} {t.label}: {value:.2f} {t.unit} (target <= {t.limit:g})")
    return "\n".join(lines)


def step_table(results: dict[str, Any]) -> list[str]:
    """Median seconds per build step, cold / warm, one column per case."""
    ok = {name: res["medians"] for name, res in results.items() if "error" not in res}
    if not ok:
        return []
    steps: list[str] = []
    for m in ok.values():
        steps += [s for s in m["steps"]["cold"] if s not in steps]
    lines = [
        "Median seconds per step, cold / warm (from the build's JSON log):",
        "",
        "| step | " + " | ".join(ok) + " |",
        "|---|" + "--:|" * len(ok),
    ]
    for step in steps:
        lines.append(f"| {step} | " + " | ".join(_cells(ok, step)) + " |")
    lines.append(
        "| whole build, in process | "
        + " | ".join(
            f"{_f(m['cold_build_seconds'])} / {_f(m['warm_build_seconds'])}" for m in ok.values()
        )
        + " |"
    )
    lines.append(
        "| process wall (adds start-up, imports) | "
        + " | ".join(f"{_f(m['cold_wall'])} / {_f(m['warm_wall'])}" for m in ok.values())
        + " |"
    )
    return lines


def _cells(ok: dict[str, dict[str, Any]], step: str) -> list[str]:
    """One 'cold / warm' cell per case for a step."""
    return [
        f"{_f(m['steps']['cold'].get(step))} / {_f(m['steps']['warm'].get(step))}"
        for m in ok.values()
    ]


def environment(checkout: Path) -> dict[str, Any]:
    """What the numbers were measured on."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "checkout": str(checkout),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "commit": commit,
    }


def main(argv: list[str] | None = None) -> int:
    """Generate the events, run every case, print the tables and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="synthetic session counts")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per case (median)")
    parser.add_argument("--quick", action="store_true", help="one repetition per case")
    parser.add_argument("--photos", action="store_true", help="add the 1,300-photo case")
    parser.add_argument(
        "--photo-sessions",
        type=int,
        default=PHOTO_SESSIONS,
        help=f"sessions of the photo case (default {PHOTO_SESSIONS}: 1,300 speakers, 1,300 photos)",
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="large corpus file")
    parser.add_argument("--timezone", default=DEFAULT_CORPUS_ZONE, help="the corpus's zone")
    parser.add_argument("--no-corpus", action="store_true", help="skip the corpus case")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        action="append",
        default=[],
        help="another cache folder to delete before cold builds (repeatable)",
    )
    parser.add_argument(
        "--build-arg",
        action="append",
        default=[],
        help="extra flag for every build, e.g. --build-arg=--theme=dark (repeatable)",
    )
    parser.add_argument(
        "--checkout",
        type=Path,
        default=ROOT,
        help="project checkout whose build.py is measured (default: this one), e.g. an export "
        "of another commit: git archive HEAD | tar -x -C /tmp/bench-head",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per build")
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="also dump the raw numbers as JSON to FILE (no FILE: to stdout, tables to stderr)",
    )
    args = parser.parse_args(argv)
    args.checkout = args.checkout.resolve()
    # SIGTERM unwinds like Ctrl-C, so the launcher and its build are stopped too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    repeat = 1 if args.quick else args.repeat
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    env = environment(args.checkout)
    print(
        f"eventsite at {args.checkout} ({env['commit'] or 'no git'}) on Python {env['python']}, "
        f"{env['cpus']} CPUs, "
        f"load average {env['load_average'][0]:.2f}, {repeat} repetition(s)",
        file=sys.stderr,
    )
    compile_bytecode(args.checkout)
    cases = [Case(f"synth-{n}", synth_event(n, False), synth_sessions=n) for n in sizes]
    if args.photos:
        n = args.photo_sessions
        cases.append(Case(f"synth-{n}-photos", synth_event(n, True), synth_sessions=n, photos=True))
    if not args.no_corpus:
        source = corpus_copy(args.corpus)
        name = source.name.split(".")[0]
        cases.append(Case(name, source, flags=["--timezone", args.timezone]))

    results: dict[str, Any] = {}
    empty_trash()  # a run that was killed may have left some
    launcher = Launcher()
    try:
        for case in cases:
            try:
                reps = run_case(launcher, case, repeat, args)
            except BenchError as exc:
                print(f"[{case.name}] {exc}", file=sys.stderr)
                results[case.name] = {"source": str(case.source), "error": str(exc)}
                continue
            results[case.name] = {
                "source": str(case.source),
                "flags": case.flags,
                "medians": medians(reps),
                "runs": [asdict(r) for r in reps],
            }
    finally:
        launcher.close()
        empty_trash()
    for case in cases:
        if case.synth_sessions in (1000, 5000) and not case.photos and case.name in results:
            preview = measure_preview(case, repeat, args.checkout, args.timeout)
            results[case.name].setdefault("medians", {})["preview"] = preview
    env["load_average_end"] = os.getloadavg()

    text = report(results, args)
    to_stdout = args.json == "-"
    print(text, file=sys.stderr if to_stdout else sys.stdout)
    load = f"{env['load_average'][0]:.2f} -> {env['load_average_end'][0]:.2f}"
    print(
        f"\n{env['cpus']} CPUs, load average {load} (1 min); medians of {repeat}.",
        file=sys.stderr if to_stdout else sys.stdout,
    )
    if args.json:
        dump = json.dumps({"environment": env, "repeat": repeat, "cases": results}, indent=2)
        if to_stdout:
            print(dump)
        else:
            Path(args.json).write_text(dump + "\n", encoding="utf-8")
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
