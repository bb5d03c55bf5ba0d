"""Which weeks were sent: `content/digests/sent.yaml`, a file meant to be committed.

    2026-W47:
      public:
        sent: '2026-11-23T08:00:00+00:00'
        to: [circle@lists.example.org]
        message_id: <weeknotes.2026-W47.336778508d@example.org>

Kept in the content folder so that every checkout (and a CI job that commits it back)
knows a week went out, and does not send it twice. It is written only after the SMTP
server accepted the message, in one atomic step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from weeknotes.base.errors import Problems
from weeknotes.base.files import write_atomically
from weeknotes.source.sources import display_path, load_yaml_file

SENT_FILE = Path("digests") / "sent.yaml"
HEADER = """\
# Digests sent by `weeknotes send`. Commit this file: a week listed here is not sent
# again (unless `weeknotes send --again`). weeknotes rewrites it after each send.
"""


@dataclass(frozen=True)
class Sent:
    """One week sent to one audience."""

    week: str
    audience: str
    sent: str
    """When the SMTP server accepted it, as an ISO 8601 date-time."""
    to: tuple[str, ...]
    message_id: str


def sent_path(content_dir: Path) -> Path:
    return content_dir / SENT_FILE


def load_sent(content_dir: Path, problems: Problems) -> dict[tuple[str, str], Sent]:
    """Every recorded send by (week, audience); problems in the file are reported with their line."""
    path = sent_path(content_dir)
    data = load_yaml_file(path, problems)
    if data is None:
        return {}
    display = display_path(path)
    found: dict[tuple[str, str], Sent] = {}
    for week, audiences in data.values.items():
        if not isinstance(audiences, dict):
            problems.error(display, data.line(week), f"`{week}` must hold `public:` or `internal:` records",
                           hint="this file is written by `weeknotes send`; restore it from git")
            continue
        for audience, record in audiences.items():
            if not isinstance(record, dict) or not isinstance(record.get("sent"), str):
                problems.error(display, data.line(f"{week}.{audience}"),
                               f"the record of {week} for `{audience}` needs a `sent:` date-time",
                               hint="this file is written by `weeknotes send`; restore it from git")
                continue
            to = record.get("to")
            found[(week, audience)] = Sent(week, audience, record["sent"],
                                           tuple(to) if isinstance(to, list) else (str(to or ""),),
                                           str(record.get("message_id") or ""))
    return found


def record_sent(content_dir: Path, sent: dict[tuple[str, str], Sent], new: Sent) -> Path:
    """Write every record plus `new` (replacing an earlier send of the same week and audience)."""
    records = {**sent, (new.week, new.audience): new}
    data: dict[str, dict[str, dict[str, Any]]] = {}
    for (week, audience), record in sorted(records.items()):
        data.setdefault(week, {})[audience] = {"sent": record.sent, "to": list(record.to),
                                               "message_id": record.message_id}
    text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    path = sent_path(content_dir)
    write_atomically(path, text.encode("utf-8"))  # a file to commit, never half written
    return path
