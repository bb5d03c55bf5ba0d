"""Parse one front-matter or settings value explicitly, reporting what is wrong and where.

Every function takes the raw value (a string, list, mapping or None, as sources.py reads
it) and either returns the parsed value or records a problem and returns None.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from weeknotes.base.errors import Problems
from weeknotes.base.language import normalize_tag, tag_problem
from weeknotes.model.urls import NAME_MAX_BYTES, too_long_for_a_name
from weeknotes.model.values import YEARS, in_known_years
from weeknotes.source.sources import YamlData, example_date

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?\s*(Z|[+-]\d{2}:?\d{2})?"
)
# C0/C1 control characters other than tab and newline cannot appear in XML 1.0 output.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINK_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Field:
    """Where a value lives: the file, its parsed YAML and the key, for error messages."""

    display: str
    data: YamlData
    key: str
    problems: Problems

    @property
    def line(self) -> int:
        return self.data.line(self.key)

    def error(self, message: str, hint: str = "") -> None:
        self.problems.error(self.display, self.line, message, hint)

    def warn(self, message: str, hint: str = "") -> None:
        self.problems.warn(self.display, self.line, message, hint)


def get(data: YamlData, dotted: str) -> Any:
    value: Any = data.values
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def plain_text(f: Field, value: Any, required: bool = False) -> str | None:
    """A one-line plain-text value such as a title or a name."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            f.error(f"`{f.key}` is required", hint=f"add a line `{f.key}: ...`")
        return None
    if not isinstance(value, str):
        f.error(f"`{f.key}` must be text, not a {'list' if isinstance(value, list) else 'mapping'}",
                hint="put quotes around it if it contains special characters")
        return None
    cleaned = CONTROL_RE.sub("", value)
    if cleaned != value:
        f.warn(f"`{f.key}` contains control characters; they were removed")
    return " ".join(cleaned.split())


def boolean(f: Field, value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    f.error(f"`{f.key}` must be true or false, not {value!r}")
    return default


def positive_int(f: Field, value: Any, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    f.error(f"`{f.key}` must be a whole number above 0, not {value!r}")
    return default


def choice(f: Field, value: Any, choices: tuple[str, ...], default: str) -> str:
    if value is None:
        return default
    if isinstance(value, str) and value in choices:
        return value
    f.error(f"`{f.key}` must be one of {', '.join(choices)}, not {value!r}",
            hint=_did_you_mean(str(value), choices) or "check the spelling: it must be one of these words exactly")
    return default


def web_url(f: Field, value: Any, required: bool = False) -> str | None:
    """An absolute http(s) URL; anything else (javascript:, data:, ...) is rejected."""
    text = plain_text(f, value, required)
    if text is None:
        return None
    if " " in text or not is_web_url(text):
        f.error(f"`{f.key}` must be an absolute http:// or https:// address, not {text!r}",
                hint="copy the address from your browser's address bar")
        return None
    return escape_url(text)


UNSAFE_URL_CHARS = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]')


def escape_url(url: str) -> str:
    """Percent-encode the characters that may not stand in a URL as written (quotes, <, >, ...).

    Browsers do the same when such an address is pasted, so the link still works.
    """
    return UNSAFE_URL_CHARS.sub(lambda m: f"%{ord(m.group()):02X}", url)


def is_web_url(text: str) -> bool:
    """An http(s) address with a host (what a link of ours may point to)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.hostname)


def language_tag(f: Field, value: Any) -> str | None:
    """A BCP 47 language tag such as `cy` or `pt-BR`, in its usual case."""
    text = plain_text(f, value)
    if text is None:
        return None
    problem = tag_problem(text)
    if problem is not None:
        f.error(f"`{f.key}` must be a language tag: {problem[0]}", hint=problem[1])
        return None
    return normalize_tag(text)


def string_list(f: Field, value: Any) -> list[str]:
    """A list of short strings; a comma-separated string is accepted too (as Pelican does)."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = [part for part in value.split(",")]
    elif isinstance(value, list):
        items = value
    else:
        f.error(f"`{f.key}` must be a list", hint=f"write `{f.key}: [first, second]`")
        return []
    result = []
    for item in items:
        if not isinstance(item, str):
            f.error(f"every entry of `{f.key}` must be text, not a list or mapping")
            continue
        text = " ".join(CONTROL_RE.sub("", item).split())
        if text:
            result.append(text)
    return result


SITE_PATH_RE = re.compile(r"/[^\s?#\\]*")


def site_paths(f: Field, value: Any, suffixes: tuple[str, ...]) -> list[str]:
    """A list of addresses on this site, each written from its root like `/notes/old-slug/`
    (`aliases:`); a page's path ends in `/`, or names a file with one of `suffixes`."""
    paths = []
    for text in string_list(f, value):
        problem = site_path_problem(text, suffixes)
        if problem:
            f.error(f"every entry of `{f.key}` must be a path on this site, like /notes/old-slug/: {text!r} {problem}",
                    hint=f"write it from the site's root, e.g. `{f.key}: [/notes/old-slug/]`")
        else:
            paths.append(text)
    return paths


def site_path_problem(text: str, suffixes: tuple[str, ...]) -> str:
    """What is wrong with a path on this site as written (empty when nothing is)."""
    if is_web_url(text) or text.startswith("//"):
        return "is a whole address; give only its path, which starts with /"
    if not text.startswith("/"):
        return "does not start with /"
    decoded = unquote(text)  # judged as the file it names: %2E%2E is .. too
    if not SITE_PATH_RE.fullmatch(text) or not SITE_PATH_RE.fullmatch(decoded) or CONTROL_RE.search(decoded):
        return "may not hold spaces, backslashes, ? or #"
    segments = decoded.strip("/").split("/")
    if text != "/" and any(s in ("", ".", "..") for s in segments):
        return "may not hold //, /./ or /../"
    if any(map(too_long_for_a_name, segments)):
        return f"has a part longer than the {NAME_MAX_BYTES} characters a file system allows in a name"
    last = segments[-1]
    if not decoded.endswith("/") and "." in last and not last.endswith(suffixes):
        return f"names a file that is not a page: end it with / (or {' or '.join(suffixes)})"
    return ""


def timestamp(f: Field, value: Any, zone: ZoneInfo, required: bool = False) -> datetime | None:
    """`YYYY-MM-DD` (midnight) or a date-time, with or without an offset, as an aware datetime."""
    if value is None:
        if required:
            f.error(f"`{f.key}` is required", hint=f"add a line `{f.key}: {example_date(f.display)}`")
        return None
    if not isinstance(value, str):
        f.error(f"`{f.key}` must be a date like 2026-11-20 or 2026-11-20 09:30")
        return None
    text = value.strip()
    try:
        if DATE_RE.fullmatch(text):
            parsed = datetime.combine(date.fromisoformat(text), time(0, 0), zone)
        elif DATETIME_RE.fullmatch(text):
            parsed = datetime.fromisoformat(text.replace(" ", "T", 1).replace(" ", ""))
            parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
        else:
            parsed = None
    except ValueError as exc:
        f.error(f"`{f.key}` is not a real date: {exc}", hint="check the month and day")
        return None
    if parsed is not None and not in_known_years(parsed):
        year = f"{parsed.year}" if parsed.year not in YEARS else f"{parsed.astimezone(UTC).year} (in UTC)"
        f.error(f"`{f.key}` is in the year {year}; a date must be in the years {YEARS[0]} to {YEARS[-1]}",
                hint=f"check the year: four digits, e.g. `{f.key}: {example_date(f.display)}`")
        return None
    if parsed is not None:
        return parsed
    f.error(f"`{f.key}` must be a date like 2026-11-20, 2026-11-20 09:30 or 2026-11-20T09:30:00+01:00, not {text!r}",
            hint=f"write year-month-day, e.g. `{f.key}: {example_date(f.display)}`")
    return None


def misspelt_keys(data: YamlData, required: Iterable[str], known: Iterable[str]) -> dict[str, str]:
    """Unknown keys that look like a misspelling of a missing required key: typo -> that key."""
    present = set(data.values) | ({"author"} if "authors" in data.values else set())
    missing = [key for key in required if key not in present]
    found: dict[str, str] = {}
    for key in data.values:
        if key not in known and missing:
            match = difflib.get_close_matches(key.lower(), missing, n=1, cutoff=0.6)
            if match and match[0] not in found.values():
                found[key] = match[0]
    return found


def report_misspelt_keys(display: str, data: YamlData, typos: dict[str, str], problems: Problems) -> None:
    """One error for a misspelt key and the required key it leaves missing (`tittle:`)."""
    for typo, wanted in typos.items():
        problems.error(display, data.line(typo), f"`{wanted}` is required, and `{typo}` is not a key",
                       hint=f"rename `{typo}:` to `{wanted}:`")


def warn_unknown_keys(display: str, data: YamlData, known: Iterable[str], problems: Problems,
                      prefix: str = "", values: dict[str, Any] | None = None,
                      skip: Iterable[str] = ()) -> None:
    """Warn about keys we do not know (but those in `skip`), suggesting the nearest known one."""
    known = tuple(known)
    for key in (values if values is not None else data.values):
        if key not in known and key not in skip:
            dotted = f"{prefix}{key}"
            problems.warn(display, data.line(dotted), f"unknown key `{key}` is ignored",
                          hint=_did_you_mean(key, known) or f"known keys: {', '.join(known)}")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else ""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    return _did_you_mean(word, choices)

