"""How the web application runs: which registry, on which address, with which secret.

Serving on a loopback address (``127.0.0.1``, ``::1``, ``localhost``) with no account in the
registry is *single-user mode*: no login, the local user curates under their login name. Any other
address needs accounts; :func:`needs_accounts` says which.

Example::

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ENV_SECRET = "SPINECASE_SECRET_KEY"
#: Largest upload accepted by the ingest page, all files together (bytes).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _local_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return "local"


@dataclass(frozen=True, slots=True)
class WebConfig:
    """Settings of one server. ``secret_key`` signs the session cookies: set ``SPINECASE_SECRET_KEY``
    to keep sessions across restarts (by default a new random key each start logs everyone out)."""

    db: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = field(default_factory=lambda: os.environ.get(ENV_SECRET) or secrets.token_urlsafe(32))
    #: the name curator edits carry in single-user mode
    local_user: str = field(default_factory=_local_name)
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    #: session cookies only over HTTPS (set when a TLS proxy is in front)
    secure_cookies: bool = False
    session_days: int = 7
    #: where the similar-cases index is cached (``None``: the search package's default folder,
    #: ``False``: memory only)
    similar_cache: Path | Literal[False] | None = None

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def needs_accounts(host: str, users: int) -> bool:
    """Whether logins are required: always once an account exists, and on any non-loopback address.

    >>> needs_accounts("127.0.0.1", 0), needs_accounts("127.0.0.1", 2), needs_accounts("0.0.0.0", 0)
    (False, True, True)
    """
    return users > 0 or not is_loopback(host)
