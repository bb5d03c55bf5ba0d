"""Where the per-note parsing cost goes, against markdown-it-py's own time on the same text (issue 13).

    .venv/bin/python benchmarks/parse_profile.py --content DIR [--notes 400] [--profile]

Times, in this one process and on the same notes: markdown-it-py alone (`MarkdownIt("commonmark")`
with tables, rendering each body), weeknotes' Markdown renderer (plugins, Pygments, anchors,
footnotes, link checks), and the whole per-note parse (`parse.parse_one`: reading the file,
front matter, rendering, validation), each the best of three rounds. With `--profile` it prints
cProfile's top functions of the whole parse, by their own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from markdown_it import MarkdownIt

from weeknotes.base.errors import Problems
from weeknotes.source.cache import RenderCache
from weeknotes.source.config import load_authors, load_config
from weeknotes.source.markdown import render_markdown
from weeknotes.source.parse import Job, parse_one
from weeknotes.source.sources import content_digest, read_source


def best_of(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--notes", type=int, default=400)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    problems = Problems()
    config = load_config(args.content, problems)
    authors = load_authors(args.content, problems)
    assert config is not None, problems
    paths = sorted((args.content / "notes").rglob("*.md"))[: args.notes]
    jobs = [
        Job(path, "notes", args.content / "notes", path.read_bytes(), content_digest(path.read_bytes()), None)
        for path in paths
    ]
    sources = [read_source(job.path, job.kind, job.kind_dir, problems, job.raw) for job in jobs]
    bodies = [source.body for source in sources if source is not None]
    plain = MarkdownIt("commonmark").enable("table")
    n = len(jobs)
    floor = best_of(3, lambda: [plain.render(body) for body in bodies])
    ours = best_of(3, lambda: [render_markdown(body, config.allow_html, f"d{i}") for i, body in enumerate(bodies)])
    whole = best_of(3, lambda: [parse_one(job, config, authors, RenderCache(None)) for job in jobs])
    print(f"{n} notes, CPU time per note (best of 3 rounds):")
    print(f"  markdown-it-py alone (commonmark + tables): {floor / n * 1000:.2f} ms")
    print(f"  weeknotes' Markdown renderer:               {ours / n * 1000:.2f} ms ({ours / floor:.2f}x)")
    print(f"  whole parse (read, front matter, render, validate): {whole / n * 1000:.2f} ms ({whole / floor:.2f}x)")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for job in jobs:
            parse_one(job, config, authors, RenderCache(None))
        profile.disable()
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
