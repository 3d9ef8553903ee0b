"""Password guessing is slowed down: failed sign-ins per name and per client, in a sliding window."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from e2e.support import PASSWORDS, Accounts, csrf
from spinecase.web.throttle import LoginThrottle

pytest_plugins = ["e2e.support"]


def _form(c, name: str, password: str):  # type: ignore[no-untyped-def]
    return c.post("/login", data={"csrf_token": csrf(c), "username": name, "password": password})


def test_five_wrong_passwords_lock_the_name_even_for_the_right_one(accounts: Accounts) -> None:
    c = accounts.client()
    for _ in range(5):
        assert _form(c, "cora", "wrong-password").status_code == 401
    locked = _form(c, "cora", PASSWORDS["cora"])
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text and "15 minutes" in locked.text
    assert 890 <= int(locked.headers["Retry-After"]) <= 900
    assert c.get("/api/me").json()["name"] is None  # not signed in
    # the API says the same, in JSON; another name from the same client is not locked
    api = c.post(
        "/api/login",
        json={"username": "Cora ", "password": PASSWORDS["cora"]},  # the same name, spelt loosely
        headers={"X-CSRF-Token": csrf(c)},
    )
    assert api.status_code == 429 and api.json()["detail"].startswith("Too many failed sign-ins")
    assert _form(c, "vera", PASSWORDS["vera"]).status_code == 303


def test_the_lock_ends_when_the_failures_leave_the_window(accounts: Accounts) -> None:
    c = accounts.client()
    throttle: LoginThrottle = c.app.state.web.throttle  # type: ignore[attr-defined]
    throttle.window = 60.0
    for _ in range(5):
        assert _form(c, "cora", "wrong-password").status_code == 401
    assert _form(c, "cora", PASSWORDS["cora"]).status_code == 429
    throttle.window = 0.0  # as if 15 minutes had passed: every failure is out of the window
    assert _form(c, "cora", PASSWORDS["cora"]).status_code == 303


def test_a_right_password_clears_the_names_failures(accounts: Accounts) -> None:
    c = accounts.client()
    for _ in range(4):
        assert _form(c, "cora", "wrong-password").status_code == 401
    assert _form(c, "cora", PASSWORDS["cora"]).status_code == 303
    c.post("/logout", data={"csrf_token": csrf(c)})
    for _ in range(4):
        assert _form(c, "cora", "wrong-password").status_code == 401
    assert _form(c, "cora", PASSWORDS["cora"]).status_code == 303


def test_one_client_trying_many_names_is_locked_too(accounts: Accounts) -> None:
    c = accounts.client()
    for i in range(20):
        assert _form(c, f"guess{i}", "wrong-password").status_code == 401
    assert _form(c, "vera", PASSWORDS["vera"]).status_code == 429


def test_memory_stays_bounded() -> None:
    t = LoginThrottle(max_keys=50)
    for i in range(1000):
        t.failed(f"name{i}", f"10.0.{i // 256}.{i % 256}", now=float(i))
    assert len(t._failures) <= 50
    assert t.retry_after("name999", "10.0.3.231", now=1000.0) == 0.0  # one failure: under the limits


@given(
    st.lists(
        st.tuples(st.sampled_from(["ana", "bo"]), st.sampled_from(["a", "b"]), st.floats(0, 5)), max_size=40
    ),
    st.floats(0, 10),
)
def test_waiting_is_never_negative_nor_longer_than_the_window(
    events: list[tuple[str, str, float]], later: float
) -> None:
    t = LoginThrottle(per_name=3, per_client=4, window=2.0)
    clock = 0.0
    for name, client, step in events:
        clock += step
        t.failed(name, client, now=clock)
        for who in ("ana", "bo"):
            for where in ("a", "b"):
                wait = t.retry_after(who, where, now=clock + later)
                assert 0.0 <= wait <= 2.0
