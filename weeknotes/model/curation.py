"""URL identity for link curations: when are two curated URLs the same link?

URLs that differ only by scheme, a leading `www.`, host case, a default port, a trailing
slash, the fragment, or tracking parameters are one URL (DESIGN.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    "s_cid", "ncid", "spm",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@functools.lru_cache(maxsize=1 << 16)
def normalize_url(url: str) -> str:
    """A comparison key for a URL: `example.org/path?kept=params` (no scheme, no fragment)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k))
    return host + path + (f"?{urlencode(query)}" if query else "")


@dataclass(frozen=True)
class Address:
    """A curated address as pages show it. The link keeps the curator's address (`href`); the
    text a reader sees names where it goes, without the tracking parameters (issue 26)."""

    href: str
    domain: str
    """`example.org`: the host in lower case, without a leading `www.`."""
    shown: str
    """The address with its tracking parameters left out, otherwise as written."""


def address_of(url: str) -> Address:
    parts = urlsplit(url)
    domain = (parts.hostname or "").removeprefix("www.")
    kept = [pair for pair in parts.query.split("&") if pair and not is_tracking_param(unquote_plus(pair.split("=", 1)[0]))]
    shown = parts._replace(query="&".join(kept)).geturl() if parts.query else url
    return Address(url, domain or url, shown)


def tracking_params(url: str) -> list[str]:
    """The tracking parameters a URL carries, for the curator's warning."""
    return [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if is_tracking_param(k)]


def quick_key(url: str) -> str:
    """A cheap prefilter for normalize_url: host and path only, no parsing.

    Two URLs that normalise equal always have equal quick keys, so a URL whose quick key
    matches no curated URL's cannot be a curated URL, and the full parse can be skipped.
    """
    rest = url.split("://", 1)[-1].split("#", 1)[0].split("?", 1)[0]
    host, _, path = rest.partition("/")
    host = host.rsplit("@", 1)[-1].lower().removeprefix("www.")
    host = host.removesuffix(":80").removesuffix(":443")
    return host + "/" + path.rstrip("/")
