"""`weeknotes links`: ask every curated address, politely, and record what changed in
`content/links-health.yaml` (the rules are model/linkhealth.py's).

Each address is asked with HEAD, or GET where HEAD is refused (405, 501), never reading a
body; redirects are followed by hand, only to http(s), at most MAX_REDIRECTS, never in a
loop. Hosts are asked side by side, but each host one request at a time with a pause
between two (politeness.py). A 429 or 503 with a Retry-After we can wait for is asked
once more after that wait; a longer one leaves the address for the next run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from weeknotes.base.errors import Problems
from weeknotes.base.wording import counted
from weeknotes.model.linkhealth import (
    ANSWERED,
    DEFERRED,
    FAILING_FOR,
    GONE,
    MISSING,
    UNSURE,
    Found,
    LinkHealth,
    next_health,
)
from weeknotes.net.httpget import MAX_REDIRECTS, PERMANENT, TEMPORARY, user_agent
from weeknotes.net.politeness import DEFAULT_PAUSE, HostGates, host_of
from weeknotes.net.probe import Reply, Unreachable, ask
from weeknotes.output.options import now_from_environment
from weeknotes.source.config import load_config
from weeknotes.source.links_health import curated_addresses, health_path, load_health, write_health
from weeknotes.source.sources import display_path

DEFAULT_TIMEOUT = 20.0
MAX_WAIT = 30.0
"""The longest Retry-After we wait for before asking again; a longer one leaves the address for the next run."""
HOSTS_AT_ONCE = 4
"""Hosts asked side by side (each still one request at a time)."""
HEAD_REFUSED = frozenset({405, 501})
ASKED_TO_WAIT = frozenset({429, 503})


@dataclass(frozen=True)
class LinksOptions:
    content: Path = Path("content")
    timeout: float = DEFAULT_TIMEOUT
    """Seconds for each request, from the name lookup to the last header."""
    pause: float = DEFAULT_PAUSE
    """Seconds between two requests to one host."""
    max_wait: float = MAX_WAIT
    today: date | None = None
    """The day of this run; by default SOURCE_DATE_EPOCH's, or the clock's, in the site's timezone."""


@dataclass(frozen=True)
class Asker:
    """How this run asks: who it says it is, its limits, and every host's turn."""

    agent: str
    options: LinksOptions
    gates: HostGates

    def once(self, method: str, url: str) -> Reply:
        """One request in its host's turn; a Retry-After we will wait for holds the host until then,
        and so does a timeout, for as long again."""
        with self.gates.turn(url) as gate:
            try:
                reply = ask(method, url, self.agent, self.options.timeout)
            except Unreachable as exc:
                if exc.timed_out:  # a server too slow to answer may still be at work: give it as long again
                    gate.hold(self.options.timeout)
                raise
            # Retry-After on a 429 or 503: how long the host wants no request from us; on a
            # redirect: how long to wait before following it (RFC 9110, section 10.2.3).
            if self.waits_for(reply) and (reply.status in ASKED_TO_WAIT or 300 <= reply.status < 400):
                assert reply.retry_after is not None
                gate.hold(reply.retry_after)
        return reply

    def waits_for(self, reply: Reply) -> bool:
        return reply.retry_after is not None and reply.retry_after <= self.options.max_wait

    def answer(self, url: str) -> Reply | Found:
        """HEAD, then GET where HEAD is refused; once more after a Retry-After we wait for.
        A Found when the server asked us to come back later than that, or failed after the wait."""
        method, waited = "HEAD", False
        while True:
            reply = self.once(method, url)
            if method == "HEAD" and reply.status in HEAD_REFUSED:
                method = "GET"
                continue
            if reply.status not in ASKED_TO_WAIT:
                return reply
            if self.waits_for(reply) and not waited:
                waited = True  # the host's gate holds every request to it until the wait is over
                continue
            if reply.status == 503 and (waited or reply.retry_after is None):
                return Found(UNSURE, reply.answer)
            wait = f"asked to wait {reply.retry_after:.0f} s" if reply.retry_after is not None else "no Retry-After"
            return Found(DEFERRED, f"{reply.answer} ({wait}); left for the next run")

    def check(self, address: str) -> Found:
        """Follow the address to its final answer."""
        url, seen, moved_to, permanent = address, {address}, None, True
        moved_by = ""  # the permanent redirect's own answer: `301 Moved Permanently`
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return Found(UNSURE, f"redirected to an address that is not http(s): {url}", moved_to)
            try:
                reply = self.answer(url)
            except Unreachable as exc:
                return Found(exc.outcome, str(exc), moved_to)
            if isinstance(reply, Found):
                return Found(reply.outcome, reply.answer, moved_to)
            if reply.status not in PERMANENT | TEMPORARY:
                found = found_from(reply, moved_to)
                return Found(found.outcome, moved_by, moved_to) if found.outcome == ANSWERED and moved_to else found
            if not reply.location:
                return Found(UNSURE, f"{reply.answer} without a Location", moved_to)
            target = urljoin(url, reply.location.strip())
            # Moved permanently only while every hop so far is a permanent redirect.
            permanent = permanent and reply.status in PERMANENT
            if permanent:
                moved_to, moved_by = target, moved_by or reply.answer
            if target in seen:
                return Found(UNSURE, f"redirect loop at {target}")
            seen.add(target)
            url = target
        return Found(UNSURE, f"more than {MAX_REDIRECTS} redirects")


def found_from(reply: Reply, moved_to: str | None) -> Found:
    """What a final answer (not a redirect) means for the address."""
    if 200 <= reply.status < 300 or reply.status == 304:
        return Found(ANSWERED, reply.answer, moved_to)
    if reply.status == 410:
        return Found(GONE, reply.answer, moved_to)
    if reply.status == 404:
        return Found(MISSING, reply.answer, moved_to)
    return Found(UNSURE, reply.answer, moved_to)


@dataclass(frozen=True)
class AddressReport:
    """One address: what this run found, and its record afterwards."""

    address: str
    found: Found
    health: LinkHealth | None
    files: tuple[str, ...]

    @property
    def label(self) -> str:
        """`fine`, `moved`, `failing`, `dead`, `transient` or `deferred`."""
        outcome = self.found.outcome
        if outcome == ANSWERED:
            return "moved" if self.found.moved_to else "fine"
        if outcome in (GONE, MISSING) and self.health is not None:
            return self.health.status
        return "deferred" if outcome == DEFERRED else "transient"

    def line(self) -> str:
        return f"{self.label}: {self.address}: {self.detail()} ({', '.join(self.files)})"

    def detail(self) -> str:
        found, health = self.found, self.health
        moved = f"moved permanently to {found.moved_to}" if found.moved_to else ""
        if self.label == "moved":
            return f"{moved}; put the new address in `url:`"
        said = f"{moved}, which answered {found.answer}" if moved else found.answer
        if self.label == "failing" and health is not None and health.since is not None:
            return (f"{said}, failing since {health.since}; dead if it still fails on or after "
                    f"{health.since + FAILING_FOR}")
        if self.label == "dead" and health is not None:
            return f"{said}, dead since {health.since}; the site offers its archived copy"
        if self.label == "transient":
            kept = f" (recorded {health.status} since {health.since})" if health and (
                health.is_failing or health.is_dead) else ""
            return f"{said}: not counted as dead{kept}"
        return said


@dataclass(frozen=True)
class LinksResult:
    reports: tuple[AddressReport, ...]
    path: Path
    written: bool

    @property
    def not_fine(self) -> tuple[AddressReport, ...]:
        return tuple(r for r in self.reports if r.label != "fine")

    def summary(self) -> str:
        counts = {label: sum(1 for r in self.reports if r.label == label)
                  for label in ("fine", "moved", "failing", "dead", "transient", "deferred")}
        parts = [f"{count} {label if label != 'deferred' else 'left for the next run'}"
                 for label, count in counts.items() if count or label == "fine"]
        hosts = len({host_of(r.address) for r in self.reports})
        state = "updated" if self.written else "unchanged"
        return (f"asked {counted(len(self.reports), 'address', 'addresses')} on {counted(hosts, 'host')}: "
                f"{', '.join(parts)}; {display_path(self.path)} {state}")


def check_links(options: LinksOptions, progress: Callable[[int, int], None] | None = None) -> LinksResult:
    """Ask every curated address; write the records that changed (nothing when none did)."""
    problems = Problems()
    config = load_config(options.content, problems)
    curated = curated_addresses(options.content, problems)
    old = load_health(options.content, problems)
    problems.raise_if_any()
    assert config is not None  # else raise_if_any raised
    today = options.today or now_from_environment().astimezone(config.timezone).date()
    asker = Asker(user_agent(config, "link checker"), options, HostGates(options.pause))
    found = ask_all(asker, list(curated), progress or (lambda done, total: None))
    records: dict[str, LinkHealth] = {}
    reports = []
    for address, files in curated.items():
        health = next_health(old.get(address), found[address], today)
        if health is not None:
            records[address] = health
        reports.append(AddressReport(address, found[address], health, files))
    path = health_path(options.content)
    written = write_health(options.content, records) if records or path.exists() else False
    return LinksResult(tuple(reports), path, written)


def ask_all(asker: Asker, addresses: list[str], progress: Callable[[int, int], None]) -> dict[str, Found]:
    """Each host's addresses in turn, on its own worker; up to HOSTS_AT_ONCE hosts at once."""
    by_host: dict[str, list[str]] = {}
    for address in addresses:
        by_host.setdefault(host_of(address), []).append(address)
    found: dict[str, Found] = {}
    lock = threading.Lock()

    def ask_host(group: list[str]) -> None:
        for address in group:
            result = asker.check(address)
            with lock:
                found[address] = result
                progress(len(found), len(addresses))

    if by_host:
        with ThreadPoolExecutor(max_workers=min(HOSTS_AT_ONCE, len(by_host))) as pool:
            for done in [pool.submit(ask_host, group) for group in by_host.values()]:
                done.result()
    return found
