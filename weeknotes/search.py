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


def refresh_index(site_dir: Path) -> None:
    """Re-index a site updated in place, swapping the new index in whole.

    If indexing fails the old index is removed rather than kept: it may list pages the
    site no longer shows (a note withdrawn since), and a stale index must never leak them.
    """
    index = site_dir / "pagefind"
    fresh = site_dir.parent / f".{site_dir.name}.pagefind-new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        build_index(site_dir, fresh)
    except WeeknotesError:
        shutil.rmtree(index, ignore_errors=True)
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    old = site_dir.parent / f".{site_dir.name}.pagefind-old"
    shutil.rmtree(old, ignore_errors=True)
    if index.exists():
        os.rename(index, old)
    os.rename(fresh, index)
    shutil.rmtree(old, ignore_errors=True)
