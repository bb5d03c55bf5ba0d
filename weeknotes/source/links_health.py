"""What `weeknotes links` found at each curated address: `content/links-health.yaml`.

    https://example.org/old-report/:
      status: dead
      answer: 410 Gone
      since: 2026-11-19

A file meant to be committed: builds read it offline (a dead address's curation offers its
archived copy) and `weeknotes check` warns about dead and moved addresses. It holds no
"last checked" moment, and it is written (atomically) only when its bytes change, so a run
that finds nothing new leaves it exactly as it was.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from weeknotes.base.errors import Problems
from weeknotes.base.files import write_if_changed
from weeknotes.model.linkhealth import STATES, LinkHealth
from weeknotes.source import fields
from weeknotes.source.fields import Field
from weeknotes.source.layout import iter_files
from weeknotes.source.sources import YamlData, display_path, load_yaml_file, read_source

HEALTH_FILE = "links-health.yaml"
HEADER = """\
# What `weeknotes links` found at each curated address. Commit this file: builds read it
# (a dead address's link shows its archived copy) and `weeknotes check` warns about dead
# and moved addresses. weeknotes rewrites it only when something about an address changes.
"""
FIELDS = ("status", "answer", "since", "confirmed", "moved_to")
RESTORE = "this file is written by `weeknotes links`; restore it from git, or delete it and run `weeknotes links`"


def health_path(content_dir: Path) -> Path:
    return content_dir / HEALTH_FILE


def curated_addresses(content_dir: Path, problems: Problems) -> dict[str, tuple[str, ...]]:
    """Every address curated in links/ (any visibility), as `url:` gives it, with the files
    curating it. Only the front matter is read: a broken note elsewhere stops nothing here."""
    found: dict[str, list[str]] = {}
    kind_dir = content_dir / "links"
    for path in iter_files(kind_dir, content_dir, problems, ".md"):
        source = read_source(path, "links", kind_dir, problems)
        if source is None:
            continue
        url = fields.web_url(Field(source.display, source.front_matter, "url", problems),
                             source.front_matter.values.get("url"), required=True)
        if url is not None:
            found.setdefault(url, []).append(source.display)
    return {address: tuple(files) for address, files in sorted(found.items())}


def load_health(content_dir: Path, problems: Problems) -> dict[str, LinkHealth]:
    """Every record by address; a record that cannot be read is an error at its line."""
    path = health_path(content_dir)
    data = load_yaml_file(path, problems)
    if data is None:
        return {}
    display = display_path(path)
    found = {}
    for address, record in data.values.items():
        health = read_record(address, record, data, display, problems)
        if health is not None:
            found[address] = health
    return found


def read_record(address: str, record: Any, data: YamlData, display: str, problems: Problems) -> LinkHealth | None:
    if not isinstance(record, dict) or record.get("status") not in STATES:
        problems.error(display, data.line(address), f"the record of {address} needs a `status:`, one of "
                       f"{', '.join(STATES)}", hint=RESTORE)
        return None
    unknown = sorted(set(record) - set(FIELDS))
    if unknown:
        problems.error(display, data.line(f"{address}.{unknown[0]}"), f"unknown key `{unknown[0]}` in the record "
                       f"of {address}", hint=RESTORE)
        return None
    try:
        since, confirmed = (day(record.get(key)) for key in ("since", "confirmed"))
    except ValueError:
        problems.error(display, data.line(f"{address}.since"), f"the dates of {address} must be like 2026-11-20",
                       hint=RESTORE)
        return None
    if record["status"] != "ok" and since is None:
        problems.error(display, data.line(address), f"the record of {address} needs a `since:` date", hint=RESTORE)
        return None
    return LinkHealth(record["status"], text_of(record.get("answer")), since, text_of(record.get("moved_to")) or None,
                      confirmed)


def day(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    return date.fromisoformat(value)


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


class PlainDumper(yaml.SafeDumper):
    """Every value written out where it stands: no `&id001` anchors for dates shared by records."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def health_bytes(records: dict[str, LinkHealth]) -> bytes:
    """The file's bytes: records sorted by address, each field only when it says something."""
    data: dict[str, dict[str, object]] = {}
    for address, health in sorted(records.items()):
        values = {"status": health.status, "answer": health.answer, "since": health.since,
                  "confirmed": health.confirmed, "moved_to": health.moved_to}
        data[address] = {key: value for key, value in values.items() if value}
    text = yaml.dump(data, Dumper=PlainDumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=1000)
    return (HEADER + (text if data else "")).encode("utf-8")


def write_health(content_dir: Path, records: dict[str, LinkHealth]) -> bool:
    """Write the records (whole or not at all); False when the file already held these bytes."""
    path = health_path(content_dir)
    return write_if_changed(path, health_bytes(records))
