"""One broken site per mistake, each with the exact report a contributor gets (issues #12, #14).

Every folder in tests/sites/invalid/ holds a whole content directory (`content/`) and
`expected.txt`: the whole stderr of `weeknotes check --content content` run in that folder
(or of the command line in `args.txt`), location, source line and hint included. The
expected texts were written and read by hand: each one is a claim about what a user sees.
The site is copied to a temporary folder first, so nothing is ever written into tests/.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

from weeknotes.commands.cli import main

CASES = Path(__file__).parent / "sites" / "invalid"
EPOCH = "1795000000"  # 2026-11-19 12:26 UTC, after every dated post in the cases


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_a_broken_site_gets_exactly_its_report(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / case
    shutil.copytree(CASES / case, folder)
    args_file = folder / "args.txt"
    args = shlex.split(args_file.read_text()) if args_file.exists() else ["check", "--content", "content"]
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code = main(args)
    err = capsys.readouterr().err
    assert err == (folder / "expected.txt").read_text(encoding="utf-8")
    assert code == 1
