"""Read a built site back the way a browser and a crawler would."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

FAKE_ORIGIN = "http://site.test/prefix/"


def html_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.parts)


def page_url(output: Path, path: Path) -> str:
    return FAKE_ORIGIN + path.relative_to(output).as_posix()


def target_file(output: Path, url: str) -> Path | None:
    """The file a URL under FAKE_ORIGIN would serve, as a static host does (dir -> index.html)."""
    parts = urlsplit(url)
    if not url.startswith(FAKE_ORIGIN):
        return None
    rel = unquote(parts.path[len(urlsplit(FAKE_ORIGIN).path):])
    candidate = output / rel
    if rel == "" or rel.endswith("/"):
        candidate = candidate / "index.html"
    return candidate


def local_links(output: Path) -> list[tuple[Path, str]]:
    """Every (page, href/src) pair in the site's HTML that is not an external http(s)/mailto URL."""
    found = []
    for path in html_files(output):
        doc = lxml.html.fromstring(path.read_bytes())
        for element in doc.iter():
            for attr in ("href", "src"):
                value = element.get(attr)
                if value is None or value.startswith(("http://", "https://", "mailto:")):
                    continue
                found.append((path, value))
    return found


def broken_links(output: Path) -> list[str]:
    problems = []
    for path, value in local_links(output):
        if value.startswith("#"):
            continue
        url = urljoin(page_url(output, path), value)
        target = target_file(output, url)
        if target is None or not target.is_file():
            problems.append(f"{path.relative_to(output)}: {value}")
    return problems
