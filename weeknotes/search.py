"""The static search index (Pagefind), built from the pages this build shows.

Only pages marked `data-pagefind-body` (listed items and pages) are indexed, and the
index is built from the staged site, so it can hold nothing the build does not show.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from weeknotes.errors import WeeknotesError


def build_index(site_dir: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind", "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WeeknotesError(f"search index: could not run Pagefind: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise WeeknotesError(
            "search index: Pagefind failed: " + (detail[-1] if detail else f"exit {result.returncode}")
            + "\n  hint: install it with `pip install 'pagefind[extended]'`, or set `search: {enabled: false}` in site.yaml")
