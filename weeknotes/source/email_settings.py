"""Read the `email:` group of site.yaml, and check mail addresses and SMTP servers.

    email:
      from: Open Practice Circle <digest@example.org>
      to: circle@lists.example.org          # or a list
      smtp: smtp.example.org:587
      tls: starttls                          # starttls, ssl or none
      unsubscribe: https://lists.example.org/unsubscribe/circle

A user name and password never live here: `weeknotes send` reads them from the environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.headerregistry import Address
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

from weeknotes.model.settings import EmailSettings
from weeknotes.source.fields import Field, choice, get, plain_text, string_list
from weeknotes.source.sources import YamlData

EMAIL_KEYS = ("from", "to", "smtp", "tls", "unsubscribe")
TLS_CHOICES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
ADDR_SPEC_RE = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+")
SERVER_RE = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>\d{1,5}))?")


def parse_address(text: str) -> str | None:
    """`Name <user@host>` or `user@host`, tidied, or None when it is not one address."""
    name, addr = parseaddr(text)
    if not ADDR_SPEC_RE.fullmatch(addr) or "," in text.replace(name, "", 1):
        return None
    return formataddr((name, addr)) if name else addr


def address_of(text: str) -> Address:
    """An address checked by `parse_address`, as the email package's header value."""
    name, addr = parseaddr(text)
    user, _, domain = addr.rpartition("@")
    return Address(display_name=name, username=user, domain=domain)


def parse_server(text: str, tls: str) -> tuple[str, int] | None:
    """`HOST[:PORT]` (an IPv6 host in brackets); the port defaults to the usual one for `tls`."""
    match = SERVER_RE.fullmatch(text.strip())
    if match is None:
        return None
    port = int(match.group("port") or DEFAULT_PORTS[tls])
    return (match.group("host").strip("[]"), port) if 0 < port < 65536 else None


def email_settings(field: Callable[[str], Field], data: YamlData) -> EmailSettings:
    """Validate `email.*`; `field(key)` makes a `Field` for one dotted key of site.yaml."""

    def value(key: str) -> Any:
        return get(data, f"email.{key}")

    tls = choice(field("email.tls"), value("tls"), TLS_CHOICES, "none")
    sender = _address(field("email.from"), value("from"))
    to = tuple(a for a in (_address(field("email.to"), text) for text in
                           string_list(field("email.to"), value("to"))) if a)
    smtp = plain_text(field("email.smtp"), value("smtp"))
    if smtp and parse_server(smtp, tls) is None:
        field("email.smtp").error(f"`email.smtp` must be HOST or HOST:PORT, not {smtp!r}",
                                  hint="for example smtp.example.org:587")
        smtp = None
    return EmailSettings(sender=sender, to=to, smtp=smtp, tls=tls,
                         unsubscribe=_unsubscribe(field("email.unsubscribe"), value("unsubscribe")))


def _address(f: Field, raw: Any) -> str | None:
    text = plain_text(f, raw)
    if text is None:
        return None
    parsed = parse_address(text)
    if parsed is None:
        f.error(f"`{f.key}` must be one email address like `Name <name@example.org>`, not {text!r}")
    return parsed


def _unsubscribe(f: Field, raw: Any) -> str | None:
    text = plain_text(f, raw)
    if text is None:
        return None
    parts = urlsplit(text)
    if (parts.scheme == "https" and parts.hostname) or (parts.scheme == "mailto" and "@" in parts.path):
        return text
    f.error(f"`email.unsubscribe` must be an https:// or mailto: address, not {text!r}",
            hint="the page (or address) where a reader leaves the list")
    return None
