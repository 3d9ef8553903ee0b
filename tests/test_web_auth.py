"""Accounts: single-user mode, logins, sessions, roles, the users CLI and the users migration."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from typer.testing import CliRunner

from e2e.support import PASSWORDS, Accounts, csrf, make_client
from spinecase.auth import AccountError, add_user, authenticate, list_users, role_allows
from spinecase.auth.models import AuthBase, User
from spinecase.cli import app as cli
from spinecase.registry import Registry, open_registry
from spinecase.registry.migrate import downgrade, head_revision, upgrade
from spinecase.web import is_loopback, needs_accounts

pytest_plugins = ["e2e.support"]


def test_single_user_mode_on_loopback_without_accounts(web_registry: Registry) -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        assert is_loopback(host) and not needs_accounts(host, 0)
    with make_client(web_registry) as c:
        me = c.get("/api/me").json()
        assert me["single_user"] is True and me["name"] == "tester" and me["role"] == "admin"
        assert c.get("/cases").status_code == 200
        assert "single-user" in c.get("/").text


def test_accounts_require_a_login_even_on_loopback(accounts: Accounts) -> None:
    c = accounts.client()
    r = c.get("/cases?histology=gist")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fcases%3Fhistology%3Dgist"
    assert c.get("/api/cases").status_code == 401
    assert c.get("/login").status_code == 200
    token = csrf(c)
    bad = c.post("/login", data={"csrf_token": token, "username": "cora", "password": "wrong-password"})
    assert bad.status_code == 401 and "Wrong name or password" in bad.text
    unknown = c.post("/login", data={"csrf_token": token, "username": "nobody", "password": "whatever-pass"})
    assert unknown.status_code == 401 and "Wrong name or password" in unknown.text  # same answer
    ok = c.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "cora",
            "password": PASSWORDS["cora"],
            "next": "/cases?histology=gist",
        },
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/cases?histology=gist"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert c.get("/api/me").json()["name"] == "cora"
    assert c.get("/cases").status_code == 200
    # a login makes a new CSRF token: the one from before no longer works
    assert csrf(c) != token
    assert c.post("/logout", data={"csrf_token": csrf(c)}).status_code == 303
    assert c.get("/api/cases").status_code == 401


def test_login_never_redirects_to_another_site(accounts: Accounts) -> None:
    c = accounts.client()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        r = c.post(
            "/login",
            data={"csrf_token": csrf(c), "username": "vera", "password": PASSWORDS["vera"], "next": target},
        )
        assert r.status_code == 303 and r.headers["location"] == "/", target


def test_password_change_and_removal_end_sessions(accounts: Accounts, web_registry: Registry) -> None:
    from spinecase.auth import remove_user, set_password, set_role

    c = accounts.client("cora")
    assert c.get("/api/me").json()["role"] == "curator"
    with web_registry.write() as s:
        set_role(s, "cora", "viewer")
    assert c.get("/api/me").json()["role"] == "viewer"  # effective at the next request
    with web_registry.write() as s:
        set_password(s, "cora", "a-brand-new-password")
    assert c.get("/api/cases").status_code == 401
    v = accounts.client("vera")
    with web_registry.write() as s:
        remove_user(s, "vera")
    assert v.get("/api/cases").status_code == 401


def test_passwords_are_stored_as_argon2id_hashes(web_registry: Registry) -> None:
    with web_registry.write() as s:
        add_user(s, "hana", "viewer", "a long enough secret")
    with web_registry.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.name == "hana"))
    assert stored is not None and stored.startswith("$argon2id$") and "a long enough secret" not in stored
    with web_registry.write() as s:
        assert authenticate(s, "hana", "a long enough secret") is not None
        assert authenticate(s, "hana", "A long enough secret") is None
        assert authenticate(s, "", "") is None
    with pytest.raises(AccountError, match="exists already"), web_registry.write() as s:
        add_user(s, "hana", "admin", "another long secret")
    with pytest.raises(AccountError, match="at least 10"), web_registry.write() as s:
        add_user(s, "ivo", "viewer", "short")
    with pytest.raises(AccountError, match="unknown role"), web_registry.write() as s:
        add_user(s, "ivo", "superuser", "long enough password")
    with pytest.raises(AccountError, match="invalid user name"), web_registry.write() as s:
        add_user(s, "<b>ivo</b>", "viewer", "long enough password")
    assert role_allows("admin", "viewer") and not role_allows("viewer", "admin")


def test_users_cli(web_db_url: str) -> None:
    runner = CliRunner()
    r = runner.invoke(
        cli,
        ["users", "add", "ana", "--role", "curator", "--db", web_db_url, "--password-stdin"],
        input="correct horse battery\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli, ["users", "add", "ana", "--db", web_db_url, "--password-stdin"], input="correct horse battery\n"
    )
    assert r.exit_code == 2 and "exists already" in r.output
    r = runner.invoke(cli, ["users", "add", "bo", "--db", web_db_url, "--password-stdin"], input="short\n")
    assert r.exit_code == 2 and "at least 10" in r.output
    assert runner.invoke(cli, ["users", "role", "ana", "admin", "--db", web_db_url]).exit_code == 0
    listed = runner.invoke(cli, ["users", "list", "--db", web_db_url])
    assert listed.exit_code == 0 and "ana" in listed.output and "admin" in listed.output
    r = runner.invoke(
        cli,
        ["users", "password", "ana", "--db", web_db_url, "--password-stdin"],
        input="another horse battery\n",
    )
    assert r.exit_code == 0
    reg = open_registry(web_db_url)
    with reg.write() as s:
        assert authenticate(s, "ana", "another horse battery") is not None
    assert runner.invoke(cli, ["users", "remove", "ana", "--db", web_db_url]).exit_code == 0
    with reg.session() as s:
        assert list_users(s) == []
    reg.dispose()
    assert runner.invoke(cli, ["users", "remove", "ana", "--db", web_db_url]).exit_code == 2


def test_serve_refuses_a_public_address_without_accounts(web_db_url: str) -> None:
    r = CliRunner().invoke(cli, ["serve", "--db", web_db_url, "--host", "0.0.0.0", "--port", "8999"])
    assert r.exit_code == 2 and "requires accounts" in r.output and "spinecase users add" in r.output


def test_users_migration_matches_the_model(tmp_path: Path) -> None:
    reg = open_registry(f"sqlite:///{tmp_path / 'm.db'}")
    with reg.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, AuthBase.metadata)
    # the registry's own tables are not in this metadata: only differences on `users` count
    assert [d for d in diff if "users" in repr(d)] == []
    assert downgrade(reg.engine, "0001") == "0001"
    with reg.engine.connect() as conn:
        assert "users" not in conn.dialect.get_table_names(conn)
    assert upgrade(reg.engine) == head_revision()
    reg.dispose()
