"""Edges of consent found in review: other builds into the same folder, avatars, intros, via."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Run, SiteDir, link, note

HIDDEN = "Quillon Vesperine"  # the name of someone who has not opted in


def with_private_author(site: SiteDir) -> None:
    site.write("authors.yaml", "ana:\n  name: Ana Pérez\n  publish: public\n"
               f"priv:\n  name: {HIDDEN}\n  publish: internal\n  avatar: avatars/priv.svg\n")
    site.write("static/avatars/priv.svg", f"<svg xmlns='http://www.w3.org/2000/svg'><title>{HIDDEN}</title></svg>")
    site.write("notes/ana/2026-11-16-open.md", note("Open"))
    site.write("notes/priv/2026-11-16-private.md", note("Private work", author="priv"))


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_public_build_removes_pages_another_build_left_in_the_folder(site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    with_private_author(site)
    build()
    other = site.root / "other-content"
    shutil.copytree(site.content, other)
    # Another content folder where `priv` has opted in: a public build, so the folder's
    # marker allows it, but this build's manifest does not know its pages.
    (other / "authors.yaml").write_text((other / "authors.yaml").read_text().replace("internal", "public"))
    other_build = run("build", "--content", other, "--output", site.output)
    assert other_build.code == 0, other_build.err
    assert (site.output / "notes/private/index.html").exists()
    build()  # from the first content folder again
    assert not (site.output / "notes/private/index.html").exists()
    assert HIDDEN.encode() not in all_bytes(site.output)


def test_the_avatar_of_someone_not_opted_in_is_not_copied(site: SiteDir, build: Callable[..., Run]) -> None:
    with_private_author(site)
    build()
    assert not (site.output / "avatars/priv.svg").exists()
    assert HIDDEN.encode() not in all_bytes(site.output)


def test_via_naming_a_hidden_author_by_name_is_dropped(site: SiteDir, build: Callable[..., Run]) -> None:
    with_private_author(site)
    site.write("links/2026-11-17-l.md", link("https://example.net/x", via=HIDDEN))
    build()
    assert HIDDEN.encode() not in all_bytes(site.output)


def test_a_digest_intro_cannot_be_unlisted(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-open.md", note("Open"))
    site.write("digests/2026-W47.md", "---\ntitle: Hush\nvisibility: unlisted\n---\n\nNot yet.\n")
    result = build(ok=False)
    assert "2026-W47.md:3: error: `visibility` must be one of public, internal, draft, not 'unlisted'" in result.err
