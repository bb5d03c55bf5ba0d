"""Turn a body's HTML (as Markdown rendered it) into plain text a person can read in an email.

Paragraphs are wrapped at 72 columns, list items keep their bullets or numbers, headings
stand on their own line, a link is followed by its full address in angle brackets
(RFC 3986, appendix C), and an image is shown by its alt text. Addresses are never broken
across lines, so mail clients can still make them clickable.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser

WIDTH = 72
BLOCKS = frozenset({"p", "div", "section", "blockquote", "pre", "ul", "ol", "li", "table", "tr",
                    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "figure", "figcaption", "dl", "dt", "dd"})
SKIPPED = frozenset({"script", "style", "template"})


def wrap(text: str, indent: str = "", first: str | None = None, width: int = WIDTH) -> str:
    """Wrap one paragraph; `first` replaces the indent on the first line (for bullets)."""
    return textwrap.fill(" ".join(text.split()), width=width, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


def html_to_text(html: str, indent: str = "") -> str:
    """The text of an HTML fragment, block by block, each line starting with `indent`."""
    reader = _Reader(width=WIDTH - len(indent))
    reader.feed(html)
    reader.close()
    reader.end_block()
    text = "\n".join(reader.lines).strip("\n")
    return "\n".join(indent + line if line else "" for line in text.split("\n"))


@dataclass
class _List:
    ordered: bool
    count: int = 0

    @property
    def width(self) -> int:
        """How far an item's text stands in from its bullet: `- ` or `1. `."""
        return 3 if self.ordered else 2


@dataclass
class _Reader(HTMLParser):
    lines: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)
    quote_depth: int = 0
    pre_depth: int = 0
    skip_depth: int = 0
    bullet: str | None = None
    tight: bool = False
    cells: int = 0
    rows: int = 0
    width: int = WIDTH

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    @property
    def indent(self) -> str:
        return "> " * self.quote_depth + "".join(" " * each.width for each in self.lists)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag in SKIPPED:
            self.skip_depth += 1
        elif tag in BLOCKS or tag == "br":
            self.start_block(tag, attr)
        elif tag == "a":
            backref = "footnote-backref" in (attr.get("class") or "")
            href = attr.get("href") or ""
            self.links.append(None if backref else href)
            if backref:
                self.skip_depth += 1
        elif tag in ("td", "th"):
            self.cells += 1
            if self.cells > 1:
                self.words.append(" | ")
        elif tag == "img":
            alt = " ".join((attr.get("alt") or "").split())
            self.words.append(f"[{alt}]" if alt else "[image]")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href is None:
                self.skip_depth = max(0, self.skip_depth - 1)
            elif href.startswith(("http://", "https://", "mailto:")):
                text = "".join(self.words).rstrip()
                if not text.endswith(href.removeprefix("mailto:")):
                    self.words.append(f" <{href}>")
        elif tag in BLOCKS:
            self.end_block()
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
                self.tight = bool(self.lists)
            elif tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.words.append(data)

    def start_block(self, tag: str, attr: dict[str, str | None]) -> None:
        if tag == "br":
            self.words.append("\n")
            return
        self.end_block()
        if tag in ("ul", "ol"):
            self.lists.append(_List(tag == "ol"))
        elif tag == "li" and self.lists:
            current = self.lists[-1]
            current.count += 1
            self.bullet = f"{current.count}. " if current.ordered else "- "
            self.tight = current.count > 1 or len(self.lists) > 1  # a list stands apart from what precedes it
        elif tag == "table":
            self.rows = 0
        elif tag == "tr":
            self.cells = 0
            self.rows += 1
            self.tight = self.rows > 1  # a table's rows stand line under line
        elif tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.pre_depth += 1
        elif tag == "hr":
            self.add_block(["-" * 3])

    def end_block(self) -> None:
        text = "".join(self.words)
        self.words = []
        if not text.strip():
            return
        if self.pre_depth:
            self.add_block([self.indent + "    " + line for line in text.strip("\n").split("\n")])
            return
        outer = self.indent[:-self.lists[-1].width] if self.bullet and self.lists else self.indent
        first = outer + self.bullet if self.bullet else None
        self.bullet = None
        self.add_block([wrap(part, self.indent, first if i == 0 else None, self.width) for i, part in
                        enumerate(p for p in text.split("\n") if p.strip())])

    def add_block(self, lines: list[str]) -> None:
        if self.lines and not self.tight:
            self.lines.append("")
        self.tight = bool(self.lists)
        self.lines.extend(lines)
