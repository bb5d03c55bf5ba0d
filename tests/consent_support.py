"""Helpers for the consent leak tests: sentinel words, reading every output byte, building in-process.

A *sentinel* is a unique random-looking word placed in one piece of content. A leak test
builds a site and greps every byte of every output file for the sentinels of things that
build must not show. Pagefind's fragment and index files are gzip-compressed behind a
`pagefind_dcd` signature, so they are decompressed before grepping.

Sentinels are lowercase ASCII letters ending in `q`: no HTML, XML or JSON escaping changes
them, and Pagefind's English stemmer (which would turn `…ing` or `…s` into something else in
its word index) leaves them whole.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import random
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from weeknotes.commands.cli import main

PAGEFIND_SIGNATURE = b"pagefind_dcd"
CONSONANTS = "bcdfghjklmnprstvwxz"
VOWELS = "aeiou"


def make_sentinel(rng: random.Random, used: set[str] | None = None) -> str:
    """A word like `zqkelvomdatq`: pronounceable, unique, and stable under stemming."""
    while True:
        middle = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(4))
        word = f"zq{middle}{rng.choice(CONSONANTS)}q"
        if used is None or not any(word in other or other in word for other in used):
            if used is not None:
                used.add(word)
            return word


def decode_output(rel: str, data: bytes) -> bytes:
    """The searchable bytes of one output file: Pagefind's compressed files are unpacked."""
    if rel.startswith("pagefind/") and data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return data
    if data.startswith(PAGEFIND_SIGNATURE):
        data = data[len(PAGEFIND_SIGNATURE):]
    return data


def read_output(root: Path) -> dict[str, bytes]:
    """Every file below `root` (relative POSIX path -> searchable bytes), hidden files included."""
    return {p.relative_to(root).as_posix(): decode_output(p.relative_to(root).as_posix(), p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file()}


def files_with(files: Mapping[str, bytes], word: str, case_sensitive: bool = False) -> list[str]:
    """Output files whose bytes carry `word` (case-insensitively unless asked)."""
    needle = word.encode("utf-8")
    if case_sensitive:
        return [rel for rel, data in files.items() if needle in data]
    needle = needle.lower()
    return [rel for rel, data in files.items() if needle in data.lower()]


def html_files(files: Mapping[str, bytes]) -> list[str]:
    return [rel for rel in files if rel.endswith(".html")]


@dataclass
class CliRun:
    code: int
    out: str
    err: str


@contextlib.contextmanager
def source_date_epoch(epoch: int | str) -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def cli(args: Sequence[str | Path], epoch: int | str) -> CliRun:
    """Run the weeknotes CLI in this process with a fixed "now", capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with source_date_epoch(epoch), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return CliRun(code, out.getvalue(), err.getvalue())


def build_variant(content: Path, output: Path, epoch: int | str, *flags: str) -> CliRun:
    result = cli(["build", "--content", content, "--output", output, *flags], epoch)
    assert result.code == 0, f"build {' '.join(flags)} failed:\n{result.err}"
    return result
