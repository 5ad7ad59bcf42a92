"""Times the preview's rebuild after a one-session edit; run by bench/run.py in a child process.

Usage: python bench/_preview.py CHECKOUT SOURCE REPEAT. Copies SOURCE (an Open Event folder) to
a temporary folder, starts the preview of CHECKOUT on it (no browser, port 0, the normal
debounce), then REPEAT times rewrites the `sessions` file with one session's title changed and
waits until the preview has rebuilt. Prints one JSON line: {"seconds": [...]}, each the
preview's own time for that rebuild (from reading the data to the committed site, as it logs
"Built in ..."), not counting the file watcher's latency or the debounce.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import tempfile
from pathlib import Path


def main() -> int:
    checkout, source, repeat = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    sys.path.insert(0, str(checkout))
    from generator.log import BuildLog
    from generator.serve import Preview

    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    data = work / "data"
    shutil.copytree(source, data)
    flags = {"source": str(data), "no_remote": True}
    preview = Preview(flags, BuildLog(stream=io.StringIO()), port=0)
    preview.start()
    seconds = []
    try:
        sessions = json.loads((data / "sessions").read_text(encoding="utf-8"))
        for i in range(repeat):
            sessions[i]["title"] = f"{sessions[i]['title']} (edited)"
            before = len(preview.build_seconds)
            (data / "sessions").write_text(json.dumps(sessions), encoding="utf-8")
            if not preview.wait_until(
                lambda n=before: len(preview.build_seconds) > n and preview.idle(), 120
            ):
                raise SystemExit("the preview did not rebuild within 120 s")
            seconds.append(preview.build_seconds[-1])
    finally:
        preview.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
