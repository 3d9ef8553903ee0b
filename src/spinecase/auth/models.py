"""The ``users`` table of the registry database: accounts of the web application.

It lives in the registry database (created by the migration ``0002_users``) but has its own
declarative base, so the registry's models stay exactly the registry's. A password is never stored:
only its Argon2id hash (``$argon2id$v=19$…``), which carries its own salt and cost parameters.

Example::

    >>> User(name="ana", role="curator", password_hash="$argon2id$...").role
    'curator'
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..registry.models import utcnow


class AuthBase(DeclarativeBase):
    """Declarative base of the accounts table (separate from the registry's ``Base``)."""


class User(AuthBase):
    """One account: a unique name, a role (viewer, curator or admin) and a password hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
