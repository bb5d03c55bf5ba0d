"""Counts in the terminal's English: "1 note", "2 notes", "1 warning" (issue #12)."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun in the number it needs: counted(1, "note") -> "1 note"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
