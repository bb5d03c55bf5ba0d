"""Links and images in the site's own text that no page or file of the site answers: a
warning at the file and line of each (issue 22: `![map](/img/missing.png)` was silent).

The site's paths are those the plan writes (every page, feed and static file), so this
runs on a planned site; the search index, written after the plan, is taken on trust.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from weeknotes.base.errors import Problems
from weeknotes.model import urls
from weeknotes.model.plan import Output
from weeknotes.model.values import Intro, Item, Page, Site

Planned = tuple[Site, Sequence[Output]]
"""One audience's site and everything its build writes."""


def warn_broken_references(planned: Sequence[Planned], problems: Problems) -> None:
    """Warn once about each reference in a shown body whose site path is not written, in
    one build or in several (`weeknotes check` plans a public and an internal build: a
    public note's link to an internal one is broken in the public build only, and says so)."""
    missing: dict[tuple[str, SiteReference], list[str]] = {}
    written: dict[str, set[str]] = {}
    for site, outputs in planned:
        paths = written[site.audience.label] = {output.path for output in outputs}
        for record in bodies(site):
            for reference in into_the_site(record, site.config.base_url):
                if not answered(reference.path, paths):
                    missing.setdefault((record.source, reference), []).append(site.audience.label)
    for (source, reference), labels in missing.items():
        found_in = [label for label in written if label not in labels]
        where = f" in {' or '.join(map(article, labels))} build" if found_in else ""
        problems.warn(source, reference.line, message(reference, where),
                      hint=f"/{reference.path} is only in {' and '.join(map(article, found_in))} build: readers "
                           f"of {' or '.join(map(article, labels))} build cannot follow this {kind(reference)}"
                      if found_in else hint(reference, written[labels[-1]]))


@dataclass(frozen=True)
class SiteReference:
    """A reference whose target is in this site: the site path it points to."""

    target: str
    line: int
    image: bool
    path: str
    """`notes/other/`, `img/map.png`: without query or fragment."""


def into_the_site(record: Item | Page | Intro, base_url: str) -> Iterator[SiteReference]:
    """The references of a body that point into the site, resolved from where it is shown."""
    written_at = urls.path_of(record)
    for reference in record.references:
        path = urls.site_path_of_url(reference.target, written_at, base_url)
        if path is not None:
            yield SiteReference(reference.target, reference.line, reference.image, unquote(path))


def bodies(site: Site) -> Iterator[Item | Page | Intro]:
    yield from (item for item in site.items if not item.is_blog)
    yield from site.pages
    yield from (week.intro for week in site.weeks if week.intro is not None)


def answered(path: str, written: set[str]) -> bool:
    """Whether a site path is a file the site has, or a folder with an index.html (with or without its `/`)."""
    if path.startswith(urls.PAGEFIND):
        return True
    return any(candidate in written for candidate in (urls.file_of(path), path.rstrip("/") + "/" + urls.INDEX))


def kind(reference: SiteReference) -> str:
    return "image" if reference.image else "link"


def message(reference: SiteReference, where: str) -> str:
    return f"{kind(reference)} `{reference.target}`: nothing is at /{reference.path}{where} (no page, and no file in static/)"


def article(label: str) -> str:
    return ("an " if label[0] in "aeiou" else "a ") + label


def hint(reference: SiteReference, written: set[str]) -> str:
    near = nearest(reference.path, written)
    if near is not None:
        return f"did you mean /{near}?"
    if reference.image:
        return f"put the image in static/ (static/{reference.path} is /{reference.path}), or correct the path"
    return "correct the path: a note is at /notes/SLUG/, a tag at /tags/TAG/, a page at /SLUG/"


def nearest(path: str, written: Iterable[str]) -> str | None:
    """The closest path the site has, among those in the same top folder (a slug's typo)."""
    top = path.split("/", 1)[0]
    pages = sorted({urls_of(rel) for rel in written if rel.split("/", 1)[0] == top})
    found = difflib.get_close_matches(path, pages, n=1, cutoff=0.8)
    return found[0] if found else None


def urls_of(rel: str) -> str:
    """A written file's site path: a folder's index.html is the folder."""
    return rel.removesuffix(urls.INDEX) if rel.endswith("/" + urls.INDEX) or rel == urls.INDEX else rel
