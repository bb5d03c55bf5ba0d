"""Politeness for `weeknotes links`: one request at a time to each host, a pause between two
requests to the same host, and the waits a server asks for (Retry-After).

Every request takes its host's turn, redirects to another host included, so no host ever
sees two of our requests at once, whichever address led to it. The pause runs from the end
of one request to the start of the next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_PAUSE = 1.0
"""Seconds between two requests to one host: slow enough for any server, and a month's
links of a community site are a few hundred addresses."""


def host_of(url: str) -> str:
    """Whose turn a request takes: the host name, whatever the port or scheme."""
    return (urlsplit(url).hostname or "").lower()


@dataclass
class Gate:
    """One host: held while a request to it is under way; `not_before` is when the next may start."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    not_before: float = 0.0

    def hold(self, seconds: float) -> None:
        """Start no request to this host for `seconds` from now (a server's Retry-After)."""
        self.not_before = max(self.not_before, time.monotonic() + seconds)


class HostGates:
    """The turns of every host one run talks to."""

    def __init__(self, pause: float = DEFAULT_PAUSE) -> None:
        self.pause = pause
        self.gates: dict[str, Gate] = {}
        self.lock = threading.Lock()

    def gate(self, host: str) -> Gate:
        with self.lock:
            return self.gates.setdefault(host, Gate())

    @contextmanager
    def turn(self, url: str) -> Iterator[Gate]:
        """Wait for the host's turn (its last request done, and the pause or a Retry-After over);
        the request is made inside the block, and may ask the gate to hold longer."""
        gate = self.gate(host_of(url))
        with gate.lock:
            wait = gate.not_before - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield gate
            finally:
                gate.not_before = max(gate.not_before, time.monotonic() + self.pause)
