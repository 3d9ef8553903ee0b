"""``spinecase serve`` (the web application) and ``spinecase users`` (its accounts)."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..registry import display_url
from . import app
from .db import DbOption, err, fail, open_db

users_app = typer.Typer(
    help="Accounts of the web application (kept in the registry database).", no_args_is_help=True
)
app.add_typer(users_app, name="users")

Name = Annotated[str, typer.Argument(help="User name: letters, digits and . _ @ -")]
RoleOpt = Annotated[
    str,
    typer.Option(
        "--role", "-r", help="viewer (reads), curator (also edits and ingests) or admin (also accounts)."
    ),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts).")
]


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _accounts() -> ModuleType:
    try:
        from .. import auth
    except ModuleNotFoundError as exc:  # argon2-cffi is in the web extra
        fail(f"accounts need the web extra ({exc.name} is missing): pip install 'spinecase[web]'")
    return auth


@users_app.command("add")
def add_command(
    name: Name, role: RoleOpt = "viewer", db: DbOption = None, password_stdin: PasswordStdin = False
) -> None:
    """Create an account; asks for its password (at least 10 characters).

    spinecase users add ana --role curator

    echo "$PASSWORD" | spinecase users add reader --role viewer --password-stdin
    """
    auth = _accounts()
    password = _password(password_stdin)
    with open_db(db) as reg:
        try:
            with reg.write() as s:
                account = auth.add_user(s, name, role, password)
        except auth.AccountError as exc:
            fail(str(exc))
    err.print(f"user {account.name} added as {account.role} in {display_url(reg.url)}")


@users_app.command("list")
def list_command(db: DbOption = None) -> None:
    """List the accounts and their roles."""
    auth = _accounts()
    with open_db(db) as reg, reg.session() as s:
        accounts = auth.list_users(s)
    table = Table("name", "role", "created (UTC)")
    for a in accounts:
        table.add_row(a.name, a.role, a.created_at.strftime("%Y-%m-%d %H:%M"))
    Console().print(table)
    if not accounts:
        err.print("no accounts: `spinecase serve` on a loopback address runs in single-user mode")


@users_app.command("role")
def role_command(
    name: Name, role: Annotated[str, typer.Argument(help="viewer, curator or admin.")], db: DbOption = None
) -> None:
    """Change the role of an account (effective at its next request).

    spinecase users role ana admin
    """
    auth = _accounts()
    with open_db(db) as reg:
        try:
            with reg.write() as s:
                account = auth.set_role(s, name, role)
        except auth.AccountError as exc:
            fail(str(exc))
    err.print(f"user {account.name} is now {account.role}")


@users_app.command("password")
def password_command(name: Name, db: DbOption = None, password_stdin: PasswordStdin = False) -> None:
    """Set a new password (every session of that user ends)."""
    auth = _accounts()
    password = _password(password_stdin)
    with open_db(db) as reg:
        try:
            with reg.write() as s:
                auth.set_password(s, name, password)
        except auth.AccountError as exc:
            fail(str(exc))
    err.print(f"password of {name} changed")


@users_app.command("remove")
def remove_command(name: Name, db: DbOption = None) -> None:
    """Delete an account (its curator edits stay in the audit trail under its name)."""
    auth = _accounts()
    with open_db(db) as reg:
        try:
            with reg.write() as s:
                auth.remove_user(s, name)
        except auth.AccountError as exc:
            fail(str(exc))
    err.print(f"user {name} removed")


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback keeps it on this machine).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web application: dashboard, cases, evidence, curation, scores, review, ingest, JSON API.

      spinecase serve                       # http://127.0.0.1:8000, single-user mode without accounts

      spinecase users add ana --role admin && spinecase serve --host 0.0.0.0 --port 8080

    With no account on a loopback address there is no login (single-user mode). Any other address
    needs accounts (`spinecase users add`). Set SPINECASE_SECRET_KEY to keep sessions across restarts.
    """
    try:
        import uvicorn

        from ..auth import count_users
        from ..web import WebConfig, create_app, needs_accounts
    except ModuleNotFoundError as exc:
        fail(f"the web application needs the web extra ({exc.name} is missing): pip install 'spinecase[web]'")
    config = WebConfig(db=db, host=host, port=port)
    with open_db(db) as reg:
        with reg.session() as s:
            users = count_users(s)
        if needs_accounts(host, users) and users == 0:
            fail(
                f"serving on {host} (not a loopback address) requires accounts: "
                "spinecase users add NAME --role admin"
            )
        mode = "single-user mode (no accounts)" if not needs_accounts(host, users) else f"{users} account(s)"
        err.print(f"spinecase on http://{host}:{port} · registry {display_url(reg.url)} · {mode}")
        uvicorn.run(
            create_app(config, registry=reg), host=host, port=port, log_level="info", proxy_headers=False
        )
