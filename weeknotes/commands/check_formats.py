"""How `weeknotes check` reports what it found: for people, for GitHub, GitLab and other tools.

    text    `PATH:LINE: error: message`, the source line and a hint (as every command does)
    github  workflow commands: `::error file=PATH,line=N,title=...::message`, shown on the
            pull request's diff; chosen by itself when GITHUB_ACTIONS=true
    gitlab  a Code Quality report (JSON), shown on the merge request
    json    a list of findings, one object each, for other tools (documented in README.md)

Every format says the same words; the machine formats name files relative to the
repository root (the git top level), because that is how pull requests name them.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from weeknotes.base.errors import Problem

FORMATS = ("text", "github", "gitlab", "json")
# One entry per Problem severity (errors.py): error, warning, note (what was skipped
# because of an error), info.
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "note": "notice", "info": "notice"}
GITLAB_SEVERITIES = {"error": "major", "warning": "minor", "note": "info", "info": "info"}


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def repository_root(start: Path) -> Path:
    """The git top level above `start` (a `.git` folder, or a worktree's `.git` file); else the cwd."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return Path.cwd().resolve()


def repository_path(path: str, root: Path) -> str:
    resolved = Path(path).resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else path


def explained(finding: Problem) -> str:
    """The message with its hint, as one text: the same words the text format shows."""
    return finding.message + (f"\nhint: {finding.hint}" if finding.hint else "")


def github(findings: list[Problem], root: Path) -> str:
    lines = []
    for f in findings:
        props = {"file": repository_path(f.path, root), "line": str(f.line or 1), "title": f"weeknotes check {f.severity}"}
        shown = ",".join(f"{key}={_escape_property(value)}" for key, value in props.items())
        lines.append(f"::{GITHUB_COMMANDS[f.severity]} {shown}::{_escape_data(explained(f))}")
    return "".join(line + "\n" for line in lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def gitlab(findings: list[Problem], root: Path) -> str:
    report = []
    for f in findings:
        path = repository_path(f.path, root)
        key = "\0".join((path, str(f.line), f.severity, f.message))
        report.append({
            "description": explained(f),
            "check_name": f"weeknotes-{f.severity}",
            "fingerprint": hashlib.sha256(key.encode()).hexdigest(),
            "severity": GITLAB_SEVERITIES[f.severity],
            "location": {"path": path, "lines": {"begin": f.line or 1}},
        })
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def as_json(findings: list[Problem], root: Path) -> str:
    return json.dumps([{"path": repository_path(f.path, root), "line": f.line or 1, "severity": f.severity,
                        "message": f.message, "hint": f.hint, "source_line": f.source_line.strip()}
                       for f in findings], indent=2, ensure_ascii=False) + "\n"


def render(findings: list[Problem], fmt: str, root: Path) -> str:
    """Everything found, in a machine format (text is printed by the command's reporter)."""
    return {"github": github, "gitlab": gitlab, "json": as_json}[fmt](findings, root)
