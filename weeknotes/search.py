"""The static search index (Pagefind), built from the pages this build shows.

Only pages marked `data-pagefind-body` (listed items and pages) are indexed, and the
index is built from the staged site, so it can hold nothing the build does not show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from weeknotes.errors import WeeknotesError
from weeknotes.model import Site
from weeknotes.write import INDEX_DIR


def build_index(site_dir: Path, output_path: Path | None = None) -> None:
    """Index `site_dir` into `site_dir/pagefind`, or into `output_path` when given."""
    target = ["--output-path", str(output_path)] if output_path else ["--output-subdir", "pagefind"]
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), *target, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WeeknotesError(f"search index: could not run Pagefind: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise WeeknotesError(
            "search index: Pagefind failed: " + (detail[-1] if detail else f"exit {result.returncode}")
            + "\n  hint: install it with `pip install 'pagefind[extended]'`, or set `search: {enabled: false}` in site.yaml")


def has_searchable_pages(site: Site) -> bool:
    """Pagefind indexes every page when none is marked, so with nothing listed there is no index."""
    return bool(site.listed) or any(page.visibility != "unlisted" for page in site.pages)


def remove_index(site_dir: Path) -> None:
    """Drop the index before the pages it describes change (see refresh_index)."""
    shutil.rmtree(site_dir / INDEX_DIR, ignore_errors=True)


def refresh_index(site_dir: Path) -> None:
    """Index a site updated in place, into a fresh folder swapped in whole.

    The old index was removed before the pages changed, so if this fails or the process is
    killed the site has no index rather than a stale one (which could still list a note
    withdrawn since); the next build notices the missing index and makes it.
    """
    index = site_dir / INDEX_DIR
    fresh = site_dir.parent / f".{site_dir.name}.pagefind-new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        build_index(site_dir, fresh)
        shutil.rmtree(index, ignore_errors=True)
        os.rename(fresh, index)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
