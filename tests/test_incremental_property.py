"""Property: however a site was reached, a rebuild equals a cold build of it, byte for byte.

Hypothesis writes a small site, then applies a random sequence of edits, building in place
after each one: notes written, rewritten, moved, renamed and deleted (with random dates,
tags, authors, visibility and links to each other), links curated twice, authors changing
their `publish:` level, settings and theme templates edited, a standalone page and a static
file, and the clock moving past scheduled notes. After every edit the output folder must
hold exactly what a cold build (`--no-cache`, a fresh folder) writes, file for file and byte
for byte (after every one: a later edit could repair a page an earlier rebuild left stale);
a difference names the files that differ and the edits that led there.

Run more examples locally with WEEKNOTES_INCREMENTAL_EXAMPLES=200.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import AUTHORS_YAML, SITE_YAML, SiteDir, link, note
from weeknotes.commands.cli import main

SLOTS = 6
"""Notes are written into this many slots (file names), so edits meet earlier ones."""
DATES = ["2026-10-05", "2026-10-12", "2026-10-13", "2026-11-02", "2026-11-18", "2026-11-24"]
EPOCHS = [1795000000, 1796000000]  # 2026-11-19, then 2026-11-30: past every date above
TAGS = ["alpha", "beta", "Alpha", "gamma", "delta"]  # "Alpha" is alpha spelled otherwise
AUTHORS = ["ana", "ben"]
VISIBILITY = ["public", "public", "public", "public", "draft", "internal", "unlisted"]
FOLDERS = ["ana", "ben", "archive/old"]
THEME_BASE = Path(__file__).parent.parent / "themes/default/templates"


@dataclass(frozen=True)
class Edit:
    """One change to the site, with what it does in words (for the failure message)."""

    words: str
    apply: Callable[[SiteDir], None]


def note_path(site: SiteDir, slot: int) -> Path | None:
    found = sorted(site.content.glob(f"notes/**/*slot-{slot}.md"))
    return found[0] if found else None


def write_note(slot: int, folder: str, date: str, author: str, tags: list[str], visibility: str,
               target: int | None, title: str) -> Edit:
    def apply(site: SiteDir) -> None:
        old = note_path(site, slot)
        if old is not None:
            old.unlink()
        body = f"Text of slot {slot}." + (f" See [slot {target}](../slot-{target}/)." if target is not None else "")
        site.write(f"notes/{folder}/{date}-slot-{slot}.md",
                   note(title, date=date, author=author, tags="[" + ", ".join(tags) + "]",
                        visibility=visibility, body=body, slug=f"slot-{slot}"))
    return Edit(f"write note {slot} in {folder} ({title!r}, {date}, {author}, {tags}, {visibility}, "
                f"links to {target})", apply)


def delete_note(slot: int) -> Edit:
    def apply(site: SiteDir) -> None:
        path = note_path(site, slot)
        if path is not None:
            path.unlink()
    return Edit(f"delete note {slot}", apply)


def move_note(slot: int, folder: str) -> Edit:
    def apply(site: SiteDir) -> None:
        path = note_path(site, slot)
        if path is not None:
            target = site.content / "notes" / folder / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
    return Edit(f"move note {slot} to {folder}/", apply)


def curate(number: int, url: str, author: str, date: str) -> Edit:
    def apply(site: SiteDir) -> None:
        for old in site.content.glob(f"links/*-curation-{number}.md"):
            old.unlink()
        site.write(f"links/{date}-curation-{number}.md", link(url, date=date, author=author, tags="[gamma]",
                                                               slug=f"curation-{number}"))
    return Edit(f"curate {url} as link {number} by {author} on {date}", apply)


def set_publish(author: str, level: str) -> Edit:
    def apply(site: SiteDir) -> None:
        text = (site.content / "authors.yaml").read_text()
        lines = text.splitlines()
        start = lines.index(f"{author}:")
        end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
        block = [line for line in lines[start:end] if not line.strip().startswith("publish:")]
        lines[start:end] = [*block, f"  publish: {level}"]
        site.write("authors.yaml", "\n".join(lines) + "\n")
    return Edit(f"{author} publishes {level}", apply)


def set_settings(per_page: int, timezone: str, feed_limit: int) -> Edit:
    def apply(site: SiteDir) -> None:
        text = SITE_YAML.replace("Europe/London", timezone)
        site.write("site.yaml", text + f"per_page: {per_page}\nfeeds:\n  limit: {feed_limit}\n")
    return Edit(f"settings: per_page {per_page}, timezone {timezone}, feeds.limit {feed_limit}", apply)


def override_template(name: str, words: str) -> Edit:
    def apply(site: SiteDir) -> None:
        folder = site.root / "themes/default/templates"
        folder.mkdir(parents=True, exist_ok=True)
        source = (THEME_BASE / name).read_text()
        (folder / name).write_text(source.replace("</main>", f"<p>{words}</p></main>")
                                   if "</main>" in source else source + f"\n{{# {words} #}}\n")
    return Edit(f"override {name} ({words})", apply)


def drop_overrides() -> Edit:
    def apply(site: SiteDir) -> None:
        shutil.rmtree(site.root / "themes", ignore_errors=True)
    return Edit("remove the theme overrides", apply)


def write_page(title: str) -> Edit:
    def apply(site: SiteDir) -> None:
        site.write("pages/about.md", f"---\ntitle: {title}\n---\n\nAbout [slot 0](../notes/slot-0/).\n")
    return Edit(f"about page titled {title!r}", apply)


def write_static(text: str) -> Edit:
    def apply(site: SiteDir) -> None:
        site.write("static/humans.txt", text + "\n")
    return Edit(f"static humans.txt {text!r}", apply)


def advance_clock() -> Edit:
    def apply(site: SiteDir) -> None:
        os.environ["SOURCE_DATE_EPOCH"] = str(EPOCHS[1])
    return Edit("the clock moves past every scheduled note", apply)


slots = st.integers(0, SLOTS - 1)


@st.composite
def notes(draw: st.DrawFn) -> Edit:
    """A note written into a slot, linking to another slot's note (mostly): backlinks meet edits."""
    slot = draw(slots)
    target = draw(st.integers(1, SLOTS - 1).map(lambda step: (slot + step) % SLOTS) | st.none())
    return write_note(slot, draw(st.sampled_from(FOLDERS)), draw(st.sampled_from(DATES)),
                      draw(st.sampled_from(AUTHORS)), draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True)),
                      draw(st.sampled_from(VISIBILITY)), target, draw(st.sampled_from(["First", "Second", "Third"])))


other_edits = st.one_of(
    st.builds(curate, st.integers(0, 2), st.sampled_from(["https://a.example.com/x", "https://www.a.example.com/x/",
                                                           "https://b.example.com/"]),
              st.sampled_from(AUTHORS), st.sampled_from(DATES)),
    st.builds(set_publish, st.sampled_from(AUTHORS), st.sampled_from(["public", "internal", "none"])),
    st.builds(set_settings, st.sampled_from([1, 2, 10]), st.sampled_from(["Europe/London", "Pacific/Auckland"]),
              st.sampled_from([1, 20])),
    st.builds(override_template, st.sampled_from(["base.html", "_entry.html", "item.html", "tags.html"]),
              st.sampled_from(["one", "two"])),
    st.just(drop_overrides()),
    st.builds(write_page, st.sampled_from(["About", "About us"])),
    st.builds(write_static, st.sampled_from(["one", "two"])),
    st.just(advance_clock()),
)
# Most edits are to notes, as on a real site, and the ones that reach furthest (lists,
# backlinks, tags, weeks) need two notes to meet.
edits = st.one_of(notes(), notes(), st.builds(delete_note, slots), st.builds(move_note, slots, st.sampled_from(FOLDERS)),
                  other_edits)
AUDIENCE_FLAGS = [[], [], [], ["--audience", "internal"], ["--drafts"]]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(site: SiteDir, output: Path, flags: list[str], *extra: str) -> None:
    code = main(["build", "--content", str(site.content), "--output", str(output), *flags, *extra])
    assert code == 0


@settings(max_examples=int(os.environ.get("WEEKNOTES_INCREMENTAL_EXAMPLES", "12")), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(start=st.lists(notes(), min_size=SLOTS // 2, max_size=SLOTS),
       changes=st.lists(edits, min_size=1, max_size=6), flags=st.sampled_from(AUDIENCE_FLAGS))
def test_a_site_rebuilt_after_any_edits_equals_a_cold_build(start: list[Edit], changes: list[Edit],
                                                            flags: list[str]) -> None:
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(EPOCHS[0])
    try:
        with tempfile.TemporaryDirectory() as folder:
            site = SiteDir(Path(folder))
            site.write("site.yaml", SITE_YAML)
            site.write("authors.yaml", AUTHORS_YAML)
            for edit in start:
                edit.apply(site)
            build(site, site.output, flags)
            assert changes
            for step, edit in enumerate(changes, 1):
                edit.apply(site)
                build(site, site.output, flags)
                cold = site.root / f"cold-{step}"
                build(site, cold, flags, "--no-cache")
                rebuilt, fresh = snapshot(site.output), snapshot(cold)
                differing = sorted(rel for rel in rebuilt.keys() | fresh.keys() if rebuilt.get(rel) != fresh.get(rel))
                history = "\n  ".join(edit.words for edit in [*start, *changes[:step]])
                assert not differing, f"rebuilt site differs from a cold build in {differing}\nafter:\n  {history}"
                shutil.rmtree(cold)
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
