"""The Prefect server `newsflow serve` starts: its UI reaches its API on any
port, and it writes nothing into the virtualenv."""

from __future__ import annotations

import json
import urllib.request

import pytest

from cli.server import _free_port, local_prefect_server


@pytest.mark.slow
def test_the_served_ui_is_told_its_own_port_and_builds_under_prefect_home(tmp_path, monkeypatch):
    home = tmp_path / "prefect-home"
    monkeypatch.setenv("PREFECT_HOME", str(home))
    for name in ("PREFECT_API_URL", "PREFECT_UI_API_URL", "PREFECT_UI_STATIC_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    port = _free_port()
    with local_prefect_server(port) as api_url:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui-settings", timeout=10) as response:
            settings = json.load(response)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
    assert api_url == settings["api_url"] == f"http://127.0.0.1:{port}/api"
    assert any((home / "ui").iterdir())  # the UI's pages, built here rather than in the package
