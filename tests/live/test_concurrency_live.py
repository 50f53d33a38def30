"""Concurrent clients on a real socket: the per-tenant rules hold under parallel requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from webex_helpers import CAMPAIGNS, EVENTS, auth, campaign_body, seed_event_example

pytestmark = pytest.mark.live


def test_parallel_creates_of_one_name_give_exactly_one_campaign(sandbox_server):
    url = f"{sandbox_server.url}{CAMPAIGNS}"
    body = campaign_body(name="race")
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(
            pool.map(lambda _: requests.post(url, json=body, headers=auth(), timeout=10).status_code, range(32))
        )
    assert sorted(statuses) == [200] + [409] * 31
    listed = requests.get(url, headers=auth(), timeout=10).json()
    assert [campaign["name"] for campaign in listed] == ["race"]


def test_parallel_tenants_and_events_stay_apart(sandbox_server):
    def work(index: int) -> tuple[int, int]:
        key = f"parallel-tenant-key-{index:03d}"
        session = requests.Session()
        created = 0
        for n in range(5):
            response = session.post(
                f"{sandbox_server.url}{CAMPAIGNS}", json=campaign_body(name=f"c{n}"), headers=auth(key), timeout=10
            )
            created += response.status_code == 200
        session.post(f"{sandbox_server.url}{EVENTS}", json=seed_event_example(), headers=auth(key), timeout=10)
        listed = session.get(f"{sandbox_server.url}{CAMPAIGNS}", headers=auth(key), timeout=10).json()
        return created, len(listed)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(16)))
    assert results == [(5, 5)] * 16
    journal = requests.get(f"{sandbox_server.url}/_sandbox/requests?operation=trigger_event", timeout=10).json()
    assert journal["total"] == 16
    assert len({entry["tenant"] for entry in journal["requests"]}) == 16
