"""Accounts of the web application, stored in the registry database.

With no account and a loopback address, ``spinecase serve`` runs in single-user mode; any other
address needs accounts (``spinecase users add NAME --role viewer|curator|admin``). See
:mod:`spinecase.auth.accounts` for the password hashing and the roles.

Example::

    >>> role_allows("admin", "curator")
    True
"""

from __future__ import annotations

from .accounts import (
    MIN_PASSWORD,
    ROLES,
    Account,
    AccountError,
    add_user,
    authenticate,
    count_users,
    get_account,
    list_users,
    remove_user,
    role_allows,
    set_password,
    set_role,
)

__all__ = [
    "MIN_PASSWORD",
    "ROLES",
    "Account",
    "AccountError",
    "add_user",
    "authenticate",
    "count_users",
    "get_account",
    "list_users",
    "remove_user",
    "role_allows",
    "set_password",
    "set_role",
]
