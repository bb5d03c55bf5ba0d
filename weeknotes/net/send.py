"""Hand one message to an SMTP server, all or nothing, and say clearly what went wrong.

Every recipient is offered (RCPT TO) before the message is: if the server refuses any of
them, the transaction is reset and nobody gets it, so a failed send can simply be repeated.
Each failure is one line in a `SendError`; nothing here ever shows a traceback.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from weeknotes.base.errors import WeeknotesError

TIMEOUT = 30.0
LOOPBACK = ("localhost", "127.0.0.1", "::1")


class SendError(WeeknotesError):
    """The message could not be sent (exit 1); nothing was recorded."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    tls: str
    """`starttls`, `ssl` or `none`."""

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" + ("" if self.tls == "none" else f" ({self.tls.upper()})")


@dataclass(frozen=True)
class Login:
    user: str
    password: str


def deliver(data: bytes, sender: str, recipients: tuple[str, ...], server: Server, login: Login | None) -> None:
    """Send `data` (a whole message) from `sender` to every recipient, or raise SendError."""
    if login and server.tls == "none" and server.host not in LOOPBACK:
        raise SendError(f"refusing to send the SMTP password unencrypted to {server}; use --starttls or --ssl")
    with _failures(server, login):
        smtp = _connect(server)
        try:
            if server.tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if login:
                smtp.login(login.user, login.password)
            _transact(smtp, data, sender, recipients)
        finally:
            _close(smtp)


def _connect(server: Server) -> smtplib.SMTP:
    if server.tls == "ssl":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=ssl.create_default_context())
    return smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)


def _transact(smtp: smtplib.SMTP, data: bytes, sender: str, recipients: tuple[str, ...]) -> None:
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if refused:
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = smtp.data(data)
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _said(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}".strip()


@contextmanager
def _failures(server: Server, login: Login | None) -> Iterator[None]:
    """Turn whatever smtplib, ssl or the socket raise into one line saying what failed."""
    try:
        yield
    except ConnectionRefusedError as exc:
        raise SendError(f"could not connect to {server}: connection refused "
                        "(is the SMTP server running, and is this its port?)") from exc
    except socket.gaierror as exc:
        raise SendError(f"could not find the SMTP server {server.host}: {exc.strerror}") from exc
    except ssl.SSLCertVerificationError as exc:
        raise SendError(f"TLS failed with {server}: {exc.verify_message or exc.reason} "
                        "(the server's certificate is not trusted here)") from exc
    except ssl.SSLError as exc:
        raise SendError(f"TLS failed with {server}: {exc.reason or exc}") from exc
    except smtplib.SMTPNotSupportedError as exc:
        what = "STARTTLS" if "STARTTLS" in str(exc) else "a login (AUTH)"
        prefix = "TLS failed: " if what == "STARTTLS" else ""
        raise SendError(f"{prefix}the SMTP server {server} does not offer {what}") from exc
    except smtplib.SMTPAuthenticationError as exc:
        user = login.user if login else "?"
        raise SendError(f"the SMTP server {server} refused the login for {user}: {_said(exc.smtp_code, exc.smtp_error)}"
                        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        lines = [f"the SMTP server {server} refused the recipient {who}: {_said(*answer)}"
                 for who, answer in exc.recipients.items()]
        raise SendError("\nerror: ".join(lines)) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise SendError(f"the SMTP server {server} refused the sender {exc.sender}: "
                        f"{_said(exc.smtp_code, exc.smtp_error)}") from exc
    except smtplib.SMTPResponseException as exc:
        raise SendError(f"the SMTP server {server} refused the message: {_said(exc.smtp_code, exc.smtp_error)}"
                        ) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise SendError(f"the SMTP server {server} closed the connection: {exc or 'without a word'}") from exc
    except TimeoutError as exc:
        raise SendError(f"no answer from {server} within {TIMEOUT:.0f} s") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"could not send through {server}: {exc}") from exc
