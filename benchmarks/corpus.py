"""Deterministic synthetic corpus for the weeknotes benchmarks.

`python benchmarks/corpus.py --items N --out DIR` writes a weeknotes content directory:
site.yaml, authors.yaml (40 public authors), ~85% notes of ~800 words and ~15% link
curations, 150 tags (1-4 per item), dates spread over 2023-11-20 .. 2026-11-19.

The same seed always gives the same bytes: there is no clock and no hash-order dependence.
`generate_items()` returns the abstract items so the anchor sites (Hugo, Pelican, Eleventy)
are written from the very same titles, dates, authors, tags and Markdown bodies.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

DEFAULT_SEED = 20231120
START = datetime(2023, 11, 20)
END = datetime(2026, 11, 20)  # exclusive: the last item is dated 2026-11-19
LINK_SHARE = 0.15
NOTE_WORDS = 800
PER_PAGE = 10
SITE_TITLE = "Working Out Loud (benchmark)"
BASE_URL = "https://bench.example.org/"

_WORDS_TEXT = """
able about above across action actually adapt agenda agree almost alone along already
also although always amount analysis answer anyone anything approach area argue around
aside asked async backlog balance based basic because become before began behind being
believe below benefit better between beyond bigger board borrow bottom boundary brief
bring broken budget build built burden called calm came cannot capacity care careful case
catch caught cause center change channel chapter check choice chose circle claim clear
client close coach code colleague collect comes common community compare complete concept
concern confident connect consider context continue contract control conversation core
correct cost could count couple course cover craft create critical culture curious current
cycle daily data deadline deal decide decision deep default deliver demand design detail
develop diagram different difficult direction discover discuss distance document done
doubt draft during early easier edge effort either element email empty energy enough
entire error even evening event every evidence exactly example expect experience explain
explore face fact fail fair familiar feedback feel felt field figure final find first fix
focus follow forget form forward found frame friday full future gain gather gave general
gentle given goal good grew group grow guess guide habit half hand happen hard heard help
hidden high hold honest hope however idea impact important improve include individual
inside insight instead interest issue item itself join journey judge keep kept kind knew
know label large last later lead learn least leave left less letter level light likely
limit line list listen little local long look loop lost made maintain make manage many map
matter maybe meant measure meeting memory mention mentor method middle might mind minor
model moment monday month more morning most move much name narrow nature near need network
never next night none normal note nothing notice number object obvious offer office often
once only open option order other outcome outside over owner pace pair paper part pass past
path pattern pause people perhaps period person pick piece place plain plan point policy
poor possible practice prepare present pretty principle prior problem process produce
progress project prompt proper prototype public pull purpose push question quick quiet
quite rather reach read ready real reason recent record reduce reflect release remember
remote repeat report request research rest result retro return review right risk role room
rough round rule said same sample save scope second seem seen sense series serve session
share shift ship short should show side sign signal simple since single skill slow small
social solid some something soon sort sound source space speak specific spend spent sprint
stable staff stage stand start state step still stop story strange stream strong struggle
study style subject success such suggest summary support sure surface system table take
talk task team tell tend term test than thank that their theme there thing think thought
three through thursday time today together told tool topic toward track trade trust truth
try tuesday turn under until update usage useful user value version view voice wait walk
want watch week weekend weight well went what when where whether which while whole wider
will wish with within without wonder word work world worth would write wrong year young
"""
WORDS = _WORDS_TEXT.split()

HEADINGS = [
    "What I worked on",
    "What went well",
    "What was hard",
    "What I learned",
    "Things I read",
    "People I talked to",
    "Next week",
    "Open questions",
    "Small wins",
    "Loose ends",
    "Notes from the retro",
    "A thing I noticed",
]

FIRST_NAMES = [
    "Ada",
    "Bea",
    "Cyrus",
    "Dana",
    "Emeka",
    "Farah",
    "Gus",
    "Hana",
    "Idris",
    "Jun",
    "Kemal",
    "Lina",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tariq",
]
LAST_NAMES = [
    "Abara",
    "Berg",
    "Castillo",
    "Dube",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Hoang",
    "Ito",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Silva",
    "Tanaka",
]

_TAG_TEXT = """
accessibility agile ai analytics api architecture automation backlog books budgeting
career caching ci cloud coaching collaboration community conferences culture data design
devops diversity docs ethics events facilitation feedback finance governance health hiring
infrastructure innovation kanban leadership learning legal linux meetings mentoring metrics
mobile networking onboarding open-source ops performance planning podcasts policy privacy
product productivity python research retros rust security service-design strategy testing
tools training travel ux wellbeing writing
"""
TAG_WORDS = _TAG_TEXT.split()
TAG_PREFIXES = ["open", "remote", "team", "public", "digital", "local", "weekly", "slow"]

LINK_HOSTS = [
    "example.com",
    "example.net",
    "example.org",
    "blog.example.com",
    "news.example.net",
    "docs.example.org",
    "research.example.com",
    "www.example.net",
    "journal.example.org",
    "notes.example.com",
]

CODE_SNIPPETS = [
    (
        "python",
        [
            "def {a}_{b}(items):",
            "    total = 0",
            "    for item in items:",
            "        total += len(item.{c})",
            "    return total",
            "",
            "print({a}_{b}(load('{d}.json')))",
        ],
    ),
    (
        "shell",
        [
            "$ git switch -c {a}-{b}",
            "$ make test",
            "$ git commit -am '{c} {d}'",
            "$ git push origin {a}-{b}",
        ],
    ),
    ("yaml", ["{a}:", "  {b}: true", "  {c}:", "    - {d}", "    - {a}", "  retries: 3"]),
    (
        "javascript",
        [
            "const {a} = await fetch('/api/{b}');",
            "const data = await {a}.json();",
            "console.log(data.{c}.length, '{d}');",
        ],
    ),
]


@dataclass(frozen=True)
class Author:
    handle: str
    name: str


@dataclass(frozen=True)
class Item:
    """One note or link curation, independent of any tool's file format."""

    index: int
    kind: str  # "note" or "link"
    title: str
    slug: str
    date: datetime  # naive, in UTC (the site's timezone)
    author: str  # handle
    tags: tuple[str, ...]
    body: str  # Markdown
    url: str | None = None  # the curated URL (links only)
    via: str | None = None  # a handle (links only, sometimes)

    @property
    def section(self) -> str:
        """The URL section: `notes` or `links`."""
        return "notes" if self.kind == "note" else "links"


def slugify(text: str) -> str:
    """Lowercase ASCII slug: runs of anything else become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def generate_authors() -> list[Author]:
    """40 authors; a handle equals the slug of the name (so every tool agrees on URLs)."""
    names = [f"{FIRST_NAMES[i % 20]} {LAST_NAMES[(i * 7 + i // 20) % 20]}" for i in range(40)]
    return [Author(slugify(name), name) for name in names]


def generate_tags() -> list[str]:
    """150 distinct tags, already in slug form."""
    tags = list(TAG_WORDS)
    rng = random.Random(f"{DEFAULT_SEED}:tags")
    combos = [f"{p}-{w}" for p in TAG_PREFIXES for w in TAG_WORDS if "-" not in w]
    rng.shuffle(combos)
    for combo in combos:
        if len(tags) == 150:
            break
        if combo not in tags:
            tags.append(combo)
    return tags


class _Writer:
    """Builds Markdown prose from one item's own random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def words(self, n: int) -> list[str]:
        return self.rng.choices(WORDS, k=n)

    def sentence(self, low: int = 8, high: int = 20) -> str:
        words = self.words(self.rng.randint(low, high))
        roll = self.rng.random()
        i = self.rng.randrange(len(words))
        if roll < 0.10:
            words[i] = f"*{words[i]}*"
        elif roll < 0.16:
            words[i] = f"**{words[i]}**"
        elif roll < 0.24:
            words[i] = f"`{words[i]}`"
        elif roll < 0.40:
            j = min(i + self.rng.randint(1, 3), len(words))
            text = " ".join(words[i:j])
            words[i:j] = [f"[{text}]({self.link_url()})"]
        words[0] = words[0].capitalize()
        return " ".join(words) + self.rng.choice(".....?!")

    def link_url(self) -> str:
        host = self.rng.choice(LINK_HOSTS)
        path = "-".join(self.words(self.rng.randint(1, 4)))
        return f"https://{host}/{path}"

    def paragraph(self, low: int = 3, high: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def bullet_list(self) -> str:
        marker = self.rng.choice(["-", "*", "1."])
        lines = [f"{marker} {self.sentence(4, 12)}" for _ in range(self.rng.randint(3, 6))]
        return "\n".join(lines)

    def code_block(self) -> str:
        lang, lines = self.rng.choice(CODE_SNIPPETS)
        a, b, c, d = self.words(4)
        body = "\n".join(line.format(a=a, b=b, c=c, d=d) for line in lines)
        return f"```{lang}\n{body}\n```"

    def note_body(self) -> str:
        blocks = [self.paragraph(), self.paragraph()]
        headings = self.rng.sample(HEADINGS, self.rng.randint(2, 3))
        for i, heading in enumerate(headings):
            blocks.append(f"## {heading}")
            blocks.append(self.paragraph())
            if i == 0 or self.rng.random() < 0.5:
                blocks.append(self.bullet_list())
            if i == 1 and self.rng.random() < 0.2:
                blocks.append(self.code_block())
        while _count_words(blocks) < NOTE_WORDS:
            blocks.append(self.paragraph())
        return "\n\n".join(blocks) + "\n"

    def link_body(self) -> str:
        blocks = [self.paragraph(2, 4) for _ in range(self.rng.randint(1, 3))]
        if self.rng.random() < 0.3:
            blocks.append(self.bullet_list())
        return "\n\n".join(blocks) + "\n"

    def title(self, low: int, high: int) -> str:
        words = self.words(self.rng.randint(low, high))
        return " ".join(words).capitalize()


def _count_words(blocks: Iterable[str]) -> int:
    return sum(block.count(" ") + 1 for block in blocks)


def _item_date(index: int, n: int, rng: random.Random) -> datetime:
    span = (END - START).total_seconds()
    offset = (index + rng.random()) * span / n
    moment = START + timedelta(seconds=offset)
    return moment.replace(second=0, microsecond=0)


def _tag_weights(count: int) -> list[float]:
    return [1.0 / (rank + 1) ** 0.8 for rank in range(count)]


def _author_weights(count: int) -> list[float]:
    return [1.0 + (rank % 5) for rank in range(count)]


def _unique(slug: str, seen: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in seen:
        candidate, n = f"{slug}-{n}", n + 1
    seen.add(candidate)
    return candidate


def generate_items(n: int, seed: int = DEFAULT_SEED) -> list[Item]:
    """The abstract items, oldest first. Item i depends only on (seed, i, n)."""
    authors = [a.handle for a in generate_authors()]
    tags = generate_tags()
    author_w, tag_w = _author_weights(len(authors)), _tag_weights(len(tags))
    seen: dict[str, set[str]] = {"note": set(), "link": set()}
    items = []
    for index in range(n):
        rng = random.Random(f"{seed}:{index}")
        writer = _Writer(rng)
        kind = "link" if rng.random() < LINK_SHARE else "note"
        date = _item_date(index, n, rng)
        author = rng.choices(authors, author_w)[0]
        item_tags = _pick_tags(rng, tags, tag_w)
        if kind == "note":
            week = date.isocalendar()
            title = f"Weeknote {week.year}-W{week.week:02d}: {writer.title(3, 7)}"
            body, url, via = writer.note_body(), None, None
        else:
            title = writer.title(3, 9)
            body, url = writer.link_body(), writer.link_url()
            via = rng.choice(authors) if rng.random() < 0.3 else None
        slug = _unique(slugify(title)[:80].strip("-"), seen[kind])
        items.append(Item(index, kind, title, slug, date, author, item_tags, body, url, via))
    return items


def _pick_tags(rng: random.Random, tags: Sequence[str], weights: Sequence[float]) -> tuple[str, ...]:
    wanted = rng.randint(1, 4)
    picked: list[str] = []
    while len(picked) < wanted:
        tag = rng.choices(tags, weights)[0]
        if tag not in picked:
            picked.append(tag)
    return tuple(sorted(picked))


# --- the weeknotes content format ------------------------------------------------------


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (the corpus is ASCII, so JSON escaping is valid YAML)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def site_yaml(search: bool = False) -> str:
    return (
        f"title: {yaml_str(SITE_TITLE)}\n"
        f"base_url: {BASE_URL}\n"
        "description: A synthetic community archive for benchmarking.\n"
        "language: en\n"
        "timezone: UTC\n"
        f"per_page: {PER_PAGE}\n"
        "search:\n"
        f"  enabled: {'true' if search else 'false'}\n"
    )


def authors_yaml(authors: Sequence[Author]) -> str:
    lines = []
    for author in authors:
        lines += [
            f"{author.handle}:",
            f"  name: {yaml_str(author.name)}",
            f"  bio: {yaml_str(f'{author.name} works out loud every week.')}",
            f"  url: https://{author.handle}.example.org/",
            "  publish: public",
        ]
    return "\n".join(lines) + "\n"


def weeknotes_path(item: Item) -> str:
    """Path of an item inside the content dir; the slug is the file name minus its date."""
    return f"{item.section}/{item.author}/{item.date:%Y-%m-%d}-{item.slug}.md"


def weeknotes_text(item: Item) -> str:
    lines = ["---"]
    if item.kind == "link":
        lines.append(f"url: {item.url}")
    lines += [
        f"title: {yaml_str(item.title)}",
        f"date: {item.date:%Y-%m-%dT%H:%M:%S}",
        f"author: {item.author}",
        f"tags: [{', '.join(item.tags)}]",
    ]
    if item.via:
        lines.append(f"via: {item.via}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + item.body


def write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_weeknotes(items: Sequence[Item], out: Path, search: bool = False) -> None:
    """Write a weeknotes content dir (replacing `out` if it exists)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_file(out / "site.yaml", site_yaml(search))
    write_file(out / "authors.yaml", authors_yaml(generate_authors()))
    for item in items:
        write_file(out / weeknotes_path(item), weeknotes_text(item))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, required=True, help="number of items")
    parser.add_argument("--out", type=Path, required=True, help="content dir to (re)create")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--search", action="store_true", help="leave search.enabled on")
    args = parser.parse_args(argv)
    if args.items < 1:
        parser.error("--items must be at least 1")
    items = generate_items(args.items, args.seed)
    write_weeknotes(items, args.out, args.search)
    notes = sum(item.kind == "note" for item in items)
    print(f"wrote {len(items)} items ({notes} notes, {len(items) - notes} links) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
