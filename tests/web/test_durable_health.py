"""/_sandbox/health on a data dir whose disk fails: degraded with the reason, then ok again, nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from disk_helpers import FullDisk
from webex_helpers import CAMPAIGNS, auth, campaign_body

from sandbox.app import create_app
from sandbox.config import Config


def test_a_failing_disk_shows_in_health_and_later_writes_of_other_tenants_are_kept(
    tmp_path: Path, full_disk: FullDisk, fresh_key: Callable[[str], str]
) -> None:
    app = create_app(Config(memory=False, data_dir=tmp_path, persist_commit_seconds=60))
    client = app.test_client()
    sandbox = app.extensions["sandbox"]
    full_disk.fill()
    first, second = fresh_key("webex"), fresh_key("webex")
    assert client.post(CAMPAIGNS, json=campaign_body(name="before"), headers=auth(first)).status_code == 200
    with pytest.raises(OSError):
        sandbox.store.flush()

    health = client.get("/_sandbox/health").json
    assert health["status"] == "degraded" and "No space left on device" in health["problem"]
    assert client.post(CAMPAIGNS, json=campaign_body(name="during"), headers=auth(second)).status_code == 200

    full_disk.free()
    sandbox.store.flush()
    assert client.get("/_sandbox/health").json["status"] == "ok"
    sandbox.close()

    reopened = create_app(Config(memory=False, data_dir=tmp_path)).test_client()
    assert [c["name"] for c in reopened.get(CAMPAIGNS, headers=auth(first)).json] == ["before"]
    assert [c["name"] for c in reopened.get(CAMPAIGNS, headers=auth(second)).json] == ["during"]
    reopened.application.extensions["sandbox"].close()
