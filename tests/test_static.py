"""Static files: everything under content/static/ reaches the site, dotfiles included, history not."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Run, SiteDir, note


def test_dotfiles_and_dot_folders_are_copied_but_version_control_is_not(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-first-week.md", note("First week"))
    site.write("static/.nojekyll", "")
    site.write("static/.well-known/x", "hello from well-known\n")
    site.write("static/.well-known/security.txt", "Contact: mailto:sec@example.org\n")
    site.write("static/docs/.htaccess", "Options -Indexes\n")
    for vcs in (".git", ".hg", ".svn"):
        site.write(f"static/{vcs}/config", "[core]\n\tsecret = do-not-publish\n")
        site.write(f"static/docs/{vcs}/HEAD", "ref: refs/heads/main\n")
    build()
    files = site.files()
    assert files[".nojekyll"] == b""
    assert files[".well-known/x"] == b"hello from well-known\n"
    assert files[".well-known/security.txt"] == b"Contact: mailto:sec@example.org\n"
    assert files["docs/.htaccess"] == b"Options -Indexes\n"
    leaked = [rel for rel, data in files.items()
              if {".git", ".hg", ".svn"} & set(rel.split("/")) or b"do-not-publish" in data]
    assert leaked == []


def test_a_dotfile_added_later_is_copied_by_the_next_build(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-first-week.md", note("First week"))
    build()
    assert not (site.output / ".nojekyll").exists()
    site.write("static/.nojekyll", "")
    build()
    assert (site.output / ".nojekyll").is_file()


def test_hidden_markdown_outside_static_is_still_not_a_note(site: SiteDir, build: Callable[..., Run]) -> None:
    site.write("notes/ana/2026-11-16-first-week.md", note("First week"))
    site.write("notes/ana/.2026-11-17-scratch.md", note("Scratch idea SECRETWORD"))
    site.write("notes/.trash/2026-11-18-old.md", note("Old SECRETWORD"))
    build()
    assert [rel for rel, data in site.files().items() if b"SECRETWORD" in data] == []
