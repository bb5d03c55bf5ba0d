"""Rebuilds render only what changed, and never serve stale output.

After every kind of change, the updated site must equal a cold build of the same content
in a fresh folder, byte for byte; and files the change cannot affect keep their mtime.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run, SiteDir, link, note
from tests.consent_support import decode_output
from weeknotes.base.reporter import RecordingReporter
from weeknotes.commands.cli import main


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def populate(site: SiteDir) -> None:
    for week in range(4):
        day = 2 + week * 7
        site.write(f"notes/ana/2026-10-{day:02d}-note-{week}.md",
                   note(f"Note {week}", date=f"2026-10-{day:02d}", tags="[alpha, beta]" if week % 2 else "[alpha]",
                        body=f"Body {week}. See [the next](../note-{week + 1}/)."))
        site.write(f"links/2026-10-{day:02d}-link-{week}.md",
                   link(f"https://example.net/{week}", date=f"2026-10-{day:02d}", author="ben", tags="[gamma]"))
    site.write("pages/about.md", "---\ntitle: About\n---\n\nUs.\n")
    site.write("digests/2026-W41.md", "---\ntitle: An intro\neditors: [ana]\n---\n\nHello.\n")


def edit_body(site: SiteDir) -> None:
    site.write("notes/ana/2026-10-09-note-1.md", note("Note 1", date="2026-10-09", tags="[alpha, beta]", body="New body."))


def edit_title(site: SiteDir) -> None:
    site.write("notes/ana/2026-10-09-note-1.md", note("A new title", date="2026-10-09", tags="[alpha, beta]"))


def edit_tags(site: SiteDir) -> None:
    site.write("notes/ana/2026-10-02-note-0.md", note("Note 0", date="2026-10-02", tags="[delta]", body="Body 0."))


def edit_author_name(site: SiteDir) -> None:
    site.write("authors.yaml", (site.content / "authors.yaml").read_text().replace("Ben Okafor", "Ben O."))


def edit_site_title(site: SiteDir) -> None:
    site.write("site.yaml", (site.content / "site.yaml").read_text().replace("Test Circle", "Renamed Circle"))


def edit_template(site: SiteDir) -> None:
    folder = site.root / "themes/default/templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "404.html").write_text("{% extends 'base.html' %}{% block main %}<h1>Gone</h1>{% endblock %}")


def add_note(site: SiteDir) -> None:
    site.write("notes/ben/2026-10-20-fresh.md", note("Fresh", date="2026-10-20", author="ben", tags="[beta]"))


def delete_note(site: SiteDir) -> None:
    (site.content / "notes/ana/2026-10-16-note-2.md").unlink()


def make_draft(site: SiteDir) -> None:
    site.write("notes/ana/2026-10-23-note-3.md", note("Note 3", date="2026-10-23", visibility="draft"))


def edit_intro(site: SiteDir) -> None:
    site.write("digests/2026-W41.md", "---\ntitle: A better intro\neditors: [ana, ben]\n---\n\nHello again.\n")


def rename_file(site: SiteDir) -> None:
    """The file moves to another folder under another name: the note's URL moves with it."""
    old = site.content / "notes/ana/2026-10-09-note-1.md"
    new = site.content / "notes/ben/2026-10-09-first-steps.md"
    new.parent.mkdir(parents=True, exist_ok=True)
    old.rename(new)


def move_file(site: SiteDir) -> None:
    """The file moves to another folder, its name and so its URL kept."""
    old = site.content / "links/2026-10-16-link-2.md"
    new = site.content / "links/archive/2026-10-16-link-2.md"
    new.parent.mkdir(parents=True, exist_ok=True)
    old.rename(new)


def add_tag_to_old_note(site: SiteDir) -> None:
    """The oldest note gains a tag others have (its pages grow) and one nobody had (a new tag page)."""
    site.write("notes/ana/2026-10-02-note-0.md",
               note("Note 0", date="2026-10-02", tags="[alpha, gamma, brand-new]", body="Body 0. See [the next](../note-1/)."))


def schedule_note(site: SiteDir) -> None:
    """A note dated after "now": held back from this build (and shown once its day comes)."""
    site.write("notes/ben/2026-11-25-scheduled.md", note("Scheduled", date="2026-11-25", author="ben", tags="[beta]"))


def publish_draft(site: SiteDir) -> None:
    make_draft(site)
    site.write("notes/ana/2026-10-23-note-3.md", note("Note 3", date="2026-10-23", tags="[alpha, beta]",
                                                      visibility="public"))


def make_internal(site: SiteDir) -> None:
    site.write("notes/ana/2026-10-16-note-2.md", note("Note 2", date="2026-10-16", tags="[alpha]",
                                                      visibility="internal", body="Body 2."))


def make_unlisted(site: SiteDir) -> None:
    site.write("links/2026-10-09-link-1.md", link("https://example.net/1", date="2026-10-09", author="ben",
                                                  tags="[gamma]", visibility="unlisted"))


def withdraw_author(site: SiteDir) -> None:
    """Ben's consent changes in authors.yaml: nothing of his may stay in a public build."""
    site.write("authors.yaml", (site.content / "authors.yaml").read_text().replace(
        "  name: Ben Okafor\n  publish: public", "  name: Ben Okafor\n  publish: internal"))


def edit_settings(site: SiteDir) -> None:
    """Settings every list page reads: fewer entries per page, another timezone for the weeks."""
    site.write("site.yaml", (site.content / "site.yaml").read_text().replace("Europe/London", "Pacific/Auckland")
               + "per_page: 2\n")


def edit_base_template(site: SiteDir) -> None:
    """An override of the template every page extends."""
    folder = site.root / "themes/default/templates"
    folder.mkdir(parents=True, exist_ok=True)
    base = Path(__file__).parent.parent / "themes/default/templates/base.html"
    (folder / "base.html").write_text(base.read_text().replace("Skip to main content", "Skip ahead"))


def edit_static(site: SiteDir) -> None:
    site.write("static/humans.txt", "Made by the circle.\n")


def edit_page(site: SiteDir) -> None:
    site.write("pages/about.md", "---\ntitle: About us\n---\n\nWe [write](../notes/note-0/) weekly.\n")


CHANGES: dict[str, Callable[[SiteDir], None]] = {
    "body": edit_body, "title": edit_title, "tags": edit_tags, "author name": edit_author_name,
    "site title": edit_site_title, "template": edit_template, "new note": add_note,
    "deleted note": delete_note, "now a draft": make_draft, "digest intro": edit_intro,
    "renamed file": rename_file, "moved file": move_file, "tag added to an old note": add_tag_to_old_note,
    "scheduled note": schedule_note, "draft published": publish_draft, "now internal": make_internal,
    "now unlisted": make_unlisted, "author withdraws": withdraw_author, "settings": edit_settings,
    "base template": edit_base_template, "static file": edit_static, "standalone page": edit_page,
}


@pytest.mark.parametrize("change", CHANGES)
def test_an_updated_site_equals_a_cold_build(site: SiteDir, build: Callable[..., Run], run: Callable[..., Run], change: str) -> None:
    populate(site)
    build()
    CHANGES[change](site)
    build()
    cold = site.root / "cold"
    result = run("build", "--content", site.content, "--output", cold, "--no-cache")
    assert result.code == 0, result.err
    assert snapshot(site.output) == snapshot(cold)


def test_a_scheduled_note_appears_when_its_day_comes_as_in_a_cold_build(
        site: SiteDir, build: Callable[..., Run], run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing changes on disk, only the clock: the rebuild must still show the note (and its
    week, tags and feeds) exactly as a cold build at that moment does."""
    populate(site)
    schedule_note(site)
    site.write("digests/2026-W48.md", "---\ntitle: Next week's intro\neditors: [ben]\n---\n\nSoon.\n")
    build()
    assert not (site.output / "notes/scheduled/index.html").exists()
    assert not (site.output / "weeks/2026-W48/index.html").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796000000")  # 2026-11-30: both days have come
    build()
    assert (site.output / "notes/scheduled/index.html").exists()
    cold = site.root / "cold"
    result = run("build", "--content", site.content, "--output", cold, "--no-cache")
    assert result.code == 0, result.err
    assert snapshot(site.output) == snapshot(cold)


@pytest.mark.parametrize("audience", ["internal", "public + drafts"])
def test_a_preview_rebuilt_after_visibility_changes_equals_a_cold_build(
        site: SiteDir, run: Callable[..., Run], audience: str) -> None:
    """The same for the other audiences: what each may see changes with every visibility edit."""
    flags = ["--audience", "internal"] if audience == "internal" else ["--drafts"]
    output, cold = site.root / "preview", site.root / "cold"
    populate(site)
    make_internal(site)
    for change in (make_draft, publish_draft, make_unlisted, withdraw_author, edit_body):
        change(site)
        result = run("build", "--content", site.content, "--output", output, *flags)
        assert result.code == 0, result.err
    result = run("build", "--content", site.content, "--output", cold, "--no-cache", *flags)
    assert result.code == 0, result.err
    assert snapshot(output) == snapshot(cold)


def test_a_body_edit_rewrites_only_the_pages_that_show_it(site: SiteDir, build: Callable[..., Run]) -> None:
    populate(site)
    build()
    before = mtimes(site.output)
    edit_body(site)
    result = build()
    after = mtimes(site.output)
    rewritten = sorted(rel for rel in after if after[rel] != before.get(rel))
    # Its page; its week's digest, email and the digest feed; the feeds that carry it in full.
    # (Lists show summaries, and the summary "New body." is new too, so they change as well.)
    assert "notes/note-1/index.html" in rewritten
    assert "weeks/2026-W41/index.html" in rewritten
    assert "links/link-3/index.html" not in rewritten
    assert "notes/note-3/index.html" not in rewritten
    assert "about/index.html" not in rewritten
    assert len(rewritten) < len(after) / 2, rewritten
    assert f"({len(rewritten)} written," in result.out


def rendered_by(site: SiteDir) -> list[str]:
    """Build `site` (as the CLI does) and return the output files it rendered, not kept."""
    recorder = RecordingReporter()
    assert main(["build", "--content", str(site.content), "--output", str(site.output)], recorder) == 0
    return recorder.names("rendered")


def test_a_rebuild_with_nothing_changed_renders_nothing(site: SiteDir, build: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    populate(site)
    build()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000600")  # ten minutes later: a new "now"
    rendered = rendered_by(site)
    # Only what has no inputs to compare is made again (a few bytes each): static files and
    # the files for machines. No page, feed or email is rendered.
    assert {"robots.txt", "blogroll.opml", "sitemap.xml"} <= set(rendered)
    assert [p for p in rendered if p.endswith((".html", ".json")) or "feed" in p or p == "rss.xml"] == []
    edit_body(site)
    assert "notes/note-1/index.html" in rendered_by(site)  # and an edit is rendered


def test_an_edit_renders_the_page_of_a_tag_that_lists_the_item_not_all_its_pages(
        site: SiteDir, build: Callable[..., Run]) -> None:
    for day in range(1, 26):  # 25 notes tagged alpha: three pages of ten
        site.write(f"notes/ana/2026-10-{day:02d}-n{day}.md", note(f"Note {day}", date=f"2026-10-{day:02d}", tags="[alpha]"))
    build()
    site.write("notes/ana/2026-10-01-n1.md", note("Note 1", date="2026-10-01", tags="[alpha]", body="Edited."))
    rendered = rendered_by(site)
    assert "tags/alpha/page/3/index.html" in rendered  # the oldest note is on the last page
    assert "tags/alpha/index.html" not in rendered and "tags/alpha/page/2/index.html" not in rendered


def test_indexing_for_search_leaves_the_pages_as_the_next_build_expects(
        site: SiteDir, build: Callable[..., Run]) -> None:
    """The search index is made after a rebuild's pages are in place; making it must not touch
    them (a hard link, say, changes a file's ctime and so the stamp the next build checks it
    by: every indexed page would be rendered again, seconds at 10,000 items)."""
    site.write("site.yaml", (site.content / "site.yaml").read_text().replace("enabled: false", "enabled: true"))
    populate(site)
    build()
    edit_body(site)
    assert "notes/note-1/index.html" in rendered_by(site)  # its month's bundle is indexed again
    assert [p for p in rendered_by(site) if p.endswith(".html")] == []


def test_a_new_weeknotes_version_renders_everything_again(site: SiteDir, build: Callable[..., Run], tmp_path: Path) -> None:
    """A weeknotes upgrade may render the same input differently: no cache may hide that.

    The upgrade is simulated in a fresh process that bumps the version and changes how
    dates are shown, exactly what a release could do without touching any template.
    """
    import os
    import subprocess
    import sys

    populate(site)
    build()
    upgrade = (
        "import weeknotes; weeknotes.__version__ = '99.0'\n"
        "import weeknotes.render.theme as theme; theme.human_date = lambda value, *language: 'UPGRADED-DATE'\n"
        "from weeknotes.commands.cli import main\n"
        f"raise SystemExit(main(['build', '--content', {str(site.content)!r}, '--output', {str(site.output)!r}]))\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    subprocess.run([sys.executable, "-c", upgrade], check=True, env=env, capture_output=True)
    assert "UPGRADED-DATE" in (site.output / "notes/note-1/index.html").read_text()
    assert "UPGRADED-DATE" in (site.output / "index.html").read_text()


def test_a_hand_edited_output_file_is_repaired(site: SiteDir, build: Callable[..., Run]) -> None:
    populate(site)
    build()
    page = site.output / "notes/note-2/index.html"
    good = page.read_bytes()
    page.write_bytes(b"vandalised")
    (site.output / "stray.txt").write_text("left by someone")
    build()
    assert page.read_bytes() == good


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(site: SiteDir) -> None:
    """Files unchanged for two seconds are trusted by their stamp and not read again; an edit
    must still be seen even when it keeps the file's size and puts its old mtime back (as
    some editors and `git checkout` of an older commit can)."""
    import os
    import time

    from weeknotes.base.errors import Problems
    from weeknotes.source.content import load_content
    from weeknotes.source.sources import TRUST_AFTER_NS

    def later() -> int:
        """A clock past the trust window, so every stamp is settled (no need to sleep)."""
        return time.time_ns() + TRUST_AFTER_NS + 1

    def body_of_note_1() -> str:
        content = load_content(site.content, Problems(), clock=later)
        assert content is not None
        return next(i.body_html for i in content.items if i.slug == "note-1")

    populate(site)
    path = site.content / "notes/ana/2026-10-09-note-1.md"
    assert "Body 1." in body_of_note_1()  # read, and its stamp trusted in the record cache
    old = path.stat()
    path.write_text(path.read_text().replace("Body 1.", "Body X."))
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert path.stat().st_size == old.st_size and path.stat().st_mtime_ns == old.st_mtime_ns
    assert "Body X." in body_of_note_1()


def test_an_edit_to_an_item_past_the_feed_limit_renders_no_feed(site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    """A feed carries the newest `feeds.limit` items: an older item's edit cannot change it,
    so no feed is even rendered again (at 10k items, that is most edits)."""
    feeds = {"feed.xml", "notes/feed.xml", "rss.xml", "feed.json"}
    populate(site)
    site.write("site.yaml", (site.content / "site.yaml").read_text() + "feeds:\n  limit: 2\n")
    build()
    site.write("notes/ana/2026-10-02-note-0.md", note("Note 0", date="2026-10-02", tags="[alpha]", body="Edited."))
    rendered = rendered_by(site)
    assert "Edited." in (site.output / "notes/note-0/index.html").read_text()
    assert "notes/note-0/index.html" in rendered
    assert not feeds & set(rendered), rendered
    site.write("notes/ana/2026-10-23-note-3.md", note("Note 3", date="2026-10-23", tags="[beta]", body="Edited."))
    assert feeds <= set(rendered_by(site))  # the newest note is in the feeds


# --- the search index (issue 13): bundles by month, made again only where pages changed ---

def add_note_of_a_new_month(site: SiteDir) -> None:
    site.write("notes/ben/2026-11-02-november.md", note("November", date="2026-11-02", author="ben"))


SEARCH_CHANGES = {name: CHANGES[name] for name in
                  ("body", "title", "new note", "deleted note", "now a draft", "site title", "template")}
SEARCH_CHANGES["a new month"] = add_note_of_a_new_month


def populate_with_search(site: SiteDir) -> None:
    """`populate`, search on, and notes in two more months, so the index has several bundles."""
    populate(site)
    site.write("site.yaml", (site.content / "site.yaml").read_text().replace("enabled: false", "enabled: true"))
    site.write("notes/ben/2026-08-03-august.md", note("August", date="2026-08-03", author="ben", body="Summer."))
    site.write("notes/ana/2025-12-01-december.md", note("December", date="2025-12-01", body="Winter."))


@pytest.mark.parametrize("change", SEARCH_CHANGES)
def test_an_updated_search_index_equals_a_cold_build(site: SiteDir, build: Callable[..., Run], run: Callable[..., Run], change: str) -> None:
    """However the site was reached, its index is the one a cold build makes, byte for byte."""
    populate_with_search(site)
    build()
    SEARCH_CHANGES[change](site)
    build()
    cold = site.root / "cold"
    result = run("build", "--content", site.content, "--output", cold, "--no-cache")
    assert result.code == 0, result.err
    updated, fresh = snapshot(site.output), snapshot(cold)
    assert sorted(rel for rel in fresh if rel.startswith("pagefind/")) == sorted(
        rel for rel in updated if rel.startswith("pagefind/"))
    assert updated == fresh
    newest = ("pagefind/2026-10/pagefind.js" if change == "a new month"  # the weeks merged into their month
              else "pagefind/2026-10-1/pagefind.js")  # the newest month comes in weeks
    assert {"pagefind/2025-12/pagefind.js", "pagefind/2026-08/pagefind.js", newest,
            "pagefind/pages/pagefind.js"} <= set(fresh)


def test_a_body_edit_reindexes_only_its_week_of_the_newest_month(site: SiteDir, build: Callable[..., Run]) -> None:
    populate_with_search(site)
    build()
    index = site.output / "pagefind"
    before = {rel: os.stat(index / rel).st_ino for rel in mtimes(index)}
    edit_body(site)  # a note of 2026-10-09, the newest month's second week
    build()
    after = {rel: os.stat(index / rel).st_ino for rel in mtimes(index)}
    remade = {rel.split("/")[0] for rel in after if before.get(rel) != after[rel] and "/" in rel}
    # Its own week, and note 2's (days 15-21): note 1 no longer links to it, so its page loses
    # the "mentioned in" line. No other bundle is touched.
    assert remade == {"2026-10-2", "2026-10-3"}, remade
    words = b"".join(decode_output(f"pagefind/{rel}", (index / rel).read_bytes())
                     for rel in after if rel.startswith("2026-10-2/fragment/"))
    assert b"new body" in words.lower()


def test_a_neighbours_page_changes_around_its_text_without_being_indexed_again(
        site: SiteDir, build: Callable[..., Run]) -> None:
    """Note 2's page links to the next note; when note 3 is withdrawn that link goes, but what
    the index reads of note 2 (its article) is unchanged, so only note 3's week is indexed again."""
    populate_with_search(site)
    build()
    index = site.output / "pagefind"
    before = {rel: os.stat(index / rel).st_ino for rel in mtimes(index)}
    assert site.html("notes/note-2/").cssselect('nav.item-nav a[rel="next"]')
    make_draft(site)  # note 3, of 2026-10-23: the newest month's fourth week
    build()
    assert not site.html("notes/note-2/").cssselect('nav.item-nav a[rel="next"]')
    after = {rel: os.stat(index / rel).st_ino for rel in mtimes(index)}
    remade = {rel.split("/")[0] for rel in after if before.get(rel) != after[rel] and "/" in rel}
    assert remade == {"2026-10-4"}, remade


def test_a_withdrawn_month_loses_its_bundle(site: SiteDir, build: Callable[..., Run]) -> None:
    populate_with_search(site)
    build()
    assert (site.output / "pagefind/2026-08").is_dir()
    (site.content / "notes/ben/2026-08-03-august.md").unlink()
    build()
    assert not (site.output / "pagefind/2026-08").exists()
    listed = json.loads((site.output / "pagefind/bundles.json").read_text())["bundles"]
    assert [bundle["key"] for bundle in listed] == ["2026-10-4", "2026-10-3", "2026-10-2", "2026-10-1", "2025-12",
                                                    "pages"]


def test_after_an_edit_the_next_build_renders_nothing_again(site: SiteDir, build: Callable[..., Run]) -> None:
    """A rebuild puts the new site in place by exchanging it with a spare copy that shares the
    unchanged files by hard link (issue 22); linking changes a file's ctime, and with it the
    stamp the next build checks the file by: those files must be stamped again, or the next
    build renders every page again."""
    populate(site)
    build()
    edit_body(site)
    assert "notes/note-1/index.html" in rendered_by(site)
    again = rendered_by(site)
    assert {"robots.txt", "sitemap.xml"} <= set(again)  # made again always (no inputs to compare)
    assert [p for p in again if p.endswith((".html", ".json")) or "feed" in p or p == "rss.xml"] == []


def test_the_first_rebuild_makes_its_spare_meanwhile_and_a_failed_one_leaves_none(
        site: SiteDir, build: Callable[..., Run], run: Callable[..., Run]) -> None:
    """The first rebuild after a cold build has no spare site to exchange with: it links one
    in another process while it renders (spare.py). Its site is a cold build's, and its spare
    shares every unchanged file; a rebuild that fails meanwhile leaves neither the copy nor a
    change to the site."""
    populate(site)
    build()
    before = snapshot(site.output)
    edit_body(site)
    folder = site.root / "themes/default/templates"
    folder.mkdir(parents=True)
    base = Path(__file__).parent.parent / "themes/default/templates/item.html"
    (folder / "item.html").write_text(base.read_text() + "{{ broken(")
    assert build(ok=False).code == 1
    assert snapshot(site.output) == before
    assert list((site.content / ".weeknotes-cache").glob("site-*")) == []
    shutil.rmtree(site.root / "themes")
    build()
    cold = site.root / "cold"
    assert run("build", "--content", site.content, "--output", cold, "--no-cache").code == 0
    assert snapshot(site.output) == snapshot(cold)
    [spare] = (site.content / ".weeknotes-cache").glob("site-*/")
    inodes = {p.relative_to(spare).as_posix(): p.stat().st_ino for p in spare.rglob("*") if p.is_file()}
    shared = [rel for rel, inode in inodes.items() if (site.output / rel).stat().st_ino == inode]
    assert "notes/note-0/index.html" in shared and "notes/note-1/index.html" not in shared


def test_the_caches_know_the_installed_version_of_every_library_that_shapes_the_output() -> None:
    """Upgrading Markdown, Jinja or any other such library must invalidate every cache: the
    versions come from the installed metadata folders' names, read as importlib.metadata does."""
    from importlib.metadata import version

    from weeknotes.source.cache import LIBRARIES, distribution_key, installed_versions

    found = installed_versions()
    assert LIBRARIES
    for name in LIBRARIES:
        assert found.get(distribution_key(name)) == version(name), name


def test_the_digest_feed_keeps_one_rendered_digest_per_week_it_carries(site: SiteDir, build: Callable[..., Run],
                                                                     run: Callable[..., Run]) -> None:
    """Each week's digest in weeks/feed.xml is kept between builds (output/fragments.py) and
    used while the week is the same; the feed still equals a cold build's, and what it no
    longer carries is not kept."""
    populate(site)
    build()
    for body in ("First.", "Second.", "Third."):
        site.write("notes/ana/2026-10-09-note-1.md", note("Note 1", date="2026-10-09", tags="[alpha, beta]", body=body))
        build()
    kept = sorted(site.content.glob(".weeknotes-cache/outputs-*-fragments/*.html"))
    assert len(kept) == 4  # the four weeks of populate(), each once
    assert any("Third." in path.read_text() for path in kept)
    cold = site.root / "cold"
    assert run("build", "--content", site.content, "--output", cold, "--no-cache").code == 0
    assert (site.output / "weeks/feed.xml").read_bytes() == (cold / "weeks/feed.xml").read_bytes()
