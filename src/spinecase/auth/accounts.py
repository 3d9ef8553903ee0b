"""Accounts: add, list, change and check users; passwords hashed with Argon2id (argon2-cffi).

Argon2id is the password hash recommended by OWASP's Password Storage Cheat Sheet and RFC 9106;
argon2-cffi's defaults follow the RFC's second recommended option (64 MiB, 3 passes). A hash made
with older parameters is re-hashed on the next successful login. Checking an unknown name costs the
same as checking a wrong password, so response times do not reveal which names exist.

Roles are ordered: a *viewer* reads, a *curator* also edits values and ingests reports, an *admin*
also manages accounts. :func:`role_allows` is the one place that order is decided.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> with reg.write() as s:
    ...     _ = add_user(s, "ana", "curator", "correct horse battery")
    >>> with reg.write() as s:
    ...     authenticate(s, "ana", "correct horse battery").role, authenticate(s, "ana", "wrong")
    ('curator', None)
    >>> role_allows("curator", "viewer"), role_allows("viewer", "curator")
    (True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..registry.models import utcnow
from .models import User

ROLES: tuple[str, ...] = ("viewer", "curator", "admin")
MIN_PASSWORD = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class AccountError(ValueError):
    """A problem with an account request the user can fix (unknown name, weak password…)."""


@dataclass(frozen=True, slots=True)
class Account:
    """A user as the application sees it (never the hash)."""

    id: int
    name: str
    role: str
    created_at: datetime
    #: changes whenever the password changes: sessions made before are no longer valid
    stamp: str

    def can(self, role: str) -> bool:
        """Whether this account holds ``role`` or a higher one."""
        return role_allows(self.role, role)


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not a password of anyone")


def role_allows(held: str, needed: str) -> bool:
    """``held`` is ``needed`` or above it in viewer < curator < admin."""
    if needed not in ROLES:
        raise AccountError(f"unknown role {needed!r}; one of: {', '.join(ROLES)}")
    return held in ROLES and ROLES.index(held) >= ROLES.index(needed)


def _stamp(password_hash: str) -> str:
    # the hash's salt and digest change with every new password; a short tail of it is enough
    return password_hash[-16:]


def _account(u: User) -> Account:
    return Account(u.id, u.name, u.role, u.created_at, _stamp(u.password_hash))


def check_role(role: str) -> str:
    role = role.strip().lower()
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    """A password of at least :data:`MIN_PASSWORD` characters, not only spaces (NIST SP 800-63B)."""
    if len(password) < MIN_PASSWORD or not password.strip():
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise AccountError(
            f"invalid user name {name!r}: letters, digits and . _ @ - (start with a letter or digit, at most 64)"
        )
    return name


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def list_users(session: Session) -> list[Account]:
    return [_account(u) for u in session.scalars(select(User).order_by(User.name))]


def _find(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name.strip()))
    if user is None:
        raise AccountError(f"no user {name!r}")
    return user


def get_account(session: Session, user_id: int) -> Account | None:
    user = session.get(User, user_id)
    return _account(user) if user is not None else None


def add_user(session: Session, name: str, role: str, password: str) -> Account:
    """Create an account; :class:`AccountError` when the name is taken or the input is invalid."""
    name, role = check_name(name), check_role(role)
    check_password(password)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AccountError(f"user {name!r} exists already")
    now = utcnow()
    user = User(name=name, role=role, password_hash=_hasher().hash(password), created_at=now, updated_at=now)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent add of the same name
        raise AccountError(f"user {name!r} exists already") from exc
    return _account(user)


def set_role(session: Session, name: str, role: str) -> Account:
    user = _find(session, name)
    user.role, user.updated_at = check_role(role), utcnow()
    session.flush()
    return _account(user)


def set_password(session: Session, name: str, password: str) -> Account:
    """Change a password; every session of that user made before ends."""
    user = _find(session, name)
    user.password_hash, user.updated_at = _hasher().hash(check_password(password)), utcnow()
    session.flush()
    return _account(user)


def remove_user(session: Session, name: str) -> None:
    session.delete(_find(session, name))
    session.flush()


def authenticate(session: Session, name: str, password: str) -> Account | None:
    """The account when ``password`` is right, else ``None`` (same cost for unknown names).

    Run in a write transaction: a hash made with outdated parameters is replaced.
    """
    user = session.scalar(select(User).where(User.name == name.strip())) if name.strip() else None
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash if user is not None else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        session.flush()
    return _account(user)
