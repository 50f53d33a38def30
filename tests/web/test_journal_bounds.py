"""The journal through the app: secrets never kept, bounded in bytes, released on clear."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, auth, campaign_body
from zexa_helpers import WEBHOOKS
from zexa_helpers import auth as zexa_auth

from sandbox.core.journal import REDACTED
from sandbox.core.sandbox import Sandbox


def test_a_webhook_secret_is_answered_once_and_never_journaled(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    created = client.post(WEBHOOKS, json={"url": "https://hooks.example.ao/z", "events": ["*"]}, headers=zexa_auth(key))
    secret = created.get_json()["secret"]

    journal = client.get("/_sandbox/requests", query_string={"credential": key}).get_data(as_text=True)

    assert secret.startswith("whsec_") and secret not in journal
    assert REDACTED in journal


def test_the_journal_stays_within_its_bytes_and_clearing_it_releases_them(
    client: FlaskClient, sandbox: Sandbox, fresh_key: Callable[[str], str]
) -> None:
    sandbox.journal.max_bytes = 200_000
    key = fresh_key("webex")
    try:
        for number in range(120):
            body = campaign_body(name=f"n{number}", businessStakeHolder="x" * 3000)
            client.post(CAMPAIGNS, json=body, headers=auth(key))
        entries, size = sandbox.journal.size
        assert size <= 200_000 and entries < 120

        assert client.delete("/_sandbox/requests").get_json()["deleted"] == entries
        assert sandbox.journal.size == (0, 0)
    finally:
        sandbox.journal.max_bytes = sandbox.config.journal_max_bytes
