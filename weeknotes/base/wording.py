"""Wording in the terminal's English: "1 note", "2 notes", "1 warning" (issue #12), and long values cut short."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun in the number it needs: counted(1, "note") -> "1 note"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def shortened(text: str, at_most: int = 40) -> str:
    """`text`, cut to `at_most` characters with an ellipsis, for quoting a long value in a message."""
    return text if len(text) <= at_most else text[: at_most - 1] + "…"
