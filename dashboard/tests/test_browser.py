"""The running dashboard in a real browser (Debian's headless Chromium over the DevTools protocol)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cdp import Browser
from conftest import DASHBOARD, OUTPUT, closed_port
from tcp_proxy import TcpProxy


class DashboardServer:
    """`streamlit run app.py` on a free 127.0.0.1 port (not 8501, which `make dashboard` may hold)."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = closed_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
             "--server.port", str(self.port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=DASHBOARD, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start; see {log}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture
def browser(tmp_path):
    instance = Browser(tmp_path / "chromium-profile")
    yield instance
    instance.close()


def grid_cells(browser: Browser) -> list[str]:
    """The sensors grid's cells as the page exposes them (the grid draws on a canvas and mirrors every cell in
    an ARIA grid for assistive technology; those are the strings a person sees)."""
    return browser.evaluate("Array.from(document.querySelectorAll('[role=gridcell]')).map(c => c.innerText)")


def shown_metric(text: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}\n+(.+)$", text, re.MULTILINE)
    assert match, f"no metric {label!r} in:\n{text}"
    return match.group(1).strip()


def test_live_dashboard_in_chromium(new_pipeline, browser):
    pipeline = new_pipeline("browser")
    pipeline.seed_standard()
    truth = pipeline.truth()
    n = len(truth.per_sensor)
    server = DashboardServer({**pipeline.env(), "SENSORCTL_DASHBOARD_STORE": "postgres",
                              "SENSORCTL_DASHBOARD_ONLINE_TTL_S": "600"}, OUTPUT / "browser-streamlit.log")
    try:
        browser.navigate(server.url)
        text = browser.wait_for_text(lambda t: "Sensors online" in t and "Jobs" in t, timeout=60)
        assert shown_metric(text, "Sensors online") == f"{n} / {n}"
        assert shown_metric(text, "Readings") == str(truth.total)
        assert shown_metric(text, "Failed") == str(len(truth.burned))
        for label in ("Healthy", "Degraded", "Failed", "Readings per second", "Mean over time"):
            assert label in text
        assert "postgresql://" in text and ":***@" in text and "Traceback" not in text
        password = urlsplit(pipeline.postgres_url).password
        assert not password or password not in text
        deadline = time.monotonic() + 30
        while not set(truth.per_sensor) <= set(grid_cells(browser)) and time.monotonic() < deadline:
            time.sleep(0.25)
        cells = grid_cells(browser)
        assert set(truth.per_sensor) <= set(cells), cells
        assert "failed" in cells and "healthy" in cells
        browser.screenshot(OUTPUT / "dashboard.png")

        # New data while the page stays open: a marker on window survives only if the page is not reloaded.
        browser.evaluate("window.__sensorctlMarker = 'same page'")
        pipeline.generate(60, 6, 8)
        pipeline.job()
        expected = truth.total + 60
        text = browser.wait_for_text(lambda t: f"Readings\n\n{expected}\n" in t or
                                     re.search(rf"^Readings\n+{expected}$", t, re.M) is not None, timeout=30)
        assert browser.evaluate("window.__sensorctlMarker") == "same page", "the page was reloaded"
        assert shown_metric(text, "Readings") == str(expected)
        browser.screenshot(OUTPUT / "dashboard-new-data.png")
    finally:
        server.stop()


def test_database_down_then_back_in_chromium(new_pipeline, browser):
    pipeline = new_pipeline("down")
    pipeline.seed_standard()
    target = urlsplit(pipeline.postgres_url)
    proxy = TcpProxy(target.hostname, target.port)
    url = pipeline.postgres_url.replace(f":{target.port}/", f":{proxy.port}/")
    server = DashboardServer({**pipeline.env(), "SENSORCTL_POSTGRES_URL": url, "SENSORCTL_DASHBOARD_STORE": "postgres",
                              "SENSORCTL_DASHBOARD_ONLINE_TTL_S": "600"}, OUTPUT / "browser-down-streamlit.log")
    try:
        browser.navigate(server.url)
        text = browser.wait_for_text(lambda t: "Cannot reach PostgreSQL" in t, timeout=60)
        assert f"postgresql://{target.username}:***@127.0.0.1:{proxy.port}/{pipeline.name}" in text
        assert target.password not in text and "Traceback" not in text
        browser.screenshot(OUTPUT / "dashboard-database-down.png")
        browser.evaluate("window.__sensorctlMarker = 'same page'")
        proxy.start()
        text = browser.wait_for_text(lambda t: "Sensors online" in t and "Cannot reach" not in t, timeout=30)
        n = len(pipeline.truth().per_sensor)
        assert shown_metric(text, "Sensors online") == f"{n} / {n}"
        assert browser.evaluate("window.__sensorctlMarker") == "same page", "the page was reloaded"
        browser.screenshot(OUTPUT / "dashboard-recovered.png")
    finally:
        proxy.stop()
        server.stop()
