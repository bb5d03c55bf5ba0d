"""Measuring primitives: timed builds with peak memory, process trees, HTTP polling.

Standard library only. Peak memory of a build is the larger of
- the maximum RSS of its largest process, from `/usr/bin/time -v` (or, without GNU time, from
  `getrusage(RUSAGE_CHILDREN)` in a small wrapper process), and
- the largest sum of PSS over the whole process tree, sampled every 0.2 s from /proc while
  the build has more than one process, so a build that fans out to worker processes is
  charged for all of them.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")
SAMPLE_EVERY = 0.2
POLL_EVERY = 0.025
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

_RUSAGE_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"User time (seconds): {usage.ru_utime}\\n")
    out.write(f"System time (seconds): {usage.ru_stime}\\n")
    out.write(f"Maximum resident set size (kbytes): {usage.ru_maxrss}\\n")
sys.exit(code)
"""


@dataclass
class BuildRun:
    """One build process: wall time, peak memory, and how it ended."""

    seconds: float
    peak_kib: int | None
    returncode: int | None  # None: killed at the time limit
    output_tail: str
    cpu_seconds: float | None = None  # user + system, from GNU time

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> str:
        if self.returncode is None:
            return f"timed out after {self.seconds:.0f} s"
        tail = " | ".join(self.output_tail.strip().splitlines()[-3:])
        return f"exit {self.returncode}: {tail}"[:300]


# --- process trees -------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (threads' children included)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process tree, waited-for children included."""
    ticks = 0
    for p in descendants(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / CLK_TCK


class TreeSampler(threading.Thread):
    """Samples the PSS sum of the processes under a wrapper until stopped; keeps the peak.

    A lone process is left to the wrapper's own max-RSS figure, which is exact and free:
    reading smaps costs the CPU we are timing, so only process trees are sampled.
    """

    def __init__(self, wrapper_pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib = wrapper_pid, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(SAMPLE_EVERY):
            pids = descendants(self.pid)[1:]
            if len(pids) > 1:
                self.peak_kib = max(self.peak_kib, sum(_pss_kib(p) for p in pids))

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kib


def kill_tree(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """End a process started with start_new_session=True, and its group, by its own id."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


# --- timed builds --------------------------------------------------------------------------


def _wrapped(cmd: Sequence[str], rss_file: Path) -> list[str]:
    """The command under GNU time, or else under a small getrusage wrapper."""
    if GNU_TIME.exists():
        return [str(GNU_TIME), "-v", "-o", str(rss_file), *cmd]
    return [sys.executable, "-c", _RUSAGE_WRAPPER, str(rss_file), *cmd]


def _time_report(rss_file: Path) -> tuple[int | None, float | None]:
    """Max RSS (KiB) and CPU seconds from GNU time's (or the wrapper's) report."""
    try:
        text = rss_file.read_text()
    except OSError:
        return None, None
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    cpu = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text)
    return (int(rss.group(1)) if rss else None), (sum(map(float, cpu)) if cpu else None)


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode("utf-8", "replace")


def timed_build(cmd: Sequence[str], cwd: Path, env: dict[str, str], timeout: float) -> BuildRun:
    """Run one build in a new process; wall time from spawn to exit."""
    with tempfile.TemporaryDirectory(prefix="wn-bench-") as tmp:
        rss_file, log = Path(tmp) / "rss", Path(tmp) / "log"
        argv = _wrapped(cmd, rss_file)
        with log.open("wb") as out:
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            sampler = TreeSampler(proc.pid)
            sampler.start()
            try:
                code: int | None = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                kill_tree(proc)
                code = None
            except BaseException:  # interrupted: leave no build behind
                kill_tree(proc)
                raise
            seconds = time.perf_counter() - start
            sampled = sampler.stop()
        max_rss, cpu = _time_report(rss_file)
        peaks = [p for p in (max_rss, sampled) if p]
        return BuildRun(seconds, max(peaks) if peaks else None, code, _tail(log), cpu)


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str, timeout: float = 2.0) -> str | None:
    """The page's text, or None while it is not (yet) served."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read()
            return body.decode("utf-8", "replace")
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return None  # not up yet, or a file being rewritten under the server


def poll_until(url: str, needle: str, deadline: float, proc: subprocess.Popen[bytes]) -> bool:
    """Fetch `url` until its text contains `needle`; False at the deadline or if proc died."""
    while time.perf_counter() < deadline:
        body = fetch(url)
        if body is not None and needle in body:
            return True
        if proc.poll() is not None:
            return False
        time.sleep(POLL_EVERY)
    return False


def wait_idle(pid: int, deadline: float, window: float = 0.5, busy: float = 0.1) -> bool:
    """Wait until a process tree uses under `busy` of a core for two windows in a row."""
    quiet = 0
    last = tree_cpu_seconds(pid)
    while time.perf_counter() < deadline:
        time.sleep(window)
        now = tree_cpu_seconds(pid)
        quiet = quiet + 1 if (now - last) / window < busy else 0
        last = now
        if quiet >= 2:
            return True
    return False


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0, 0
    values = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def wait_machine_quiet(max_wait: float, busy: float = 0.15, window: float = 1.0) -> bool:
    """Wait (at most `max_wait` s) for a second in which all cores together are under `busy`.

    Other people's work on a shared machine inflates wall times; starting each measurement
    in a quiet moment keeps that out of most samples. False: it stayed busy.
    """
    deadline = time.perf_counter() + max_wait
    while True:
        busy0, total0 = _cpu_jiffies()
        time.sleep(window)
        busy1, total1 = _cpu_jiffies()
        if total1 <= total0 or (busy1 - busy0) / (total1 - total0) < busy:
            return True
        if time.perf_counter() >= deadline:
            return False
