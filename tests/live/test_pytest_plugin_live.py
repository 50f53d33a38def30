"""The pytest plugin as a user's suite meets it: a live server that stops at once, and freezegun beside it."""

from __future__ import annotations

import re

import pytest

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


def durations(pytester: pytest.Pytester, source: str) -> dict[str, float]:
    pytester.makepyfile(test_user=source)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--durations=0", "-vv", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    found = re.findall(r"^([\d.]+)s (setup|call|teardown)\s", result.stdout.str(), re.MULTILINE)
    return {phase: float(seconds) for seconds, phase in found}


def test_a_live_sandbox_server_stops_in_under_a_tenth_of_a_second(pytester: pytest.Pytester) -> None:
    assert durations(pytester, SERVER_TEST)["teardown"] < 0.1


def test_freezegun_leaves_pytests_own_timing_real(pytester: pytest.Pytester) -> None:
    measured = durations(pytester, FROZEN_TEST)
    assert 0.05 <= measured["call"] < 5  # the real sleep, not the frozen moment's years
    assert measured.get("setup", 0.0) < 5
