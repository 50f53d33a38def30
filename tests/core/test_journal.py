"""sandbox.core.journal: bounded in entries and in bytes, secrets masked, memory handed back on clear."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest

from sandbox.core import journal, memory
from sandbox.core.journal import REDACTED, Journal, redact


def entry(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "time": "2030-01-01T00:00:00+00:00",
        "tenant": "t",
        "vendor": "zexa",
        "operation": "create",
        "method": "POST",
        "path": "/v1/campaigns",
        "query": "",
        "status": 201,
        "scenario_rule": None,
        "detail": None,
        "request_body": "",
        "response_body": "",
    }
    fields.update(overrides)
    return fields


def test_the_journal_is_bounded_in_bytes_as_well_as_entries() -> None:
    journal = Journal(capacity=1000, body_cap=4096, max_bytes=100_000)
    for number in range(200):
        journal.record(**entry(request_body=journal.cap("x" * 4000), path=f"/{number}"))

    entries, size = journal.size
    assert size <= 100_000
    assert 20 <= entries < 30  # about 4.4 KB each
    kept = journal.query({})
    assert [e.path for e in kept] == [f"/{n}" for n in range(200 - entries, 200)]  # the newest, in order


def test_the_entry_bound_still_holds_for_small_entries() -> None:
    journal = Journal(capacity=10, max_bytes=10_000_000)
    for number in range(25):
        journal.record(**entry(path=f"/{number}"))

    assert [e.path for e in journal.query({})] == [f"/{n}" for n in range(15, 25)]


def test_clear_releases_the_bytes_it_held() -> None:
    journal = Journal(capacity=5000, max_bytes=64 * 1024 * 1024)
    for number in range(3000):
        journal.record(**entry(tenant="a" if number % 2 else "b", response_body=journal.cap("y" * 4000)))
    assert journal.size[1] > 10_000_000

    assert journal.clear({"tenant": "a"}) == 1500
    assert 5_000_000 < journal.size[1] < 7_000_000
    assert journal.clear({}) == 1500


def test_a_clear_that_frees_much_hands_the_memory_back_to_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[float] = []
    monkeypatch.setattr(memory, "release", lambda at_most_every=0.0: released.append(at_most_every))
    journal = Journal(capacity=5000, max_bytes=64 * 1024 * 1024)
    for _ in range(10):
        journal.record(**entry(response_body=journal.cap("y" * 4000)))

    journal.clear({})  # 44 KB: not worth a trim
    assert released == []

    for _ in range(1000):
        journal.record(**entry(response_body=journal.cap("y" * 4000)))
    journal.clear({})  # 4.4 MB: freed heap pages go back (RSS falls, as the issue asked of a cleared journal)
    assert released == [0.0]
    assert journal.size == (0, 0)


SECRETS = [
    ('{"url": "https://h/x", "secret": "whsec_abc"}', "whsec_abc"),
    ('{"client_secret": "cs-1", "grant_type": "client_credentials"}', "cs-1"),
    ('{"data": [{"apiKey": "k-123", "name": "n"}]}', "k-123"),
    ('{"nested": {"Access-Token": "tok-9"}}', "tok-9"),
    ('{"password": "hunter2"}', "hunter2"),
    ("grant_type=password&username=u&password=hunter2", "hunter2"),
    ("api_key=k-77&page=2", "k-77"),
    ("token=abc;other=1", "abc"),
]


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_secret_values_are_masked(text: str, secret: str) -> None:
    masked = redact(text)

    assert secret not in masked
    assert REDACTED in masked


def test_text_without_secrets_is_kept_as_it_came() -> None:
    body = '{ "name" : "Weekend Sale",  "keywords": ["a"], "event-key": 5 }'

    assert redact(body) == body
    assert redact("page=2&size=10") == "page=2&size=10"


def test_masked_json_stays_json_with_its_other_fields() -> None:
    masked = json.loads(redact('{"id": "wh_1", "secret": "whsec_x", "events": ["*"], "token": null}'))

    assert masked == {"id": "wh_1", "secret": REDACTED, "events": ["*"], "token": None}


def test_recorded_bodies_and_query_strings_hold_no_secret() -> None:
    journal = Journal()
    journal.record(
        **entry(
            query="api_key=k-77&page=1",
            request_body=journal.cap('{"url": "https://h", "password": "p-1"}'),
            response_body=journal.cap(b'{"id": "wh_1", "secret": "whsec_live"}'),
        )
    )

    (kept,) = journal.query({})
    assert "k-77" not in kept.query and "p-1" not in kept.request_body and "whsec_live" not in kept.response_body


def test_a_short_body_kept_as_received_is_shown_as_a_capped_one_would_be() -> None:
    journal = Journal(body_cap=60)
    bodies = [
        b'{"name": "Ada", "password": "p-1"}',  # masked when shown
        b'{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7"}',  # no secret: shown as received
        b'{"token":"t","x":"' + b"y" * 30 + b'"}',  # masked, it is written out again longer than the cap
        "caf\u00e9 \U0001f600".encode() + b"\xff",  # not all UTF-8
        b"",
    ]
    for body in bodies:
        journal.record(**entry(request_body=body, response_body=body))
    for body, kept in zip(bodies, journal.query({}), strict=True):
        assert journal.show(kept)["request_body"] == journal.cap(body)
        assert journal.show(kept)["response_body"] == journal.cap(body)
    kinds = [type(kept.request_body) for kept in journal.query({})]
    # Kept as received only where masking could change nothing; a secret is masked before it is kept.
    assert kinds == [str, bytes, str, str, bytes]
    long = b'{"secret": "s-1", "pad": "' + b"z" * 100 + b'"}'
    journal.record(**entry(request_body=long, response_body=""))
    kept = journal.query({})[-1]
    assert isinstance(kept.request_body, str) and "s-1" not in kept.request_body  # capped (and masked) at once
    assert journal.show(kept)["request_body"] == journal.cap(long)


@pytest.mark.parametrize(
    "body",
    [
        b'{"url": "https://h", "password": "p-1"}',
        b'{"id": "wh_1", "secret": "p-1"}',
        b'{"api\\u004bey": "p-1"}',  # the name hidden in an escape
        '{"to\u212aen": "p-1"}'.encode(),  # a Kelvin sign, which str.lower() folds to k
        b'{"nested": [{"X-Access-Token": "p-1"}]}',
    ],
)
def test_a_secret_in_a_short_body_is_never_kept_not_even_until_it_is_read(body: bytes) -> None:
    journal = Journal()
    journal.record(**entry(request_body=body, response_body=body))

    (kept,) = journal.query({})
    assert b"p-1" not in repr(tuple(kept)).encode() and "p-1" not in repr(tuple(kept))
    assert REDACTED in kept.request_body and REDACTED in kept.response_body


def test_the_fast_secret_check_on_bytes_finds_what_the_name_pattern_finds() -> None:
    # may_hold_secret runs on every recorded body, so it folds the letters instead of running this pattern (a
    # secret's letters in order, only non-letters between); both must agree on every ASCII text (seeded random
    # texts built from pieces of secret names and separators).
    pattern = re.compile("|".join("[^a-z]*".join(word) for word in journal._SECRET_WORDS).encode())
    pieces = [b"pass", b"word", b"_", b"-", b'"', b"Sec", b"ret", b"tok", b"En", b"api", b"KEY", b"x", b"1", b" ",
              b"Authorization", b"cred", b"ential", b"priv", b"ate", b"key", b"phrase", b"a", b":"]  # fmt: skip
    chooser = random.Random(7)
    for _ in range(20_000):
        text = b"".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 8)))
        assert journal.may_hold_secret(text) == (pattern.search(text.lower()) is not None), text
