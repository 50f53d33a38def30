"""The real command line: serve on a socket, persist across restarts, usage errors, help."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from live_helpers import HTTP_TIMEOUT, START_TIMEOUT, ServerProcess

DEMO = "demo-webex-api-key-0001"
AUTH = {"authorization": f"Bearer {DEMO}"}
CAMPAIGN = {
    "name": "Survives restarts",
    "categoryId": "Others",
    "notifications": [{"emailId": "ops@example.com"}],
    "alertsettings": [{"alertType": "N0002"}],
}


def create_campaign(server: ServerProcess) -> str:
    response = requests.post(f"{server.url}/webex/v1/campaigns", json=CAMPAIGN, headers=AUTH, timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def get_campaign(server: ServerProcess, campaign_id: str) -> requests.Response:
    return requests.get(f"{server.url}/webex/v1/campaigns/{campaign_id}", headers=AUTH, timeout=HTTP_TIMEOUT)


@pytest.mark.live
def test_serve_prints_base_urls_and_a_ready_line(tmp_path: Path) -> None:
    server = ServerProcess("--memory", cwd=tmp_path)
    try:
        lines = server.wait_ready()
        health = requests.get(f"{server.url}/_sandbox/health", timeout=HTTP_TIMEOUT)
    finally:
        code = server.stop()

    assert f"{server.url}/webex" in "\n".join(lines)
    assert f"{server.url}/_sandbox" in "\n".join(lines)
    assert lines[-1] == f"campaign-sandbox ready on {server.url}"
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert health.json()["storage"] == "memory"
    assert code == 0


@pytest.mark.live
def test_a_campaign_survives_a_restart_on_the_same_data_dir(
    start_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = start_server("--data-dir", str(data_dir))
    campaign_id = create_campaign(first)
    # Stopped at once (likely before the change log's next commit): shutdown folds everything into the one file.
    assert first.stop() == 0
    assert [entry.name for entry in data_dir.iterdir()] == ["sandbox.json"]

    second = start_server("--data-dir", str(data_dir))
    response = get_campaign(second, campaign_id)

    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Survives restarts"
    assert response.json()["id"] == campaign_id
    again = requests.post(f"{second.url}/webex/v1/campaigns", json=CAMPAIGN, headers=AUTH, timeout=HTTP_TIMEOUT)
    assert again.status_code == 409  # the name index came back too
    assert second.stop() == 0


@pytest.mark.live
def test_memory_mode_forgets_everything_on_restart(start_server: Callable[..., ServerProcess], tmp_path: Path) -> None:
    first = start_server("--memory")
    campaign_id = create_campaign(first)
    assert get_campaign(first, campaign_id).status_code == 200
    assert first.stop() == 0

    second = start_server("--memory")
    response = get_campaign(second, campaign_id)

    assert response.status_code == 404
    assert response.json()["code"] == 404
    assert list(tmp_path.iterdir()) == []
    assert second.stop() == 0


@pytest.mark.live
def test_memory_and_data_dir_together_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", "--memory", "--data-dir", str(tmp_path / "x")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )

    assert result.returncode == 2
    assert "--memory and --data-dir" in result.stderr
    assert "ready" not in result.stdout
    assert not (tmp_path / "x").exists()


def console_script() -> str:
    script = Path(sys.executable).with_name("campaign-sandbox")
    found = str(script) if script.exists() else shutil.which("campaign-sandbox")
    assert found, "the campaign-sandbox command is not installed (pip install -e .)"
    return found


@pytest.mark.live
@pytest.mark.parametrize("entry", ["script", "module"])
def test_help_lists_the_serve_options(entry: str) -> None:
    command = [console_script()] if entry == "script" else [sys.executable, "-m", "sandbox"]

    top = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=START_TIMEOUT)
    serve_help = subprocess.run([*command, "serve", "--help"], capture_output=True, text=True, timeout=START_TIMEOUT)

    assert top.returncode == 0
    assert "serve" in top.stdout
    assert serve_help.returncode == 0
    for option in ("--host", "--port", "--memory", "--data-dir", "--fixtures"):
        assert option in serve_help.stdout
