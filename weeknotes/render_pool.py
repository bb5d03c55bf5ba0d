"""Render and stage every output file, on every core when there are many.

Workers are forked, so they share the site model and the planned outputs without
pickling them; each renders a stripe of the outputs, stages the changed files itself, and
sends back what it did (a small list) or the problems it met. When forking is safe and
worth it is decided in forking.py, shared with the Markdown stage.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection

import jinja2

from weeknotes.errors import ContentErrors, Problems
from weeknotes.forking import fork_context, worker_count
from weeknotes.plan import Output
from weeknotes.report import Reporter
from weeknotes.theme import Theme, template_problem
from weeknotes.write import Change, StagedSite

# Below this many files, starting workers costs more than it saves.
PARALLEL_THRESHOLD = 400


def render_into(staged: StagedSite, outputs: Sequence[Output], theme: Theme, keys: dict[str, str],
                reporter: Reporter) -> None:
    """Render into `staged` every output whose inputs changed; raise ContentErrors for template errors.

    `keys` maps an output's path to the fingerprint of its inputs (weeknotes.fingerprint).
    """
    outputs = [o for o in outputs if staged.keep(o.path, keys.get(o.path)) is None]
    workers = worker_count(len(outputs), PARALLEL_THRESHOLD)
    if workers == 1:
        _render_stripe(staged, outputs, theme, keys, reporter, len(outputs))
        return
    context = fork_context()
    children = []
    for index in range(1, workers):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(staged, outputs[index::workers], theme, keys, sender))
        process.start()
        sender.close()
        children.append((process, receiver))
    failure: BaseException | None = None
    try:
        _render_stripe(staged, outputs[0::workers], theme, keys, reporter, len(outputs))
    except BaseException as exc:  # still collect the children before re-raising
        failure = exc
    problems = Problems()
    for process, receiver in children:
        try:
            kind, payload = receiver.recv()
        except EOFError:
            kind, payload = "crash", "the worker stopped without a word"
        process.join()
        if kind == "ok":
            for change in payload:
                staged.record(change)
                reporter.rendered(change.rel)
        elif kind == "problems":
            problems.extend(payload)
        else:
            failure = failure or RuntimeError(f"a render worker failed:\n{payload}")
    if failure is not None:
        raise failure
    problems.raise_if_any()


def _render_stripe(staged: StagedSite, outputs: Sequence[Output], theme: Theme,
                   keys: dict[str, str], reporter: Reporter | None = None, total: int = 0) -> list[Change]:
    """Render a share of the outputs; the parent's share also reports (its progress stands for all)."""
    changes = []
    step = total // max(len(outputs), 1) or 1
    try:
        for output in outputs:
            changes.append(staged.write(output.path, output.render(), keys.get(output.path)))
            if reporter is not None:
                reporter.rendered(output.path)
                reporter.progress("rendering", min(len(changes) * step, total), total)
    except jinja2.TemplateError as exc:
        problems = Problems()
        template_problem(exc, theme, problems)
        raise ContentErrors(problems.errors) from exc
    finally:
        if reporter is not None:
            reporter.progress("rendering", total, total)
    return changes


def _child(staged: StagedSite, outputs: Sequence[Output], theme: Theme, keys: dict[str, str],
           sender: Connection) -> None:
    try:
        sender.send(("ok", _render_stripe(staged, outputs, theme, keys)))
    except ContentErrors as exc:
        problems = Problems()
        problems.errors.extend(exc.problems)
        sender.send(("problems", problems))
    except BaseException:
        sender.send(("crash", traceback.format_exc()))
    finally:
        sender.close()
        os._exit(0)  # skip the parent's atexit handlers and buffers in this forked copy
