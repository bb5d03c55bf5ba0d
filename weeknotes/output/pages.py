"""Planned outputs -> their bytes: render what the last build's files cannot stand for.

Rendering never touches the output folder itself: each page's bytes go straight to the
staging step it is given (staging.py), so a build holds a few pages in memory at a time.
Many outputs are rendered on every core (workers.py), few here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial

import jinja2

from weeknotes.base.errors import ContentErrors, Problems
from weeknotes.base.reporter import Reporter
from weeknotes.base.workers import Workers
from weeknotes.model.plan import Output
from weeknotes.output.staging import Change, Rendered
from weeknotes.render.theme import Theme, template_problem

PARALLEL_THRESHOLD = 400
"""Below this many files, starting worker processes costs more than it saves."""


def render_outputs(outputs: Sequence[Output], keys: dict[str, str], theme: Theme, workers: Workers,
                   reporter: Reporter, stage: Callable[[Rendered], Change]) -> Iterator[Change]:
    """Render each output and hand its bytes, with the fingerprint of its inputs (`keys`, ""
    when unknown), to `stage`; yield what staging made of each.

    `stage` runs where the page was rendered (staging.StagedSite.stage, in a worker process
    when there are many), so a page's bytes never travel between processes: when the parent
    wrote every file, it was the bottleneck, and workers waited two thirds of their time.
    A template error is raised as ContentErrors naming the template's file and line.
    """
    results = workers.map(partial(render_one, theme, keys, stage), outputs, PARALLEL_THRESHOLD)
    for done, (index, change) in enumerate(results, 1):
        reporter.rendered(outputs[index].path)
        reporter.progress("rendering", done, len(outputs))
        yield change


def render_one(theme: Theme, keys: dict[str, str], stage: Callable[[Rendered], Change], output: Output) -> Change:
    try:
        data = output.render()
    except jinja2.TemplateError as exc:
        problems = Problems()
        template_problem(exc, theme, problems)
        raise ContentErrors(problems.errors) from exc
    return stage(Rendered(output.path, data, keys.get(output.path, "")))
