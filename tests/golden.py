"""The golden site: `tests/sites/basic/` built, as a public build, into `tests/golden/basic/`.

`make golden` (`python -m tests.golden`) writes the golden tree again after a change meant to
change output; read its diff before committing it, since every file in it is a claim about
what weeknotes writes. tests/test_golden.py builds the same site the same way and compares.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SITE = TESTS / "sites" / "basic"
GOLDEN = TESTS / "golden" / "basic"
NOW = "1796000000"
"""SOURCE_DATE_EPOCH of every golden build: 2026-12-01, after all of the site's content."""


def build_basic(workdir: Path, *flags: str) -> Path:
    """Build a copy of the basic site (a build writes its caches into its content folder)."""
    content = workdir / "content"
    output = workdir / "out"
    shutil.copytree(SITE, content)
    env = {**os.environ, "SOURCE_DATE_EPOCH": NOW}
    result = subprocess.run([sys.executable, "-m", "weeknotes", "build", "--content", str(content),
                             "--output", str(output), *flags], env=env, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"building {SITE} failed:\n{result.stderr}")
    return output


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its `/`-separated path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        output = build_basic(Path(work))
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(output, GOLDEN)
    print(f"wrote {len(tree(GOLDEN))} files to {GOLDEN.relative_to(TESTS.parent)}; read `git diff` before committing")


if __name__ == "__main__":
    main()
