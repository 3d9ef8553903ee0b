"""Browser tests: a real uvicorn server on a free loopback port and headless Debian Chromium.

Chromium is never downloaded: the tests launch ``/usr/bin/chromium`` (``.ci/system-packages.sh``
installs it). Without it they skip — except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spinecase.registry import Registry, open_registry
from spinecase.web import WebConfig, create_app

CHROMIUM = Path(os.environ.get("SPINECASE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"CI needs the browser tests to run: {reason}")
    pytest.skip(reason)


@dataclass
class LiveServer:
    url: str
    registry: Registry
    config: WebConfig


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(seeded_db: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on 127.0.0.1:<free port>, in a thread, on a fresh copy of the seeded registry."""
    import uvicorn

    db = tmp_path / "live.db"
    shutil.copy(seeded_db, db)
    registry = open_registry(f"sqlite:///{db}")
    config = WebConfig(host="127.0.0.1", port=_free_port(), local_user="tester", similar_cache=False)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config, registry=registry), host=config.host, port=config.port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://{config.host}:{config.port}", registry, config)
    server.should_exit = True
    thread.join(timeout=10)
    registry.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
    # the pages' own script must run without errors (and nothing may break the CSP)
    assert errors == [], errors


def shoot(page: Any, name: str, full_page: bool = False) -> Path:
    """Save a screenshot of the page as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"web-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5000
    return path
