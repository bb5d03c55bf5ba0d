"""What must be true of a digest before `weeknotes send` lets it go.

Every link and image in the HTML part is an absolute http(s) address (a relative link
cannot work in a mail client, and other schemes have no place in a newsletter), there is
no script, every image has alt text, the HTML part is small enough that Gmail shows it
whole, and the week is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

# Gmail clips a message whose HTML is larger than 102 KB and hides the rest behind a link.
MAX_HTML_BYTES = 102 * 1024
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "background", "poster", "cite", "formaction"})


@dataclass(frozen=True)
class CheckResult:
    """One check and what it found; no problems means it passed."""

    name: str
    problems: tuple[str, ...] = ()
    skipped: str = ""
    """Why the check was not made (e.g. `--force`); a skipped check passes."""

    @property
    def passed(self) -> bool:
        return not self.problems

    def format(self) -> str:
        if self.skipped:
            return f"  skipped: {self.name} ({self.skipped})"
        if self.passed:
            return f"  ok: {self.name}"
        return "\n".join([f"  FAILED: {self.name}", *(f"    - {p}" for p in self.problems)])


def check_digest(html: str, now: datetime, ends: datetime, force: bool) -> list[CheckResult]:
    """Run every check on the HTML part of a week's message."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    size = len(html.encode("utf-8"))
    over = [f"the HTML part is {size / 1024:.0f} KB; Gmail clips messages over {MAX_HTML_BYTES // 1024} KB "
            "(send a shorter digest: fewer or shorter entries)"] if size > MAX_HTML_BYTES else []
    week_open = [f"the week ends on {ends.isoformat(' ', 'minutes')}; it is now {now.isoformat(' ', 'minutes')} "
                 "(wait, or use --force to send it anyway)"] if now < ends else []
    return [
        CheckResult("every link is an absolute http(s) address", tuple(scan.bad_links)),
        CheckResult("no scripts", tuple(scan.scripts)),
        CheckResult("every image has alt text", tuple(scan.images_without_alt)),
        CheckResult(f"the HTML part is at most {MAX_HTML_BYTES // 1024} KB", tuple(over)),
        CheckResult("the week has ended", () if force else tuple(week_open),
                    "--force" if force and week_open else ""),
    ]


class _Scan(HTMLParser):
    """Collects what the checks look for, in one pass over the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad_links: list[str] = []
        self.scripts: list[str] = []
        self.images_without_alt: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"line {self.getpos()[0]} of the HTML part"
        if tag == "script":
            self.scripts.append(f"a <script> element ({where})")
        for name, value in attrs:
            if name.startswith("on"):
                self.scripts.append(f"an event handler `{name}` on <{tag}> ({where})")
            elif name in URL_ATTRIBUTES:
                self.check_url(tag, name, value or "")
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            self.images_without_alt.append(f"<img src=\"{dict(attrs).get('src') or ''}\"> has no alt text "
                                           "(describe the image in the Markdown: ![what it shows](address))")

    def check_url(self, tag: str, name: str, value: str) -> None:
        urls = [part.split()[0] for part in value.split(",") if part.split()] if name == "srcset" else [value]
        for url in urls:
            if not url.strip().lower().startswith(("http://", "https://")):
                self.bad_links.append(f"<{tag} {name}=\"{url}\"> is not an absolute http(s) address")
