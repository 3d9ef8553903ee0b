"""Slowing down password guessing: failed sign-ins are counted per account name and per client.

After :attr:`LoginThrottle.per_name` failures for one account name, or :attr:`LoginThrottle.per_client`
failures from one client address, within :attr:`LoginThrottle.window` seconds, further attempts are
refused (HTTP 429 with ``Retry-After``) until the oldest failure leaves the window — without even
checking the password, so a locked-out guesser learns nothing. A successful sign-in clears its
name's failures. This follows the OWASP Authentication Cheat Sheet ("protect against automated
attacks": account lockout with an observation window, counted per account and per source).

The counts live in the server's memory: ``spinecase serve`` is one process, and a restart forgets
them (which costs a guesser a restart of the server, not a way in). Memory is bounded: at most
:attr:`LoginThrottle.max_keys` names and addresses are tracked, the stalest dropped first.

Example::

    >>> t = LoginThrottle(per_name=2, per_client=10, window=60.0)
    >>> t.retry_after("ana", "10.0.0.7", now=0.0)
    0.0
    >>> t.failed("ana", "10.0.0.7", now=1.0); t.failed("ana", "10.0.0.7", now=2.0)
    >>> t.retry_after("ana", "10.0.0.7", now=3.0)
    58.0
    >>> t.retry_after("ana", "10.0.0.7", now=61.5)
    0.0
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field


@dataclass(slots=True)
class LoginThrottle:
    """Failed sign-ins in a sliding window, per account name and per client address."""

    per_name: int = 5
    per_client: int = 20
    window: float = 15 * 60.0
    max_keys: int = 10_000
    _failures: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _keys(name: str, client: str | None) -> tuple[str, str]:
        # names are compared as the accounts are: case-insensitively, without surrounding blanks
        return f"name:{name.strip().casefold()}", f"client:{client or 'unknown'}"

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, name: str, client: str | None, now: float | None = None) -> float:
        """Seconds until ``name`` may try again from ``client`` (0: it may try now)."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        with self._lock:
            for key, limit in zip(self._keys(name, client), (self.per_name, self.per_client), strict=True):
                times = self._recent(key, now)
                if len(times) >= limit:
                    # free again when the failure that filled the limit leaves the window
                    wait = max(wait, min(self.window, times[-limit] + self.window - now))
        return wait

    def failed(self, name: str, client: str | None, now: float | None = None) -> None:
        """Count a failed sign-in of ``name`` from ``client``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in self._keys(name, client):
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times
                self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, name: str) -> None:
        """A correct password: forget the name's failures (the client's stay counted)."""
        with self._lock:
            self._failures.pop(self._keys(name, None)[0], None)


__all__ = ["LoginThrottle"]
