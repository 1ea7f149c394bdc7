"""What ``forcegen serve`` was started with."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

DEFAULT_HOST = "127.0.0.1"
"""Loopback only, unless the user asks for another address (with a token)."""

DEFAULT_PORT = 8765
"""The port ``forcegen serve`` listens on by default."""

MAX_BODY_BYTES = 64 * 1024
"""Largest request body accepted [bytes]: a what-if or a ledger revision is a few KiB."""

TOKEN_ENV = "FORCEGEN_TOKEN"
"""Environment variable read for the write token when ``--token`` is not given."""


@dataclass(frozen=True)
class WebSettings:
    """Where the workspace comes from and how the app may be used.

    ``workspace``: a path or built-in dataset name (None: the default dataset);
    ``ledger``: a ledger URL instead (``known_at`` reads its past); ``overrides``: the
    ``--set`` texts; ``as_of``: ``YYYY-MM-DD``; ``token``: writes need
    ``Authorization: Bearer <token>`` (None: the app is read-only);
    ``max_body_bytes``: largest request body [bytes]; ``allowed_hosts``: the names a
    request's ``Host`` header may give (empty: any; ``forcegen serve`` on loopback gives
    :func:`loopback_names`, so that a web page whose domain is re-pointed at 127.0.0.1
    (DNS rebinding) cannot read the API)."""

    workspace: str | None = None
    ledger: str | None = None
    known_at: str | None = None
    overrides: tuple[str, ...] = ()
    as_of: str | None = None
    token: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allowed_hosts: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def read_only(self) -> bool:
        """True without a token: every write is refused."""
        return not self.token


MIN_TOKEN_LENGTH = 16
"""Fewest characters a write token may have (``openssl rand -hex 16`` gives 32)."""


def check_token(token: str | None) -> str | None:
    """The token as the server will compare it (surrounding blanks removed), or None
    when none was given; a token of blanks only or shorter than :data:`MIN_TOKEN_LENGTH`
    characters raises ``ValueError`` saying what is expected."""
    if token is None or token == "":
        return None
    stripped = token.strip()
    if len(stripped) < MIN_TOKEN_LENGTH:
        raise ValueError(
            f"--token: {len(stripped)} characters (blanks left out); expected at least "
            f"{MIN_TOKEN_LENGTH}, e.g. the output of 'openssl rand -hex 16'"
        )
    return stripped


def is_loopback(host: str) -> bool:
    """True for a loopback address or ``localhost`` (the only hosts served without a
    token)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_names(host: str) -> tuple[str, ...]:
    """The ``Host`` names a server bound to loopback ``host`` answers to: ``localhost``,
    127.0.0.1, ::1 and ``host`` itself."""
    return tuple(dict.fromkeys(("localhost", "127.0.0.1", "::1", host.strip("[]").lower())))
