"""sandbox.core.webhook_targets: where webhooks may go, at registration and, resolved again, at every delivery.

Names are resolved by a stub here: nothing is looked up or sent beyond this machine; the one real POST goes to
a loopback receiver.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from live_helpers import receiver

from sandbox.core.webhook_targets import Refused, WebhookPolicy

OWN = ("127.0.0.1", 8700)


def stub(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in table:
            raise OSError(f"{host}: no such name (stub)")
        return table[host]

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


def policy(table: dict[str, list[str]] | None = None, **options: object) -> WebhookPolicy:
    return WebhookPolicy(resolve=stub(table or {}), own=OWN, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:9000/h",
        "http://127.0.0.5/h",
        "http://[::1]:8080/h",
        "http://10.0.0.1/h",
        "http://172.16.4.2:3000/h",
        "http://192.168.1.5/h",
        "http://[fd12:3456::1]/h",
        "http://receiver:8080/hooks",  # a docker-compose or CI service
        "http://hooks.internal/h",
        "https://hooks.example.ao/zexa",
        "https://93.184.216.34/h",
        "http://127.0.0.1:8701/h",  # the sandbox's address, another port
    ],
)
def test_loopback_private_and_single_label_over_http_and_anything_over_https_is_registered(url: str) -> None:
    checked = policy()

    checked.check(url)

    assert checked.resolve.asked == []  # type: ignore[attr-defined]  # registering looks no name up


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("https://169.254.10.1/h", "link-local"),
        ("https://[fe80::1]/h", "link-local"),
        ("https://[fd00:ec2::254]/latest", "metadata"),
        ("https://[::ffff:169.254.169.254]/h", "link-local"),
        ("https://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://metadata.google.internal./computeMetadata/v1/", "metadata"),
        ("https://100.100.100.200/latest", "metadata"),
        ("http://0.0.0.0:8080/h", "not an address"),
        ("https://224.0.0.1/h", "not an address"),
        ("http://127.0.0.1:8700/_sandbox/reset", "the sandbox itself"),
        ("http://localhost:8700/_sandbox/reset", "the sandbox itself"),
        ("http://hooks.example.ao/zexa", "HTTPS"),
        ("http://93.184.216.34/h", "HTTPS"),
        ("ftp://127.0.0.1/x", "HTTPS"),
    ],
)
def test_link_local_metadata_the_sandbox_and_public_http_are_refused(url: str, why: str) -> None:
    with pytest.raises(Refused, match=why.replace("(", r"\(").replace(")", r"\)")):
        policy().check(url)


def test_a_sandbox_on_every_interface_refuses_its_own_port_on_this_machine() -> None:
    everywhere = WebhookPolicy(own=("0.0.0.0", 8700), resolve=stub({}))

    with pytest.raises(Refused, match="the sandbox itself"):
        everywhere.check("http://127.0.0.1:8700/_sandbox/reset")
    everywhere.check("http://127.0.0.1:9000/h")


@pytest.mark.parametrize(
    ("allow", "url"),
    [
        ("169.254.0.0/16", "http://169.254.10.10/h"),
        ("169.254.169.254", "https://169.254.169.254/latest"),
        ("*.public.example", "http://hooks.public.example/h"),
        ("metadata.google.internal", "https://metadata.google.internal/x"),
    ],
)
def test_webhook_allow_widens_the_policy(allow: str, url: str) -> None:
    with pytest.raises(Refused):
        policy().check(url)

    policy(allow=[allow]).check(url)


# -- at delivery: resolved again, connected to what was checked -----------------------------------------------------
def test_a_name_rebound_to_a_metadata_address_after_registration_is_refused_at_delivery() -> None:
    table = {"hooks.example.ao": ["93.184.216.34"]}
    rebinding = policy(table)
    rebinding.check("https://hooks.example.ao/zexa")  # registered
    table["hooks.example.ao"] = ["169.254.169.254"]  # then the name moves

    status, error, retry = rebinding.post("https://hooks.example.ao/zexa", b"{}", {}, timeout=1)

    assert (status, retry) == (None, False)
    assert error is not None and "refused by the webhook policy" in error and "169.254.169.254" in error


@pytest.mark.parametrize("rebound", ["127.0.0.1", "::1"])
def test_a_name_that_resolves_to_the_sandbox_at_delivery_is_refused(rebound: str) -> None:
    status, error, retry = policy({"receiver": [rebound]}).post("http://receiver:8700/_sandbox/reset", b"{}", {}, 1)

    assert (status, retry) == (None, False)
    assert error is not None and "the sandbox itself" in error


def test_a_name_that_does_not_resolve_at_delivery_is_retried() -> None:
    status, error, retry = policy().post("http://receiver:9000/h", b"{}", {}, timeout=1)

    assert (status, retry) == (None, True)
    assert error is not None and "does not resolve" in error


def test_the_post_goes_to_the_address_just_checked_with_the_name_as_host() -> None:
    with receiver() as hook:
        port = int(hook.url.split(":")[2].split("/")[0])
        pinned = policy({"receiver": ["127.0.0.1"]})

        status, error, _ = pinned.post(f"http://receiver:{port}/hooks/zexa?x=1", b'{"a":1}', {"X-Test": "t"}, 5)

    assert (status, error) == (200, None)
    (got,) = hook.requests
    assert (got.path, got.body, got.headers["host"], got.headers["x-test"]) == (
        "/hooks/zexa?x=1",
        b'{"a":1}',
        f"receiver:{port}",
        "t",
    )
