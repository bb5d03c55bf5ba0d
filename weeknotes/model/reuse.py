"""A collected site's shape, kept between builds, so a rebuild whose changed files move
nothing in it need not collect the site again.

collect.py works out the site's lists, tags, weeks, merged links and backlinks from a few
fields of every item: its kind, slug, date, visibility, authors, tags, `via`, URL, links
and, for a link curation, its title (the `head` below). An edit to a note's text, summary
or title, or to an `updated:` date, moves nothing in that shape; yet collecting the site
again took a fifth of a one-note rebuild at 10,000 items. So each build keeps its shape:
the collected site pickled with every item replaced by its key, the digest of every item
and of its head, and a digest of everything else collect reads (settings, language,
audience, authors, digest intros, pages, static files, link health, and weeknotes' own code). A build
whose items differ from those only outside their heads, with nothing else changed and no
held-back item or intro come due, restores the site from the shape with its current items
in place: field for field the site collect_site would make (the tests build both ways).
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import pickle
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from weeknotes.model.collect import collect_site, visible_pages, visible_static, week_start
from weeknotes.model.values import Audience, Content, Item, Site

ItemKey = tuple[str, str]
RESTORED_FIELDS = ("items", "listed", "front", "notes", "links", "authors", "tags", "weeks", "author_items",
                   "backlinks", "also_curated", "held_back", "neighbours")
"""What collect works out; the rest of a Site is taken from the content as it is now."""


def head(item: Item) -> bytes:
    """A digest of the fields of an item that collect.py reads."""
    fields = (item.kind, item.slug, item.date, item.visibility, item.authors, item.tags, item.via, item.url,
              item.links, item.link_keys, item.title if item.is_link else None)
    return hashlib.blake2b(repr(fields).encode(), digest_size=16).digest()


def context(content: Content, audience: Audience, salt: bytes) -> bytes:
    """A digest of everything collect reads besides the items (and the moment it is built for)."""
    parts = (content.config, content.language, audience.name, audience.drafts, audience.future,
             sorted(content.authors.items()), content.intros, content.pages,
             [(f.rel, f.source) for f in content.static], sorted(content.link_health.items()))
    return hashlib.blake2b(salt + repr(parts).encode(), digest_size=16).digest()


@dataclass(frozen=True)
class Shape:
    """How one build collected its site (see the module's docstring)."""

    context: bytes
    items: dict[ItemKey, tuple[bytes, bytes]]
    """Item key -> (its digest, the digest of its head), for every item of the content."""
    now: datetime
    """The moment the site was collected for."""
    until: datetime | None
    """When the first held-back item or digest intro comes due (None: never)."""
    site: bytes
    """The collected fields, pickled with items by key."""


def collect(content: Content, audience: Audience, shape: Shape | None, salt: bytes) -> tuple[Site, Shape]:
    """The site this audience sees, restored from `shape` when nothing it was made from moved,
    else collected; and the shape to keep for the next build."""
    now = audience.now or datetime.now().astimezone()
    items = {item.key: item for item in content.items}
    digests = {key: item.digest for key, item in items.items()}
    same_context = shape is not None and shape.context == context(content, audience, salt)
    if shape is not None and same_context and still_shaped(shape, items, now):
        kept = {key: (digest, shape.items[key][1]) for key, digest in digests.items()}  # heads all the same
        return restore(shape, content, audience, items), replace(shape, items=kept, now=now)
    site = collect_site(content, audience)
    return site, Shape(context(content, audience, salt), {key: (digests[key], head(items[key])) for key in items},
                       now, due(content, audience, now), flatten(site, items))


def still_shaped(shape: Shape, items: dict[ItemKey, Item], now: datetime) -> bool:
    """The same items, each with the same head, and nothing come due since."""
    if len(items) != len(shape.items) or now < shape.now or (shape.until is not None and now >= shape.until):
        return False
    for key, item in items.items():
        known = shape.items.get(key)
        if known is None or (known[0] != item.digest and known[1] != head(item)):
            return False
    return True


def due(content: Content, audience: Audience, now: datetime) -> datetime | None:
    """The first moment after `now` at which an item or intro this audience may see comes due."""
    if audience.future:
        return None
    moments = [item.date for item in content.items if item.date > now and audience.includes(item)]
    moments += [start for intro in content.intros
                if (start := week_start(intro.week, content)) > now]
    return min(moments, default=None)


# While a shape is restored: the content's items by key, and the items made from them.
_RESTORING: contextvars.ContextVar[tuple[dict[ItemKey, Item], dict[Any, Item]]] = contextvars.ContextVar("restoring")


def _item(pid: Any) -> Item:
    """An item of the restored site: the content's item of that key, as it is now (or as
    collect re-spelled it). Called once per item: pickle's memo serves its other places."""
    items, made = _RESTORING.get()
    if type(pid[0]) is str:
        return items[pid]
    if pid not in made:
        key, tags, via, archived_copy = pid
        made[pid] = replace(items[key], tags=tags, via=via, archived_copy=archived_copy)
    return made[pid]


class _Flattener(pickle.Pickler):
    def __init__(self, file: io.BytesIO, items: dict[ItemKey, Item]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.originals = items

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is not Item:
            return NotImplemented
        if obj is self.originals.get(obj.key):
            return _item, (obj.key,)
        # collect gave it the most used spelling of its tags, dropped a `via` naming an author
        # this audience may not see, or offered the archived copy of its dead address: the
        # same for the same heads and link health, so kept as done.
        return _item, ((obj.key, obj.tags, obj.via, obj.archived_copy),)


def flatten(site: Site, items: dict[ItemKey, Item]) -> bytes:
    buffer = io.BytesIO()
    _Flattener(buffer, items).dump({name: getattr(site, name) for name in RESTORED_FIELDS})
    return buffer.getvalue()


def restore(shape: Shape, content: Content, audience: Audience, items: dict[ItemKey, Item]) -> Site:
    token = _RESTORING.set((items, {}))
    try:
        fields = pickle.loads(shape.site)
    finally:
        _RESTORING.reset(token)
    return Site(config=content.config, audience=audience, pages=visible_pages(content, audience),
                static=visible_static(content, audience), language=content.language, **fields)
