"""The two ways weeknotes replaces things on disk: a file whole, a folder whole."""

from __future__ import annotations

import stat
from pathlib import Path

from weeknotes.base.files import write_atomically
from weeknotes.output.spare import put_in_place


def test_a_file_is_replaced_whole_readable_by_all_with_nothing_left_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "state.json"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # a file to commit, not a private one
    assert sorted(p.name for p in target.parent.iterdir()) == ["state.json"]


def test_a_folder_is_swapped_in_whole_and_the_old_one_removed(tmp_path: Path) -> None:
    dest, fresh = tmp_path / "site", tmp_path / "fresh"
    (dest / "old").mkdir(parents=True)
    (dest / "old" / "page.html").write_text("old")
    fresh.mkdir()
    (fresh / "page.html").write_text("new")
    put_in_place(fresh, dest)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["site", "site/page.html"]
    other = tmp_path / "first"
    other.mkdir()
    put_in_place(other, tmp_path / "never-existed")  # no old folder: just moved in
    assert (tmp_path / "never-existed").is_dir() and not other.exists()
