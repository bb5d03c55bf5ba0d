"""URL identity for link curations: when are two curated URLs the same link?

URLs that differ only by scheme, a leading `www.`, host case, a default port, a trailing
slash, the fragment, or tracking parameters are one URL (DESIGN.md).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

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


def tracking_params(url: str) -> list[str]:
    """The tracking parameters a URL carries, for the curator's warning."""
    return [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if is_tracking_param(k)]
