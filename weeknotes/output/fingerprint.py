"""Fingerprints of what an output is made from, so a rebuild renders only what changed.

Every planned output names its inputs: the model values its template is given (an item,
a page of a list, a week), plus the parts of the site its templates read. A fingerprint
digests those values completely (every field, recursively), so two equal fingerprints
mean equal inputs; with the same theme and the same weeknotes version, the same inputs
render the same bytes. An output whose fingerprint matches the one recorded for the file
on disk is not rendered again.

Which parts of `site` a template reads is found by reading the template's syntax tree
(and those it extends, includes and imports). Any use that cannot be pinned to a named
attribute (`site` passed along whole, a dynamic include) counts as reading everything,
which is always correct, just slower.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import operator
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jinja2
from jinja2 import nodes

from weeknotes.model.plan import FeedLink, FixedPage, ListHead
from weeknotes.model.settings import Config
from weeknotes.model.values import Audience, Author, Intro, Item, Page, Site
from weeknotes.render.theme import Theme
from weeknotes.source.cache import CODE_VERSION

# Model records made only of plain values (strings, dates, tuples of such records): their
# dataclass repr is complete and deterministic, and far cheaper than walking each field.
LEAF_RECORDS = (Item, Author, Page, Intro, Config, FeedLink, ListHead, FixedPage)

# Values fed to a digest by their repr. Types are matched exactly, so subclasses (Markup,
# a datetime subclass) take the general path, which digests their repr too.
PLAIN = frozenset({int, float, bool, type(None), datetime, date})

# Methods of `site` that templates call, and the fields each one reads: a bound method has
# no value to digest, what it answers from does.
SITE_METHODS = {"has_page": ("author_handles", "tag_slugs"), "dir_for": ("language",)}

# What a page's title, description and feeds are worked out from when it is rendered
# (model/plan.py), whether or not its templates read them: the settings (always digested),
# the site's language and the audience's kind.
ALWAYS_READ = frozenset({"language", "audience"})

# Rendered inside every page through the `entry()` helper, so it counts as part of each.
ALWAYS_INCLUDED = ("_entry.html",)
EVERYTHING = None


@functools.cache
def fields_of(kind: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a dataclass's field values, in order, as one tuple."""
    names = tuple(f.name for f in dataclasses.fields(kind))
    if len(names) < 2:  # attrgetter gives a tuple for two names or more
        return lambda value: tuple(getattr(value, name) for name in names)
    return operator.attrgetter(*names)


def theme_digest(theme: Theme) -> str:
    """Every template and catalog and its path, so a theme edit changes every fingerprint."""
    digest = hashlib.blake2b(CODE_VERSION.encode(), digest_size=16)
    for folder in theme.folders:
        for path in sorted([*(folder / "templates").rglob("*"), *(folder / "locales").rglob("*.po")]):
            if path.is_file():
                digest.update(os.fsencode(path) + b"\0" + path.read_bytes() + b"\0")  # any name, UTF-8 or not
    return digest.hexdigest()


Reads = tuple[tuple[str, ...], frozenset[str]] | None
"""What one template's source pulls in and reads of `site` (template_reads)."""


def site_attributes(env: jinja2.Environment, name: str, known: dict[str, Reads] | None = None) -> frozenset[str] | None:
    """The attributes of `site` that a template and everything it pulls in read (None: all).

    `known` holds what earlier builds found, by a digest of each template's source: the
    session keeps it between builds, since parsing every template again took 0.04 s of a
    rebuild."""
    known = {} if known is None else known
    attributes: set[str] = set()
    seen: set[str] = set()
    pending = [name, *ALWAYS_INCLUDED]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        assert env.loader is not None
        try:
            source = env.loader.get_source(env, current)[0]
            key = hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
            if key not in known:
                known[key] = template_reads(env, source)
            reads = known[key]
        except jinja2.TemplateError:
            return EVERYTHING  # rendering will report the error with its file and line
        if reads is EVERYTHING:
            return EVERYTHING
        pending.extend(reads[0])
        attributes.update(reads[1])
    return frozenset(attributes)


@functools.lru_cache(maxsize=256)
def template_reads(env: jinja2.Environment, source: str) -> Reads:
    """The templates one template's source pulls in, and the attributes of `site` it reads.

    Kept by source text: parsing a theme's templates again on every rebuild of `serve`
    costs more than fingerprinting the whole site.
    """
    tree = env.parse(source)
    targets = []
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        target = getattr(node, "template", None)
        if not isinstance(target, nodes.Const):
            return EVERYTHING
        targets.append(target.value)
    reads = [n for n in tree.find_all(nodes.Getattr) if isinstance(n.node, nodes.Name) and n.node.name == "site"]
    mentions = [n for n in tree.find_all(nodes.Name) if n.name == "site"]
    if len(reads) != len(mentions):
        return EVERYTHING
    return tuple(targets), frozenset(n.attr for n in reads)


@dataclass
class Remembered:
    """The fingerprints of one build, with the inputs they were made from."""

    theme: str
    keys: dict[str, tuple[tuple[object, ...], bytes, str]] = dataclasses.field(default_factory=dict)


class Fingerprinter:
    """Digests inputs for one build; values shared by many outputs are digested once."""

    def __init__(self, site: Site, env: jinja2.Environment, theme: Theme,
                 previous: Remembered | None = None, known_reads: dict[str, Reads] | None = None) -> None:
        """`previous` is what the last build in this process fingerprinted (serve keeps it);
        `known_reads` what earlier builds found templates read (see `site_attributes`)."""
        self.known_reads = {} if known_reads is None else known_reads
        self.site = site
        self.env = env
        self.theme = theme_digest(theme)
        self.memo: dict[int, bytes] = {}
        self.keep_alive: list[object] = []  # ids stay unique only while their objects live
        self.template_parts: dict[str, bytes] = {}
        self.prefix = self.theme.encode() + b"\0"
        self.remembering = previous is not None
        """Whether the inputs of each key are kept for the next build (serve); a one-shot
        build does not keep 16,000 of them for nothing."""
        self.previous = previous if previous is not None and previous.theme == self.theme else Remembered(self.theme)
        self.current = Remembered(self.theme)

    def key(self, path: str, template: str | None, inputs: tuple[object, ...]) -> str:
        part = self.template_part(template) if template is not None else b""
        known = self.previous.keys.get(path)
        # Equal inputs are equal values: the model is frozen dataclasses of plain values,
        # compared field by field, and an unchanged item is the very same object in serve,
        # so this comparison is mostly identity checks and far cheaper than a digest.
        if known is not None and known[1] == part and known[0] == inputs:
            key = known[2]
        else:
            # Each value tagged and delimited by _chunk, so the sequence is unambiguous
            # (items, most inputs, written out here: 16,000 outputs a build).
            chunks = [self.prefix, path.encode(), b"\0", part,
                      *[b"@" + v.digest if type(v) is Item else self._chunk(v) for v in inputs]]
            key = hashlib.blake2b(b"".join(chunks), digest_size=16).hexdigest()
        if self.remembering:
            self.current.keys[path] = (inputs, part, key)
        return key

    def template_part(self, template: str) -> bytes:
        if template not in self.template_parts:
            names = site_attributes(self.env, template, self.known_reads)
            if names is EVERYTHING:
                names = frozenset(f.name for f in dataclasses.fields(Site))
            names = frozenset(read for name in names for read in SITE_METHODS.get(name, (name,)))
            if any(callable(getattr(self.site, name)) for name in names):  # a method not in the table
                names = frozenset(f.name for f in dataclasses.fields(Site))
            names |= ALWAYS_READ
            values = tuple((name, getattr(self.site, name)) for name in sorted(names))
            self.template_parts[template] = self.of((self.site.config, values))
        return self.template_parts[template]

    def of(self, value: Any) -> bytes:
        """A digest of a value: dataclasses field by field, containers item by item."""
        if type(value) is Item:
            return value.digest
        found = self.memo.get(id(value))
        if found is not None:
            return found
        digest = hashlib.blake2b(type(value).__name__.encode(), digest_size=16)
        if isinstance(value, LEAF_RECORDS):
            # Records that hold only plain values: their generated repr shows every field.
            digest.update(repr(value).encode())
        elif type(value) is tuple:
            digest.update(b"".join([b"@" + v.digest if type(v) is Item else self._chunk(v) for v in value]))
        else:
            digest.update(b"".join(map(self._chunk, self._parts(value))))
        result = digest.digest()
        self.memo[id(value)] = result
        self.keep_alive.append(value)
        return result

    def _chunk(self, value: Any) -> bytes:
        """One value as bytes to digest: plain values directly (tagged with their length),
        others by their digest (tagged, of fixed length)."""
        kind = type(value)
        if kind is Item:  # the commonest part by far: every list holds items
            return b"@" + bytes(value.digest)
        if kind is str:
            text: bytes = value.encode()
            return b"s%d:" % len(text) + text
        if kind is int:
            return b"i%d;" % value
        if kind in PLAIN:
            text = repr(value).encode()
            return b"r%d:" % len(text) + text
        return b"@" + self.of(value)

    def _parts(self, value: Any) -> Iterable[Any]:
        if isinstance(value, Audience):
            # `now` differs on every build; what it decides (which items are held back) is
            # already in the site itself, so only the audience's kind counts.
            yield from (value.name, value.drafts, value.future)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from fields_of(type(value))(value)  # the type names the fields
        elif isinstance(value, dict):
            for key in sorted(value, key=repr):
                yield key
                yield value[key]
        elif isinstance(value, (frozenset, set)):
            yield from sorted(value, key=repr)
        elif isinstance(value, (tuple, list)):
            yield from value
        else:  # ZoneInfo, Path and other plain values
            yield repr(value)
