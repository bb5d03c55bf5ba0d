"""Benchmark weeknotes side by side with Hugo, Pelican and Eleventy (issue 7).

In one run, on one deterministic corpus per size, each tool is timed over several runs for:
a cold build, a rebuild with nothing changed, a rebuild after one note's body changed (each
in a new process), peak memory, and its dev server's edit-to-page time. The table (with
ratios to Hugo) is printed and written to benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py [--sizes 1000,10000] [--runs 3] [--quick]
        [--tools weeknotes,hugo,pelican,eleventy] [--no-serve] [--no-install]
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import corpus
import measure
import report
import runners
import sites
from corpus import Item
from report import Metric, Outcome, RunInfo
from runners import LOOPBACK, REPO, WORK, Tool
from sites import SiteLayout

TOOLS = ("weeknotes", "weeknotes-nosearch", "hugo", "hugo-pagefind", "pelican", "eleventy")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
# "Now" for every tool: the day after the corpus ends, so no item is held back as scheduled.
SOURCE_DATE_EPOCH = int(datetime(2026, 11, 20, tzinfo=UTC).timestamp())


@dataclass
class Settings:
    sizes: list[int]
    runs: int
    tools: list[str]
    seed: int
    serve: bool
    install: bool
    timeout: float
    quiet_wait: float
    weeknotes: Path
    results: Path


# --- one tool at one size ---------------------------------------------------------------------


class Bench:
    """Measures one tool on one site; fills in an Outcome."""

    def __init__(self, tool: Tool, site: SiteLayout, target: Item, cfg: Settings) -> None:
        self.tool, self.site, self.target, self.cfg = tool, site, target, cfg
        self.env = tool.env(site, runners.base_env(SOURCE_DATE_EPOCH))
        self.peaks: list[int] = []
        self.starts = self.busy_starts = 0

    def say(self, text: str) -> None:
        print(f"  {self.tool.name:<9} {text}", flush=True)

    def quiet(self) -> None:
        """Start each measurement, if we can, while no one else is using the CPU."""
        self.starts += 1
        if self.cfg.quiet_wait > 0 and not measure.wait_machine_quiet(self.cfg.quiet_wait):
            self.busy_starts += 1

    def build(self) -> measure.BuildRun:
        cmd = self.tool.build_cmd(self.site)
        self.quiet()
        run = measure.timed_build(cmd, self.site.root, self.env, self.cfg.timeout)
        if run.peak_kib:
            self.peaks.append(run.peak_kib)
        return run

    def clean(self) -> None:
        for path in (self.site.output, *self.site.caches):
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    def _record(self, metric: Metric, phase: str, i: int, run: measure.BuildRun) -> bool:
        memory = report.mebibytes(run.peak_kib) if run.peak_kib else "?"
        if not run.ok:
            metric.error = run.failure()
            self.say(f"{phase} {i + 1}/{self.cfg.runs}: FAILED {metric.error}")
            return False
        metric.samples.append(run.seconds)
        metric.cpu.append(run.cpu_seconds)
        cpu = f"{run.cpu_seconds:.2f} s CPU, " if run.cpu_seconds is not None else ""
        self.say(f"{phase} {i + 1}/{self.cfg.runs}: {run.seconds:.2f} s, {cpu}{memory}")
        return True

    def cold(self) -> Metric:
        metric = Metric()
        for i in range(self.cfg.runs):
            self.clean()
            if not self._record(metric, "cold", i, self.build()):
                break
            if i == 0 and (missing := self.missing_pages()):
                metric.error = "expected pages missing: " + ", ".join(missing)
                self.say(f"cold: FAILED {metric.error}")
                break
        return metric

    def noop(self) -> Metric:
        metric = Metric()
        for i in range(self.cfg.runs):
            if not self._record(metric, "no-change", i, self.build()):
                break
        return metric

    def change(self) -> Metric:
        metric = Metric()
        for i in range(self.cfg.runs):
            token = f"qzb{i}x"
            self.target = replace(self.target, body=f"{self.target_body()}\nEdited {token}.\n")
            self.site.write_item(self.target)
            if not self._record(metric, "one-note", i, self.build()):
                break
            page = self.site.output_page(self.target)
            if token not in (page.read_text("utf-8", "replace") if page.exists() else ""):
                metric.warning = f"stale output: {page.name} of the edited note lacks the edit"
                self.say(f"one-note: WARNING {metric.warning}")
        return metric

    def target_body(self) -> str:
        return self.target.body.split("\nEdited qzb", 1)[0]

    def missing_pages(self) -> list[str]:
        out, item = self.site.output, self.target
        wanted = [
            "index.html",
            "page/2/index.html",
            "feed.xml",
            f"{item.section}/{item.slug}/index.html",
            f"tags/{item.tags[0]}/index.html",
            f"authors/{item.author}/index.html",
        ]
        return [path for path in wanted if not (out / path).is_file()]

    def serve(self, cold_seconds: float) -> Metric:
        metric = Metric()
        port = measure.free_port()
        log = self.site.root.parent / f"{self.tool.name}-serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                self.tool.serve_cmd(self.site, port),
                cwd=self.site.root,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                self._edit_loop(proc, port, cold_seconds, metric)
            finally:
                measure.kill_tree(proc)
        if metric.error:
            tail = " | ".join(log.read_text("utf-8", "replace").strip().splitlines()[-3:])
            tail = tail[:200].replace("`", "'")
            metric.error = f"{metric.error} (server log: `{tail}`)"
        return metric

    def _edit_loop(self, proc: subprocess.Popen[bytes], port: int, cold_seconds: float, metric: Metric) -> None:
        url = f"http://{LOOPBACK}:{port}{sites.url_path(self.target)}"
        ready = time.perf_counter() + 60 + 5 * cold_seconds
        if not measure.poll_until(url, self.target.title, ready, proc):
            metric.error = f"server never served {url}"
            self.say(f"serve: FAILED {metric.error}")
            return
        measure.wait_idle(proc.pid, ready)
        limit = 30 + 3 * cold_seconds
        for i in range(self.cfg.runs):
            token = f"qzt{i}x"
            edited = replace(self.target, title=f"{self.target.title} {token}")
            self.quiet()
            start = time.perf_counter()
            self.site.write_item(edited)
            if not measure.poll_until(url, token, start + limit, proc):
                metric.error = f"edited title not served within {limit:.0f} s"
                self.say(f"serve: FAILED {metric.error}")
                return
            metric.samples.append(time.perf_counter() - start)
            self.say(f"serve edit {i + 1}/{self.cfg.runs}: {metric.samples[-1]:.2f} s")
            measure.wait_idle(proc.pid, time.perf_counter() + limit)

    def run(self, outcome: Outcome) -> None:
        try:
            self._phases(outcome)
        finally:
            outcome.peak_kib = max(self.peaks) if self.peaks else None
            outcome.starts, outcome.busy_starts = self.starts, self.busy_starts

    def _phases(self, outcome: Outcome) -> None:
        outcome.cold = self.cold()
        if outcome.cold.error:
            return
        outcome.noop = self.noop()
        outcome.change = self.change()
        if self.cfg.serve and self.tool.serves:
            outcome.serve = self.serve(outcome.cold.median or 1.0)


# --- the whole run --------------------------------------------------------------------------


def newest_note(items: Sequence[Item]) -> Item:
    """The note a contributor would be editing: the most recent one."""
    return next(item for item in reversed(items) if item.kind == "note")


def bench_size(size: int, tools: Sequence[Tool], cfg: Settings) -> list[Outcome]:
    print(f"\n== {size:,} items ==", flush=True)
    started = time.perf_counter()
    items = corpus.generate_items(size, cfg.seed)
    target = newest_note(items)
    print(f"  corpus generated in {time.perf_counter() - started:.1f} s", flush=True)
    outcomes = []
    for tool in tools:
        outcome = Outcome(tool.name, tool.label, size)
        outcomes.append(outcome)
        if reason := tool.unavailable():
            outcome.skipped = reason
            print(f"  {tool.name:<9} skipped: {reason}", flush=True)
            continue
        site = sites.WRITERS[tool.name](items, WORK / f"n{size}" / tool.name)
        try:
            Bench(tool, site, target, cfg).run(outcome)
        except Exception as exc:  # a harness or tool surprise: report it, go on
            outcome.skipped = f"benchmark error: {exc!r}"[:300]
            print(f"  {tool.name:<9} ERROR {exc!r}", flush=True)
    return outcomes


def corpus_shape(size: int, seed: int) -> str:
    items = corpus.generate_items(size, seed)
    notes = sum(item.kind == "note" for item in items)
    return f"{notes:,} notes, {size - notes:,} links"


def run_info(cfg: Settings, tools: Sequence[Tool], argv: Sequence[str]) -> RunInfo:
    versions = {t.name: t.version() for t in tools if not t.unavailable()}
    return RunInfo(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        command=shlex.join(["python", "benchmarks/run.py", *argv]),
        runs=cfg.runs,
        seed=cfg.seed,
        corpus={size: corpus_shape(size, cfg.seed) for size in cfg.sizes},
        versions=versions,
        serve_measured=cfg.serve,
        quiet_wait=cfg.quiet_wait,
        load_before=report.load_average(),
    )


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 20:
        raise argparse.ArgumentTypeError("sizes must be at least 20 items")
    return sizes


def _tools(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = sorted(set(names) - set(TOOLS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown tools {unknown}; choose from {TOOLS}")
    return names


def parse_args(argv: Sequence[str]) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, help="item counts (default 1000,10000)")
    parser.add_argument("--runs", type=int, help="runs per measurement (default 3)")
    parser.add_argument("--tools", type=_tools, default=list(TOOLS), help=",".join(TOOLS))
    parser.add_argument("--quick", action="store_true", help="1000 items, 1 run")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--no-serve", action="store_true", help="skip the dev-server timing")
    parser.add_argument("--no-install", action="store_true", help="do not install anchors")
    parser.add_argument("--timeout", type=float, default=1800, help="per build, seconds")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30,
        help="seconds to wait for an idle machine before each measurement (0: never)",
    )
    parser.add_argument("--weeknotes", type=Path, default=REPO / ".venv" / "bin" / "weeknotes")
    parser.add_argument("--results", type=Path, default=RESULTS, help="report to write")
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else (1 if args.quick else 3)
    if runs < 1:
        parser.error("--runs must be at least 1")
    sizes = args.sizes or ([1000] if args.quick else [1000, 10000])
    return Settings(
        sizes,
        runs,
        args.tools,
        args.seed,
        not args.no_serve,
        not args.no_install,
        args.timeout,
        args.quiet_wait,
        args.weeknotes.absolute(),
        args.results,
    )


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds, so running builds and servers are killed


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    cfg = parse_args(argv)
    tools = runners.make_tools(cfg.tools, cfg.weeknotes, cfg.install)
    info = run_info(cfg, tools, argv)
    outcomes: list[Outcome] = []
    for size in cfg.sizes:
        outcomes += bench_size(size, tools, cfg)
    info.load_after = report.load_average()
    text = report.render(outcomes, info)
    cfg.results.write_text(text, encoding="utf-8")
    WORK.mkdir(parents=True, exist_ok=True)
    raw = {"info": info.__dict__, "outcomes": [o.as_dict() for o in outcomes]}
    (WORK / "last-run.json").write_text(json.dumps(raw, indent=1, default=str) + "\n")
    print("\n" + text, flush=True)
    print(f"written to {cfg.results}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
