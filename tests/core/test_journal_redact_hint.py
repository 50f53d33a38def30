"""The journal's quick look before parsing a body: it may skip a body only when no secret-named field is in it."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.core import journal
from sandbox.core.journal import REDACTED, is_secret_name, redact

# Names built from the secret words' letters, separators, digits, capitals and a few letters outside ASCII.
NAME = st.text(alphabet="apikeysecrtonwdhzlvAPIKEYST-_. 0123\u0130\u212a\u017f", min_size=1, max_size=24)


@settings(max_examples=400, deadline=None)
@given(name=NAME, ascii_only=st.booleans())
def test_every_secret_named_field_is_masked_whatever_its_spelling(name: str, ascii_only: bool) -> None:
    body = json.dumps({"other": 1, name: "the-secret"}, ensure_ascii=ascii_only)
    masked = json.loads(redact(body))
    assert masked[name] == (REDACTED if is_secret_name(name) else "the-secret")


@settings(max_examples=200, deadline=None)
@given(name=NAME)
def test_every_secret_named_query_parameter_is_masked(name: str) -> None:
    name = name.replace(" ", "").replace(".", "") or "x"
    masked = redact(f"a=1&{name}=the-secret")
    assert ("the-secret" not in masked) == is_secret_name(name)


def test_a_body_without_a_secret_name_is_not_parsed(monkeypatch: object) -> None:
    calls = []
    original = journal.json.loads

    def counting(text: str) -> object:
        calls.append(text)
        return original(text)

    monkeypatch.setattr(journal.json, "loads", counting)  # type: ignore[attr-defined]
    event = '{"event-id":"evt_14296935520105","event-key":"44839382928","event-params":{"account":"123"}}'
    assert redact(event) == event
    assert calls == []  # "event-key" holds no secret word: the body is kept as sent, unparsed
    assert json.loads(redact('{"event-params":{"apiKey":"k"}}'))["event-params"]["apiKey"] == REDACTED
    assert calls  # a name that may be secret is parsed and masked
