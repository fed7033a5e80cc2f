"""Fixtures of the web tests: one in-process app per session, one real ``osteosim serve`` per session.

Screenshots and the server's log go to a temporary folder (the test run's own), so a test run leaves
no changed file in git.  ``OSTEOSIM_DOC_SCREENSHOTS=1`` (``make screenshots``) also refreshes the
documentation's copies under ``docs/screenshots/``, deliberately.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
#: the documentation's screenshots: refreshed only when OSTEOSIM_DOC_SCREENSHOTS is set (not "", "0")
DOC_SHOTS = ROOT / "docs" / "screenshots"
WRITE_DOC_SHOTS = os.environ.get("OSTEOSIM_DOC_SCREENSHOTS", "").strip() not in ("", "0")
CHROMIUM = Path("/usr/bin/chromium")

#: a patient every API test can run (small and fast: 5 years)
PATIENT = {"sex": "female", "age": 62, "menopause_age": 51, "bmi": 23, "calcium_mg_per_day": 700,
           "vitamin_d_ng_per_ml": 20, "physical_activity": "low", "family_history": True}


@pytest.fixture(scope="session")
def client():
    import warnings

    with warnings.catch_warnings():  # starlette's notice about httpx2; the client works the same
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from osteosim.web import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """This test run's folder for screenshots and the server's log."""
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="session")
def server(shots):
    """A real ``osteosim serve`` (uvicorn) on a free loopback port; yields its base URL."""
    port = _free_port()
    log = shots / "server.log"
    with open(log, "wb") as out:
        # the server stores finished studies in this run's folder, not the user's cache
        env = dict(os.environ, OSTEOSIM_STUDY_CACHE=str(shots / "study-store"))
        proc = subprocess.Popen([sys.executable, "-m", "osteosim", "serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"osteosim serve exited with code {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"osteosim serve did not answer within 90 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        try:
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; missing chromium is a failure that says how to install it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(`make browser`, or `apt-get install -y chromium`)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1360, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    ctx.close()
