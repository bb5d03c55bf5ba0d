"""Which planned files may be written: an alias page that would take another file's place,
two outputs at one path, or a name no file system allows, are errors naming their sources."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from weeknotes.base.errors import Problems, clashes
from weeknotes.model import urls
from weeknotes.model.plan import Output


def without_taken_places(redirects: Sequence[Output], outputs: Sequence[Output], problems: Problems,
                         line_of: Callable[[str], int] = lambda source: 0) -> list[Output]:
    """The redirect pages that take no other file's place (nor a folder's, nor sit inside a
    file); each that would is an error in the post that asked for it, at `line_of` its file."""
    if not redirects:
        return []  # most sites: no need to list every folder of the site
    taken = {output.path for output in outputs}
    folders = {path.rsplit("/", n)[0] for path in taken for n in range(1, path.count("/") + 1)}
    kept = []
    for redirect in redirects:
        above = [redirect.path.rsplit("/", n)[0] for n in range(1, redirect.path.count("/") + 1)]
        clash = next((p for p in [redirect.path, *above] if p in taken), None)
        if clash is None and redirect.path in folders:
            clash = redirect.path + "/"
        if clash is None:
            kept.append(redirect)
            continue
        alias = "/" + redirect.path.removesuffix(urls.INDEX)
        problems.error(redirect.source, line_of(redirect.source),
                       f"alias {alias} would take the place of /{clash}, which this build writes itself",
                       hint="remove it from `aliases:`")
    return kept


def find_collisions(outputs: Sequence[Output], problems: Problems) -> None:
    """Two outputs at one path would silently overwrite each other: name both. And a path
    with a name longer than a file system allows could not be written at all: name its source
    (each slug is checked where it is read, with its line; this is the net under them)."""
    for output in outputs:
        if len(output.path) > urls.NAME_MAX_BYTES // 4 and any(map(urls.too_long_for_a_name, output.path.split("/"))):
            problems.error(output.source, 0, f"/{output.path} has a part longer than the {urls.NAME_MAX_BYTES} "
                                             "characters a file system allows in a name",
                           hint="shorten the slug, tag or file name it is made from")
    for path, mine, other in clashes((output.path, output) for output in outputs):
        if mine.source == "weeknotes":  # name the user's file first: that is what they can change
            mine, other = other, mine
        problems.error(mine.source, 0, f"/{path} would be written twice (also by {other.source})",
                       hint="rename one of them or give it another `slug:`")
