"""The pytest plugin as a user's suite meets it (run by pytester in a subprocess, as a separate project would)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from live_helpers import HTTP_TIMEOUT, ServerProcess

pytestmark = pytest.mark.live  # the plugin's sandbox_server listens on a real socket

SERVER_TEST = """
import requests

def test_health(sandbox_server):
    assert requests.get(sandbox_server.url + "/_sandbox/health", timeout=5).status_code == 200
"""

FROZEN_TEST = """
import time
import pytest
from freezegun import freeze_time

@pytest.fixture
def frozen():
    with freeze_time("2031-05-01 12:00:00"):
        yield

def test_frozen(frozen, sandbox_client):
    time.sleep(0.05)
    assert sandbox_client.get("/_sandbox/clock").get_json()["now"].startswith("2031-05-01")
"""


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real `campaign-sandbox serve`, as a team would run for its suites."""
    server = ServerProcess("--memory", cwd=tmp_path_factory.mktemp("shared"))
    server.wait_ready()
    yield server
    server.kill()


def plugin_keys(url: str, vendor: str) -> dict[str, str]:
    """The keys the plugin's ``sandbox`` fixture made on that server, and their tenants (kept by a tenant reset)."""
    response = requests.get(f"{url}/_sandbox/credentials", params={"vendor": vendor}, timeout=HTTP_TIMEOUT)
    found = response.json()["credentials"]
    return {str(c["secret"]): str(c["tenant"]) for c in found if str(c["secret"]).startswith("pytest-")}


@pytest.fixture
def run_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the user's suite in a subprocess with only this plugin (and xdist) loaded: the environment's other
    plugins (schemathesis, hypothesis...) cost seconds per run. The entry point itself is used by the teardown test.
    """
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(*args: str) -> pytest.RunResult:
        plugins = ["-p", "sandbox.pytest_plugin", *(["-p", "xdist.plugin"] if "-n" in args else [])]
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", *plugins, *args)

    return run


def durations(pytester: pytest.Pytester, source: str) -> dict[str, float]:
    pytester.makepyfile(test_user=source)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--durations=0", "-vv", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    found = re.findall(r"^([\d.]+)s (setup|call|teardown)\s", result.stdout.str(), re.MULTILINE)
    return {phase: float(seconds) for seconds, phase in found}


def test_a_live_sandbox_server_stops_in_under_a_tenth_of_a_second(pytester: pytest.Pytester) -> None:
    assert durations(pytester, SERVER_TEST)["teardown"] < 0.1


def test_freezegun_leaves_pytests_own_timing_real(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("PYTEST_PLUGINS", "sandbox.pytest_plugin")
    measured = durations(pytester, FROZEN_TEST)
    assert 0.05 <= measured["call"] < 5  # the real sleep, not the frozen moment's years
    assert measured.get("setup", 0.0) < 5


def test_one_server_per_session_is_started_once(pytester: pytest.Pytester, run_suite: Any) -> None:
    pytester.makepyfile(
        test_user="""
        SEEN = []

        def test_first(sandbox_server):
            SEEN.append((sandbox_server.url, id(sandbox_server.app)))

        def test_second(sandbox_server, sandbox):
            SEEN.append((sandbox_server.url, id(sandbox_server.app)))
            assert SEEN[0] == SEEN[1]
            assert sandbox_server.url.startswith("http://127.0.0.1:")
            assert sandbox.url == sandbox_server.url
        """
    )
    run_suite().assert_outcomes(passed=2)


def test_without_a_shared_url_each_xdist_worker_starts_one_server_once(
    pytester: pytest.Pytester, run_suite: Any
) -> None:
    seen = pytester.path / "seen.txt"
    pytester.makepyfile(
        test_user=f"""
        import os
        import pytest

        @pytest.mark.parametrize("n", range(8))
        def test_worker(sandbox_server, sandbox, n):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            with open({str(seen)!r}, "a") as out:
                out.write(f"{{worker}} {{sandbox_server.url}} {{id(sandbox_server.app)}}\\n")
            sandbox.advance(1)
        """
    )
    run_suite("-n", "2").assert_outcomes(passed=8)

    servers: dict[str, set[str]] = {}
    for line in seen.read_text(encoding="utf-8").splitlines():
        worker, url, app = line.split()
        servers.setdefault(worker, set()).add(f"{url} {app}")
    assert sorted(servers) == ["gw0", "gw1"], servers
    assert all(len(started) == 1 for started in servers.values()), servers  # once per worker
    assert servers["gw0"] != servers["gw1"]  # a server of its own each


SHARED_TEST = """
import requests

def test_on_the_shared_server(sandbox_server, sandbox):
    assert sandbox_server.url == "{url}" and sandbox_server.app is None
    body = {{"name": "From a user suite", "categoryId": "Others", "notifications": [{{"emailId": "a@example.com"}}],
            "alertsettings": [{{"alertType": "N0002"}}]}}
    created = requests.post(sandbox.vendor_url("webex") + "/v1/campaigns", json=body, headers=sandbox.headers("webex"))
    assert created.status_code == 200, created.text
    assert [e["operation"] for e in sandbox.journal()] == ["create_campaign"]
"""


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_shared_server_named_by_option_or_environment_is_used(
    pytester: pytest.Pytester, run_suite: Any, shared_server: ServerProcess, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    pytester.makepyfile(test_user=SHARED_TEST.format(url=shared_server.url))
    before = plugin_keys(shared_server.url, "webex")
    if how == "option":
        result = run_suite(f"--sandbox-url={shared_server.url}/")
    else:
        monkeypatch.setenv("CAMPAIGN_SANDBOX_URL", shared_server.url)
        result = run_suite()
    result.assert_outcomes(passed=1)
    made = set(plugin_keys(shared_server.url, "webex").items()) - set(before.items())
    assert len(made) == 1 and next(iter(made))[1].startswith("key-")  # the test's key reached the shared server


HANDLE_TEST = """
import requests

SALE = {"name": "Sale", "channel": "sms", "contact_list_id": "lst_abc123", "sender_id": "MYBRAND", "body": "Hi"}
EVENT = {"event-id": "evt_14296935520105", "event-key": "1", "event-params": {"account": "1"}}


def zexa(sandbox, method, path, **kwargs):
    url = sandbox.vendor_url("zexa") + "/v1" + path
    return requests.request(method, url, headers=sandbox.headers("zexa"), **kwargs)


def test_the_sandbox_fixture(sandbox):
    assert sandbox.tenant.startswith("key-") and sandbox.credential("zexa") == sandbox.key
    assert sandbox.headers("infobip") == {"Authorization": "App " + sandbox.key}
    created = zexa(sandbox, "POST", "/campaigns", json=SALE).json()
    assert sandbox.status("zexa.campaign", created["id"]) == "processing"
    start = sandbox.now()
    answer = sandbox.advance(60)
    assert answer["transitions"] > 0 and (sandbox.now() - start).total_seconds() >= 60
    assert sandbox.status("zexa.campaign", created["id"]) == "completed"
    assert sandbox.record("zexa.campaign", created["id"])["history"][-1]["state"] == "completed"

    assert sandbox.activate("webex-bad-gateway") == ["webex-bad-gateway"]
    events = sandbox.vendor_url("webex") + "/campaignapi/resources/v3/events"
    assert requests.post(events, json=EVENT, headers=sandbox.headers("webex")).status_code == 502
    assert sandbox.deactivate() == []
    assert requests.post(events, json=EVENT, headers=sandbox.headers("webex")).status_code == 200

    assert sandbox.lifecycle("zexa.campaign", mode="immediate")["mode"] == "immediate"
    assert zexa(sandbox, "POST", "/campaigns", json=SALE).json()["status"] == "completed"
    assert sandbox.settings("zexa", failure_rate=1)["failure_rate"] == 1
    assert [e["operation"] for e in sandbox.journal(vendor="zexa")] == ["create_campaign", "create_campaign"]
    assert len(sandbox.journal(status=502)) == 1

    sandbox.reset()
    assert zexa(sandbox, "GET", "/campaigns").json()["data"] == []
    assert sandbox.settings("zexa")["failure_rate"] == 0
"""


def test_the_sandbox_fixture_is_the_tests_own_tenant_and_its_helpers(pytester: pytest.Pytester, run_suite: Any) -> None:
    pytester.makepyfile(test_user=HANDLE_TEST)
    run_suite().assert_outcomes(passed=1)


XDIST_TEST = """
import os
import pytest
import requests

BODY = {"name": "The same name in every test", "categoryId": "Others",
        "notifications": [{"emailId": "a@example.com"}], "alertsettings": [{"alertType": "N0002"}]}
EVENT = {"event-id": "evt_14296935520105", "event-key": "1", "event-params": {"account": "1"}}


@pytest.mark.parametrize("n", range(16))
def test_worker(sandbox, n):
    webex = sandbox.vendor_url("webex")
    created = requests.post(webex + "/v1/campaigns", json=BODY, headers=sandbox.headers("webex"))
    assert created.status_code == 200, created.text  # a shared tenant would answer 409 to the second test
    if n % 2:
        sandbox.activate("webex-bad-gateway")
    sandbox.advance(3600 * (n + 1))
    status = requests.post(webex + "/campaignapi/resources/v3/events", json=EVENT, headers=sandbox.headers("webex"))
    assert status.status_code == (502 if n % 2 else 200)
    offset = requests.get(sandbox.url + "/_sandbox/clock", params={"credential": sandbox.key}).json()["offset_seconds"]
    assert offset == 3600 * (n + 1)  # its own advances only
    listed = requests.get(webex + "/v1/campaigns", headers=sandbox.headers("webex")).json()
    assert [c["name"] for c in listed] == [BODY["name"]]
    assert [e["operation"] for e in sandbox.journal()] == ["create_campaign", "trigger_event", "list_campaigns"]
    print("worker", os.environ.get("PYTEST_XDIST_WORKER"), sandbox.tenant)
"""


def test_four_xdist_workers_share_one_server_without_interference(
    pytester: pytest.Pytester, run_suite: Any, shared_server: ServerProcess
) -> None:
    pytester.makepyfile(test_user=XDIST_TEST)
    before = plugin_keys(shared_server.url, "webex")

    result = run_suite("-n", "4", f"--sandbox-url={shared_server.url}")

    result.assert_outcomes(passed=16)
    assert re.search(r"\b4 workers\b", result.stdout.str()), result.stdout.str()
    made = {key: tenant for key, tenant in plugin_keys(shared_server.url, "webex").items() if key not in before}
    assert len(set(made.values())) == 16  # sixteen tenants, all on the one server


def test_session_scoped_overrides_and_fixtures_need_no_function_scope(
    pytester: pytest.Pytester, run_suite: Any
) -> None:
    pytester.makeconftest(
        """
        import pytest
        from sandbox.config import Config

        @pytest.fixture(scope="session")
        def sandbox_config():
            return Config(memory=True, seed=99, strict=True)

        @pytest.fixture(scope="session")
        def api_base(sandbox_server):
            return sandbox_server.vendor_url("webex")
        """
    )
    pytester.makepyfile(
        test_user="""
        import requests

        def test_strict_from_the_override(api_base):
            response = requests.get(api_base + "/v1/campaigns", headers={"Authorization": "Bearer unknown-key-123"})
            assert response.status_code == 401
        """
    )
    result = run_suite()
    result.assert_outcomes(passed=1)
    assert "ScopeMismatch" not in result.stdout.str()


def test_the_sandbox_mock_fixture(pytester: pytest.Pytester, run_suite: Any) -> None:
    pytester.makepyfile(
        test_user="""
        import httpx
        import requests

        def my_client_creates(key):
            body = {"name": "Sale", "channel": "sms", "contact_list_id": "lst_abc123", "sender_id": "MYBRAND",
                    "body": "Hi"}
            return requests.post("https://api.zexa.ao/v1/campaigns", json=body,
                                 headers={"Authorization": "Bearer " + key}).json()

        def test_code_under_test_runs_unchanged(sandbox_mock):
            created = my_client_creates("the-apps-configured-key")
            sandbox_mock.advance(60)
            read = httpx.get("https://api.zexa.ao/v1/campaigns/" + created["id"],
                             headers={"Authorization": "Bearer the-apps-configured-key"})
            assert read.json()["status"] == "completed"
            assert sandbox_mock.status("zexa.campaign", created["id"]) == "completed"
        """
    )
    run_suite().assert_outcomes(passed=1)
