"""Planned outputs -> their bytes: render what the last build's files cannot stand for.

Rendering never touches the output folder (write.py does); it yields each file's bytes as
it is made, so a build holds a few pages in memory at a time. Many outputs are rendered
on every core (workers.py), few here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import jinja2

from weeknotes.errors import ContentErrors, Problems
from weeknotes.plan import Output
from weeknotes.report import Reporter
from weeknotes.theme import Theme, template_problem
from weeknotes.workers import Workers
from weeknotes.write import Rendered

PARALLEL_THRESHOLD = 400
"""Below this many files, starting worker processes costs more than it saves."""


def render_outputs(outputs: Sequence[Output], keys: dict[str, str], theme: Theme, workers: Workers,
                   reporter: Reporter) -> Iterator[Rendered]:
    """Each output's bytes, with the fingerprint of its inputs (`keys`, "" when unknown).

    A template error is raised as ContentErrors naming the template's file and line.
    """
    results = workers.map(partial(render_one, theme), outputs, PARALLEL_THRESHOLD)
    for done, (index, data) in enumerate(results, 1):
        path = outputs[index].path
        reporter.rendered(path)
        reporter.progress("rendering", done, len(outputs))
        yield Rendered(path, data, keys.get(path, ""))


def render_one(theme: Theme, output: Output) -> bytes:
    try:
        return output.render()
    except jinja2.TemplateError as exc:
        problems = Problems()
        template_problem(exc, theme, problems)
        raise ContentErrors(problems.errors) from exc
