"""The one configured Markdown renderer.

CommonMark plus tables, strikethrough, footnotes and heading anchors, with Pygments
highlighting. Raw HTML is dropped unless `markdown.allow_html` is true, and then the whole
output goes through nh3 (the Ammonia sanitiser). Only http(s), mailto and relative link
targets survive; anything else (javascript:, data:, file:) is rendered as plain text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from slugify import slugify

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_FORMATTER = HtmlFormatter(nowrap=True, classprefix="hl-")

# What nh3 keeps when raw HTML is allowed: what our own Markdown output needs, and no more.
SANITISER_TAGS = nh3.ALLOWED_TAGS | {"section", "sup", "sub", "span", "figure", "figcaption", "details", "summary", "mark"}
SANITISER_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}


def is_safe_link(url: str) -> bool:
    """Keep http(s), mailto and scheme-less (relative) targets only."""
    url = url.strip()
    match = SCHEME_RE.match(url)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


@functools.lru_cache(maxsize=64)
def _lexer(name: str) -> Any:
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


def _highlight(code: str, lang: str, _attrs: str) -> str:
    lexer = _lexer(lang.lower()) if lang else None
    return pygments_highlight(code, lexer, _FORMATTER) if lexer is not None else ""


def _heading_slug(text: str) -> str:
    return slugify(text) or "section"


def _drop_html(*_args: Any, **_kwargs: Any) -> str:
    return ""


def _make_parser(allow_html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "highlight": _highlight, "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=_heading_slug)
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    if not allow_html:
        md.add_render_rule("html_block", _drop_html)
        md.add_render_rule("html_inline", _drop_html)
    return md


@functools.lru_cache(maxsize=2)
def parser(allow_html: bool) -> MarkdownIt:
    return _make_parser(allow_html)


@dataclass(frozen=True)
class Rendered:
    html: str
    first_paragraph: str
    """Plain text of the first paragraph, for a default summary."""
    links: tuple[str, ...]
    """Every link target in the body, as written."""
    references: tuple[tuple[str, int, bool], ...] = ()
    """Every link and image that may point into the site (no scheme, or http(s)): (target as
    written, its line in the body counting from 0, whether it is an image)."""


def render_markdown(text: str, allow_html: bool, doc_id: str) -> Rendered:
    """Render Markdown to safe HTML.

    `doc_id` keeps footnote ids unique when several bodies share a page. Relative and
    root-relative links are kept as written; urls.rebase_html points them at the right
    place for each page, feed or email the body appears in.
    """
    md = parser(allow_html)
    env: dict[str, Any] = {"docId": doc_id}
    tokens = md.parse(text, env)
    links = [token.attrs["href"] for token in _walk(tokens)
             if token.type == "link_open" and isinstance(token.attrs.get("href"), str)]
    html = md.renderer.render(tokens, md.options, env)
    if allow_html:
        html = sanitise_html(html)
    return Rendered(html, _first_paragraph(tokens), tuple(str(link) for link in links), tuple(_references(tokens)))


def _references(tokens: list[Token]) -> Any:
    """(target, line, is an image) of each link and image that may point into the site; the
    line is its block's first line plus the line breaks before it in the block."""
    for token in tokens:
        if token.type != "inline" or not token.map or not token.children:
            continue
        line = token.map[0]
        for child in _walk(token.children):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            target = child.attrs.get("href") if child.type == "link_open" else \
                child.attrs.get("src") if child.type == "image" else None
            if isinstance(target, str) and target and not target.startswith("#"):
                scheme = SCHEME_RE.match(target)
                if scheme is None or scheme.group(1).lower() in ("http", "https"):
                    yield target, line, child.type == "image"


def sanitise_html(html: str) -> str:
    """Keep only safe HTML: what `markdown.allow_html` content and members' blog posts pass through."""
    return nh3.clean(
        html,
        tags=SANITISER_TAGS,
        attributes=SANITISER_ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        filter_style_properties={"text-align"},
    )


def _walk(tokens: list[Token]) -> Any:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _first_paragraph(tokens: list[Token]) -> str:
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            inline = tokens[index + 1]
            parts = []
            for child in inline.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            text = " ".join("".join(parts).split())
            if text:
                return text
    return ""


def host_and_path(url: str) -> str:
    """The default title of a link curation: the URL's host and path."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return (host + parts.path.rstrip("/")) or url
