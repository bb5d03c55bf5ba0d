"""Our Markdown renderer (markdown-it-py) against markdown-it-pyrs and cmarkgfm (issue 23).

    .venv/bin/pip install markdown-it-pyrs cmarkgfm        # into the .venv only: not dependencies
    .venv/bin/python benchmarks/corpus.py --items 10000 --out /tmp/corpus10k
    .venv/bin/python benchmarks/markdown_compare.py --corpus /tmp/corpus10k --fetch-spec
    .venv/bin/python benchmarks/markdown_compare.py --corpus /tmp/corpus10k --build-profile

Three measurements, each renderer configured as close to ours (weeknotes/source/markdown.py)
as it can be:

- speed: CPU time (time.process_time) to render every Markdown body of the corpus (front
  matter split off exactly as a build does), best of `--rounds`, renderers interleaved
  within each round so the machine's load falls on all of them alike;
- golden: each body of the golden site's content (`--golden`, tests/sites/basic) rendered
  by each renderer and compared with ours after normalising whitespace only (runs of
  whitespace become one space, whitespace between two tags goes); `--diffs DIR` writes one
  diff per differing body;
- spec: the CommonMark spec examples (0.31.2, `commonmark.json` from markdown-it-py's
  sdist: `--fetch-spec` gets it with `pip download`, into benchmarks/work/), passes per
  renderer, plain (bare CommonMark, raw HTML on) and in our full configuration.

`--build-profile` also builds the corpus cold, serially and in this process (a parked
thread keeps the workers from forking), first for its CPU time and then under cProfile, and
prints how much of it is Markdown (render_markdown, its parse and render, Pygments).

What the two others cannot do natively, and the adapter (`+ adapter` rows: Python
post-processing of their HTML, timed with them) does instead:

- markdown-it-pyrs: no highlight hook (the adapter runs Pygments over
  `<pre><code class="language-X">`); its heading_anchors plugin adds GitHub's octicon link and
  its own slugs on every level, so it is off (the adapter adds our ids to h2-h4); no footnote
  doc id (the adapter prefixes `fnN`/`fnrefN`); no link validation hook (javascript: etc.
  stay text as in ours, but ftp:, irc:, ... become links: the adapter unwraps them to their
  text, where ours shows the Markdown source); raw HTML can only be parsed or not: off, so
  raw HTML shows as escaped text where ours drops it; no token stream from `render` (the
  links, first paragraph and references we take from the tokens would need `tree()`, a
  second parse: the `+ tree()` row times that too).
- cmarkgfm: no highlight hook, no heading ids, footnotes in GitHub's markup (`fn-N`,
  `data-footnote-ref`, no `[N]`, no `<hr>`), tables with `align=`, strikethrough as `<del>`,
  void elements as `<hr />` (the adapter rewrites all of these to ours), raw HTML becomes
  `<!-- raw HTML omitted -->` (the adapter removes it: dropped, as ours), unsafe links keep
  their text with `href=""` (javascript:, data:, file:, vbscript: only; ftp:, irc: ... stay
  links, which the adapter unwraps), no token stream at all (links, first paragraph and
  references would need an HTML parse).

Both implement CommonMark 0.30, not 0.31.2 as markdown-it-py does (Unicode symbols such as
`£` do not count as punctuation for emphasis there).

Exits 2 when markdown-it-pyrs or cmarkgfm is not installed.
"""

from __future__ import annotations

import argparse
import cProfile
import difflib
import html
import importlib.util
import json
import os
import pstats
import re
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from weeknotes.base.errors import Problems
from weeknotes.source.markdown import _heading_slug, _highlight, is_safe_link, parser, render_markdown
from weeknotes.source.parse import doc_id_of
from weeknotes.source.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
SPEC_SDIST = "markdown-it-py==4.3.0"
SPEC_MEMBER = "tests/test_cmark_spec/commonmark.json"
BODY_KINDS = ("notes", "links", "digests", "pages")

Render = Callable[[str, str], str]
"""(Markdown body, doc id) -> HTML."""


# --- the renderers -------------------------------------------------------------------------

def missing_renderers() -> list[str]:
    return [name for name, module in (("markdown-it-pyrs", "markdown_it_pyrs"), ("cmarkgfm", "cmarkgfm"))
            if importlib.util.find_spec(module) is None]


# markdown-it-pyrs' CommonMark rules without the two raw-HTML ones (it has no way to drop
# raw HTML at render time, as ours does; parsed, it would pass through unsanitised).
PYRS_RULES = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
              "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline"]


def renderers() -> dict[str, Render]:
    """Every renderer, in the order of the tables; ours first (the ratios' base)."""
    import cmarkgfm  # type: ignore[import-untyped]
    import markdown_it_pyrs
    from cmarkgfm.cmark import Options  # type: ignore[import-untyped]

    ours_html = parser(False)
    pyrs = markdown_it_pyrs.MarkdownIt("zero").enable_many([*PYRS_RULES, "table", "strikethrough", "footnote"])

    def mdit_full(text: str, doc_id: str) -> str:
        return render_markdown(text, False, doc_id).html

    def mdit_html(text: str, doc_id: str) -> str:
        return ours_html.render(text, {"docId": doc_id})

    def pyrs_native(text: str, _doc_id: str) -> str:
        return pyrs.render(text, xhtml=False)

    def cmark_native(text: str, _doc_id: str) -> str:
        return str(cmarkgfm.markdown_to_html_with_extensions(
            text, options=Options.CMARK_OPT_FOOTNOTES, extensions=["table", "strikethrough"]))

    return {
        "markdown-it-py (ours: render_markdown)": mdit_full,
        "markdown-it-py (HTML only)": mdit_html,
        "markdown-it-pyrs": pyrs_native,
        "markdown-it-pyrs + adapter": lambda text, doc_id: adapt(pyrs_native(text, doc_id), doc_id),
        "markdown-it-pyrs + adapter + tree()": lambda text, doc_id: with_tree(pyrs, text, doc_id),
        "cmarkgfm": cmark_native,
        "cmarkgfm + adapter": lambda text, doc_id: adapt(cmark_native(text, doc_id), doc_id),
    }


def plain_renderers() -> dict[str, Callable[[str], str]]:
    """Bare CommonMark, raw HTML on, for the spec tests."""
    import cmarkgfm
    import markdown_it_pyrs
    from cmarkgfm.cmark import Options

    mdit = MarkdownIt("commonmark")
    pyrs = markdown_it_pyrs.MarkdownIt("commonmark")
    return {
        "markdown-it-py": mdit.render,
        "markdown-it-pyrs": lambda text: pyrs.render(text, xhtml=True),
        "cmarkgfm": lambda text: str(cmarkgfm.markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)),
    }


# --- the adapter: what we would have to add to either one's HTML ------------------------------

CODE_BLOCK = re.compile(r'<pre><code class="language-([^"]+)">(.*?)</code></pre>', re.DOTALL)
HEADING = re.compile(r"<h([2-4])>(.*?)</h\1>", re.DOTALL)
ANY_ID_HEADING = re.compile(r'<h[1-6][^>]* id="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
FOOTNOTE_ID = re.compile(r'(id="|href="#)fn(ref)?-?(\d+)')
RAW_OMITTED = re.compile(r"<!-- raw HTML omitted -->\n?")
TABLE_ALIGN = re.compile(r'<(t[hd]) align="(\w+)">')
XHTML_VOID = re.compile(r"<((?:hr|br|img)\b[^>]*?) ?/>")
# cmark-gfm's footnote markup, rewritten to mdit_py_plugins' (ids already carry the doc id)
GFM_FOOTNOTES = [
    (re.compile(r'(id="fnref-[^"]+") data-footnote-ref>(\d+)</a>'), r"\1>[\2]</a>"),
    (re.compile(r"<section class=\"footnotes\" data-footnotes>\n<ol>"),
     '<hr class="footnotes-sep">\n<section class="footnotes">\n<ol class="footnotes-list">'),
    (re.compile(r'<li id="(fn-[^"]+)">'), r'<li id="\1" class="footnote-item">'),
    (re.compile(r'class="footnote-backref" data-footnote-backref [^>]*>↩</a>'), 'class="footnote-backref">↩︎</a>'),
]


def adapt(out: str, doc_id: str) -> str:
    """Bring a renderer's HTML towards ours: raw HTML dropped, unsafe links unwrapped, ids on
    h2-h4, footnote ids per document and our footnote markup, our table, strikethrough and
    void-element markup (`<hr>`, not `<hr />`), Pygments."""
    if "<!--" in out:
        out = RAW_OMITTED.sub("", out)
    if "<a " in out:
        out = LINK.sub(_safe_link, out)
    if "<h" in out:
        out = _heading_ids(out)
    if 'id="fn' in out:
        out = FOOTNOTE_ID.sub(lambda m: f"{m[1]}fn{m[2] or ''}-{doc_id}-{m[3]}", out)
        if "data-footnotes" in out:
            for pattern, replacement in GFM_FOOTNOTES:
                out = pattern.sub(replacement, out)
    if "align=" in out:
        out = TABLE_ALIGN.sub(r'<\1 style="text-align:\2">', out)
    out = out.replace("<del>", "<s>").replace("</del>", "</s>")
    if "/>" in out:
        out = XHTML_VOID.sub(r"<\1>", out)
    if "<pre><code class=" in out:
        out = CODE_BLOCK.sub(_highlighted, out)
    return out


def with_tree(pyrs: Any, text: str, doc_id: str) -> str:
    """What replacing render_markdown would cost: the adapted HTML, and a second parse
    (`tree()`) for what we take from the tokens (link targets, images, first paragraph)."""
    out = adapt(pyrs.render(text, xhtml=False), doc_id)
    targets, first = [], None
    for node in pyrs.tree(text).walk():
        if node.name in ("link", "image"):
            targets.append((node.meta.get("url"), node.srcmap))
        elif first is None and node.name == "paragraph":
            first = " ".join("".join(str(child.meta.get("content", " ")) for child in node.walk()).split())
    return out


def _safe_link(match: re.Match[str]) -> str:
    href = html.unescape(match[1])
    return match[0] if is_safe_link(href) else match[2]


def _heading_ids(out: str) -> str:
    slugs = set(ANY_ID_HEADING.findall(out))

    def with_id(match: re.Match[str]) -> str:
        slug = base = _heading_slug(html.unescape(TAG.sub("", match[2])))
        number = 1
        while slug in slugs:
            slug, number = f"{base}-{number}", number + 1
        slugs.add(slug)
        return f'<h{match[1]} id="{slug}">{match[2]}</h{match[1]}>'

    return HEADING.sub(with_id, out)


def _highlighted(match: re.Match[str]) -> str:
    lang = html.unescape(match[1])
    code = _highlight(html.unescape(match[2]), lang, "")
    return f'<pre><code class="language-{match[1]}">{code or match[2]}</code></pre>'


# --- inputs ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Body:
    name: str
    doc_id: str
    text: str


def bodies(content: Path) -> list[Body]:
    """Every Markdown body under content/{notes,links,digests,pages}, as a build reads it."""
    found = []
    for kind in BODY_KINDS:
        kind_dir = content / kind
        for path in sorted(kind_dir.rglob("*.md")):
            source = read_source(path, kind, kind_dir, Problems())
            if source is not None:
                found.append(Body(f"{kind}/{source.rel}", doc_id_of(source), source.body))
    return found


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


# --- (a) speed -------------------------------------------------------------------------------

def time_all(render: Render, items: Sequence[Body]) -> float:
    start = time.process_time()
    for body in items:
        render(body.text, body.doc_id)
    return time.process_time() - start


def measure_speed(chosen: dict[str, Render], items: Sequence[Body], rounds: int) -> dict[str, float]:
    best: dict[str, float] = {}
    for number in range(1, rounds + 1):
        for name, render in chosen.items():
            before = load()
            seconds = time_all(render, items)
            best[name] = min(seconds, best.get(name, seconds))
            print(f"  round {number}: {name:40s} {seconds:8.2f} s CPU  ({before} before, {load()} after)", flush=True)
    return best


# --- (b) golden ------------------------------------------------------------------------------

BETWEEN_TAGS = re.compile(r">\s+<")
WHITESPACE = re.compile(r"\s+")


def normalise(out: str) -> str:
    return BETWEEN_TAGS.sub("><", WHITESPACE.sub(" ", out)).strip()


def as_lines(out: str) -> list[str]:
    """Normalised HTML one tag per line, so a diff shows what changed."""
    return [part for part in re.split(r"(?=<)", normalise(out)) if part.strip()]


def compare_golden(chosen: dict[str, Render], items: Sequence[Body], diffs: Path | None) -> dict[str, list[str]]:
    """{renderer: names of bodies whose output differs from ours}."""
    ours_name, ours = next(iter(chosen.items()))
    differing: dict[str, list[str]] = {}
    for name, render in list(chosen.items())[1:]:
        differing[name] = []
        for body in items:
            expected, got = ours(body.text, body.doc_id), render(body.text, body.doc_id)
            if normalise(expected) == normalise(got):
                continue
            differing[name].append(body.name)
            if diffs is not None:
                target = diffs / _file_name(name) / (body.name.replace("/", "__") + ".diff")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("\n".join(difflib.unified_diff(
                    as_lines(expected), as_lines(got), ours_name, name, lineterm="", n=1)) + "\n", encoding="utf-8")
    return differing


def report_differences(chosen: dict[str, Render], content: Path, items: Sequence[Body], diffs: Path | None) -> None:
    differing = compare_golden(chosen, items, diffs / content.name if diffs else None)
    print(f"\nBodies of {content} differing from ours after normalising whitespace, of {len(items)}:")
    for name, names in differing.items():
        shown = " ".join(names[:8]) + (" ..." if len(names) > 8 else "")
        print(f"  {name:40s} {len(names):5d}  {shown}")


def _file_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# --- (c) spec --------------------------------------------------------------------------------

def fetch_spec(target: Path) -> Path:
    """commonmark.json from markdown-it-py's sdist (its wheel has no tests), via pip."""
    if target.exists():
        return target
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                        "--dest", folder, SPEC_SDIST], check=True)
        archive = next(Path(folder).glob("*.tar.gz"))
        with tarfile.open(archive) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith(SPEC_MEMBER))
            data = tar.extractfile(member)
            assert data is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.read())
    return target


def spec_passes(examples: Sequence[dict[str, Any]], outputs: Sequence[str]) -> tuple[int, int]:
    """(exact passes, passes after normalising whitespace)."""
    exact = loose = 0
    for example, got in zip(examples, outputs, strict=True):
        exact += got == example["html"]
        loose += normalise(got) == normalise(example["html"])
    return exact, loose


def run_spec(spec: Path, full: dict[str, Render]) -> None:
    examples = json.loads(spec.read_text(encoding="utf-8"))
    print(f"\nCommonMark spec ({len(examples)} examples): exact / whitespace-normalised passes")
    for name, plain in plain_renderers().items():
        _spec_row(f"{name} (plain CommonMark, raw HTML on)",
                  spec_passes(examples, [plain(example["markdown"]) for example in examples]))
    _spec_row("markdown-it-py (ours, allow_html: true)",
              spec_passes(examples, [render_markdown(example["markdown"], True, "spec").html for example in examples]))
    ours = [normalise(next(iter(full.values()))(example["markdown"], "spec")) for example in examples]
    print("  our configuration; last column: examples whose output equals ours (normalised), then"
          " the spec sections where it does not")
    for name, render in full.items():
        outputs = [render(example["markdown"], "spec") for example in examples]
        passes = spec_passes(examples, outputs)
        apart: dict[str, list[int]] = {}
        for example, mine, theirs in zip(examples, ours, outputs, strict=True):
            if mine != normalise(theirs):
                apart.setdefault(example["section"], []).append(example["example"])
        same = len(examples) - sum(len(numbers) for numbers in apart.values())
        _spec_row(f"{name}", passes, f"{same:4d}")
        for section, numbers in apart.items():
            print(f"      {section}: {' '.join(map(str, numbers))}")


def _spec_row(name: str, passes: tuple[int, int], extra: str = "") -> None:
    print(f"  {name:60s} {passes[0]:4d} {passes[1]:4d} {extra}")


# --- the cold build --------------------------------------------------------------------------

MARKDOWN_FUNCTIONS = {
    "render_markdown": ("weeknotes/source/markdown.py", "render_markdown"),
    "  MarkdownIt.parse": ("markdown_it/main.py", "parse"),
    "  RendererHTML.render": ("markdown_it/renderer.py", "render"),
    "  Pygments highlight (via _highlight)": ("weeknotes/source/markdown.py", "_highlight"),
    "  nh3.clean (sanitise_html)": ("weeknotes/source/markdown.py", "sanitise_html"),
}


@dataclass
class Parked:
    """A thread that only waits: while it lives, weeknotes' Workers run serially in this
    process (they never fork beside another thread), so one process sees all the CPU time."""

    stop: threading.Event

    def __enter__(self) -> Parked:
        threading.Thread(target=self.stop.wait, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()


def build_once(content: Path, profile: cProfile.Profile | None) -> float:
    from weeknotes.commands.cli import main

    with tempfile.TemporaryDirectory() as folder, Parked(threading.Event()):
        argv = ["build", "--content", str(content), "--output", str(Path(folder) / "site"), "--no-cache"]
        start = time.process_time()
        if profile is not None:
            profile.enable()
        code = main(argv)
        if profile is not None:
            profile.disable()
        spent = time.process_time() - start
    if code != 0:
        raise SystemExit(f"the build of {content} failed ({code})")
    return spent


def build_profile(content: Path) -> None:
    print(f"\nCold build of {content}, serially in this process (--no-cache, fresh output), {load()}", flush=True)
    plain = build_once(content, None)
    print(f"  CPU time, no profiler: {plain:.2f} s  ({load()} after)", flush=True)
    profile = cProfile.Profile()
    profiled = build_once(content, profile)
    stats: Any = pstats.Stats(profile).stats  # {(file, line, function): (cc, nc, tottime, cumtime, callers)}
    print(f"  CPU time under cProfile: {profiled:.2f} s  ({load()} after); cumulative time:")
    for label, (file_end, function) in MARKDOWN_FUNCTIONS.items():
        cumulative = sum(value[3] for key, value in stats.items() if key[0].endswith(file_end) and key[2] == function)
        print(f"  {label:40s} {cumulative:8.2f} s  {100 * cumulative / profiled:5.1f} %")


# --- the report ------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    parser_ = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser_.add_argument("--corpus", type=Path, help="content dir from benchmarks/corpus.py (speed)")
    parser_.add_argument("--golden", type=Path, action="append",
                         help="content dir whose bodies are compared, repeatable (default: tests/sites/basic"
                              " and the example site content/)")
    parser_.add_argument("--compare-corpus", action="store_true", help="compare the corpus bodies' output too")
    parser_.add_argument("--rounds", type=int, default=3)
    parser_.add_argument("--limit", type=int, default=0, help="time only the first N corpus bodies")
    parser_.add_argument("--diffs", type=Path, help="write one diff per differing golden body here")
    parser_.add_argument("--spec", type=Path, default=WORK / "commonmark.json", help="CommonMark spec JSON")
    parser_.add_argument("--fetch-spec", action="store_true", help=f"pip download {SPEC_SDIST} for --spec if absent")
    parser_.add_argument("--build-profile", action="store_true", help="profile a cold build of --corpus and stop")
    args = parser_.parse_args(argv)

    missing = missing_renderers()
    if missing:
        print(f"error: {', '.join(missing)} not installed; install with\n"
              f"    .venv/bin/pip install {' '.join(missing)}", file=sys.stderr)
        return 2
    if args.build_profile:
        if args.corpus is None:
            parser_.error("--build-profile needs --corpus")
        build_profile(args.corpus)
        return 0
    chosen = renderers()
    for content in args.golden or [ROOT / "tests" / "sites" / "basic", ROOT / "content"]:
        report_differences(chosen, content, bodies(content), args.diffs)
    if args.compare_corpus and args.corpus is not None:
        report_differences(chosen, args.corpus, bodies(args.corpus)[: args.limit or None], None)
    if args.fetch_spec:
        fetch_spec(args.spec)
    if args.spec.exists():
        run_spec(args.spec, chosen)
    else:
        print(f"\n(no spec tests: {args.spec} is missing; --fetch-spec gets it)")
    if args.corpus is not None:
        items = bodies(args.corpus)[: args.limit or None]
        size = sum(len(body.text.encode()) for body in items) / 1e6
        print(f"\nSpeed: {len(items)} bodies ({size:.1f} MB) of {args.corpus}, CPU s, best of {args.rounds}")
        best = measure_speed(chosen, items, args.rounds)
        base = next(iter(best.values()))
        for name, seconds in best.items():
            print(f"  {name:40s} {seconds:8.2f} s  {seconds / base:6.3f}x  {seconds / len(items) * 1e3:6.3f} ms/body")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
