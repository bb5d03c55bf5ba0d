"""Tags: the slug a tag's name makes, and one spelling per slug (tags whose slugs are equal
are one tag)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from slugify import slugify

from weeknotes.model.values import TagRef


@functools.lru_cache(maxsize=4096)
def tag_slug(name: str) -> str:
    """The URL slug of a tag; cached because the same few hundred tags recur on every item."""
    return slugify(name)


def canonical_tags(tags: Iterable[TagRef], names: Mapping[str, str] | None = None) -> tuple[TagRef, ...]:
    """One tag per slug, in slug order, spelled as `names` says (else as first given)."""
    spelled: dict[str, TagRef] = {}
    for tag in tags:
        if tag.slug not in spelled:
            name = names.get(tag.slug, tag.name) if names else tag.name
            spelled[tag.slug] = tag if name == tag.name else TagRef(tag.slug, name)
    return tuple(sorted(spelled.values(), key=lambda t: t.slug))
