"""Edit-to-page time of `weeknotes serve` on the example site (content/), appended to RESULTS.md.

    .venv/bin/python benchmarks/serve_example.py [--edits 10] [--weeknotes PATH]

Copies content/ to a temporary folder, starts `weeknotes serve --port P` on it, and edits
one note's title again and again, timing each save until the served page shows the new
title (the issue's target: under 0.2 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import free_port, poll_until

REPO = Path(__file__).resolve().parent.parent
NOTE = "notes/zoe/2025-12-01-week-one-of-the-warm-spaces-review.md"
PAGE = "notes/week-one-of-the-warm-spaces-review/"


def measure(weeknotes: str, edits: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns(".weeknotes-cache"))
        note = content / NOTE
        original = note.read_text(encoding="utf-8")
        title_line = next(line for line in original.splitlines() if line.startswith("title:"))
        port = free_port()
        proc = subprocess.Popen(
            [weeknotes, "serve", "--content", str(content), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/{PAGE}"
        times = []
        try:
            if not poll_until(url, "</html>", time.perf_counter() + 60, proc):
                raise SystemExit("weeknotes serve did not come up")
            for edit in range(edits):
                marker = f"Edited {edit}"
                time.sleep(0.5)  # let the previous rebuild and its debounce settle
                started = time.perf_counter()
                note.write_text(original.replace(title_line, f'title: "{marker}"', 1), encoding="utf-8")
                if poll_until(url, marker, started + 30, proc):
                    times.append(time.perf_counter() - started)
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=30)
        return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--weeknotes", default=str(REPO / ".venv/bin/weeknotes"))
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks/RESULTS.md")
    args = parser.parse_args()
    times = measure(args.weeknotes, args.edits)
    if not times:
        print("no edit reached the page")
        return 1
    line = (
        f"\n## Example site (content/)\n\n`weeknotes serve` edit→page over {len(times)} edits: "
        f"median {statistics.median(times):.3f} s, fastest {min(times):.3f} s, slowest {max(times):.3f} s "
        "(target: under 0.2 s).\n"
    )
    print(line)
    with args.results.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
