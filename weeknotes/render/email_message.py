"""The digest as one complete email message (RFC 5322, MIME), the same bytes for the same input.

`multipart/alternative`: a `text/plain` part (digest_text.py) and a `text/html` part
(email.html). UTF-8 bodies in quoted-printable, names in headers in RFC 2047 words (the
email package's SMTP policy), a Date taken from the week and never from the clock, a
Message-ID stable for the site and week, and a MIME boundary derived from the content
instead of the random one the email package would pick.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

import jinja2

from weeknotes.model.settings import Config
from weeknotes.model.values import Site
from weeknotes.model.weeks import Week
from weeknotes.render.digest import email_html
from weeknotes.render.digest_text import digest_text
from weeknotes.source.email_settings import address_of


def week_ended(site: Site, week: Week) -> datetime:
    """The first moment after the week: Monday 00:00 in the site's timezone."""
    return datetime.combine(week.end + timedelta(days=1), time(), tzinfo=site.config.timezone)


def default_sender(config: Config) -> str:
    """From when neither `--from` nor `email.from` says: the site's name at its own domain."""
    return config.email.sender or formataddr((config.title, f"digest@{config.domain}"))


def subject(site: Site, week: Week) -> str:
    """The digest's title, marked when the message is not for the public."""
    words = site.language
    if site.audience.drafts:
        return words.gettext("[Preview] %(title)s", title=week.title)
    if site.audience.is_internal:
        return words.gettext("[Internal] %(title)s", title=week.title)
    return week.title


def message_id(site: Site, week: Week) -> str:
    """The same for every rendering of one site's week (per audience), so resends thread."""
    site_key = hashlib.blake2b(site.config.base_url.encode(), digest_size=5).hexdigest()
    return f"<weeknotes.{week.key}{''.join('.' + m for m in site.audience.marks)}.{site_key}@{site.config.domain}>"


def digest_message(env: jinja2.Environment, site: Site, week: Week, sender: str,
                   to: tuple[str, ...] = ()) -> EmailMessage:
    """The week's digest as a message from `sender` to `to` (no To header when empty)."""
    html = email_html(env, site, week)
    text = digest_text(site, week)
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject(site, week)
    message["From"] = address_of(sender)
    if to:
        message["To"] = [address_of(a) for a in to]
    message["Date"] = format_datetime(week_ended(site, week))
    message["Message-ID"] = message_id(site, week)
    unsubscribe = site.config.email.unsubscribe
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("https://"):  # one-click unsubscribe needs an https URI (RFC 8058)
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Content-Language"] = site.config.language
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    # "=_" cannot appear in a quoted-printable body, so the boundary cannot clash with it.
    message.set_boundary("=_weeknotes_" + hashlib.blake2b((text + html).encode(), digest_size=12).hexdigest())
    return message


def html_part(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def message_bytes(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=SMTP)
