"""`weeknotes ping`: tell the site's WebSub hub that its feeds changed, one POST per feed.

The publisher's side of WebSub (formerly PubSubHubbub): a form-encoded POST of
`hub.mode=publish` and `hub.url=FEED` to the hub, which answers 2xx (204 No Content, or 202
Accepted) and then fetches the feed and pushes what is new to its subscribers. Built like
httpget.py on http.client, with one deadline per request; the first failure ends the ping,
since a hub that refused or ignored one feed will not do better with the next.
"""

from __future__ import annotations

import http.client
import ssl
import time
from collections.abc import Sequence
from urllib.parse import urlencode

from weeknotes.base.errors import WeeknotesError
from weeknotes.base.wording import counted
from weeknotes.net.httpget import FetchFailed, check_scheme, open_connection, remaining

BODY_LIMIT = 64 * 1024
"""The most of a hub's answer read (only to finish the exchange cleanly)."""


class PingFailed(WeeknotesError):
    """The hub could not be told (exit 1); the message says why, in one line."""


def ping_hub(hub: str, feeds: Sequence[str], user_agent: str, timeout: float) -> None:
    """POST `hub.mode=publish` for each feed in turn; raise PingFailed at the first failure."""
    for told, feed in enumerate(feeds):
        try:
            status, reason = post_form(hub, {"hub.mode": "publish", "hub.url": feed}, user_agent, timeout)
        except FetchFailed as exc:
            raise PingFailed(f"the WebSub hub {hub} could not be told that {feed} changed: {explain(exc, timeout)}"
                             f"{so_far(told, len(feeds))}") from None
        if not 200 <= status < 300:
            raise PingFailed(f"the WebSub hub {hub} refused {feed}: HTTP {status} {reason}".rstrip()
                             + so_far(told, len(feeds)))


def explain(failure: FetchFailed, timeout: float) -> str:
    text = str(failure)
    return f"no answer within {timeout:g}s" if text == "timed out" else text


def so_far(told: int, total: int) -> str:
    return f" ({told} of {counted(total, 'feed')} told before it)" if total > 1 else ""


def post_form(url: str, fields: dict[str, str], user_agent: str, timeout: float) -> tuple[int, str]:
    """One form-encoded POST, everything within `timeout` seconds: (status, reason).

    Redirects are not followed: a hub that moved is answered 3xx, and its new address belongs
    in site.yaml, where every feed advertises it.
    """
    check_scheme(url)
    deadline = time.monotonic() + timeout
    conn, path = open_connection(url, deadline)
    body = urlencode(fields).encode("ascii")
    headers = {"User-Agent": user_agent, "Content-Type": "application/x-www-form-urlencoded",
               "Accept-Encoding": "identity"}
    try:
        conn.connect()
        sock = conn.sock  # kept: http.client lets go of it once a closing response is read
        sock.settimeout(remaining(deadline))
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        sock.settimeout(remaining(deadline))
        response.read(BODY_LIMIT)
        return response.status, response.reason or ""
    except FetchFailed:
        raise
    except TimeoutError:
        raise FetchFailed("timed out") from None
    except ssl.SSLError as exc:
        raise FetchFailed(f"TLS error: {exc.reason or exc}") from None
    except ConnectionRefusedError:
        raise FetchFailed("connection refused (is the hub's address right?)") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchFailed(f"connection failed: {exc.__class__.__name__}: {exc}".rstrip(": ")) from None
    finally:
        conn.close()
