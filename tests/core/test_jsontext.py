"""Strict JSON in and out: orjson's fast way and the standard library's agree on what is taken and what refused."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest

from sandbox.core import jsontext
from sandbox.core.jsontext import NotText, Unstorable


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b'{"name":"caf\xc3\xa9","n":1,"f":1.5,"ok":true,"none":null,"list":[1,{"a":"b"}]}', None),
        (b'{"phone":"12345678901234567890"}', {"phone": "12345678901234567890"}),  # long digits in a string
        (b'{"n":9223372036854775807}', {"n": 2**63 - 1}),  # the largest integer kept
        (b'{"n":-9223372036854775808}', {"n": -(2**63)}),
        (b'{"text":"\\ud83d\\ude00"}', {"text": "\U0001f600"}),  # a surrogate pair is text
        ('{"a":1}'.encode("utf-16"), {"a": 1}),  # JSON's other encodings, as before
        (b'\xef\xbb\xbf{"a":1}', {"a": 1}),  # a UTF-8 byte order mark
    ],
)
def test_bodies_read_as_the_standard_library_reads_them(raw: bytes, value: Any) -> None:
    expected = value if value is not None else json.loads(raw)
    assert jsontext.loads(raw) == expected


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b'{"n":9223372036854775808}', "64-bit"),  # orjson alone would read it as an unsigned integer
        (b'{"n":18446744073709551616}', "64-bit"),  # ... and this one as a float
        (b'{"n":-9223372036854775809}', "64-bit"),
        (b'{"n":1e400}', "out of range"),
        (b'{"n":NaN}', "NaN is not valid JSON"),
        (b'{"s":"\xed\xa0\x80"}', "not UTF-8"),  # a surrogate sent as raw bytes
        (b'{"s":"\\ud800"}', "lone UTF-16 surrogate"),
        (b'{"a":1,}', "not valid JSON"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    ],
)
def test_bodies_refused_with_the_reason(raw: bytes, why: str) -> None:
    with pytest.raises(NotText, match=why):
        jsontext.loads(raw)


def test_a_record_is_encoded_and_read_back_as_a_private_copy() -> None:
    record = {"id": "1", "nested": {"list": [1, 2.5, None, True]}, "name": "café"}
    encoded, copy = jsontext.encode(record)
    assert encoded == '{"id":"1","nested":{"list":[1,2.5,null,true]},"name":"café"}'.encode()
    assert copy == record and copy is not record and copy["nested"] is not record["nested"]


def test_values_orjson_writes_differently_take_the_standard_librarys_way() -> None:
    assert jsontext.encode({"pair": (1, 2)}) == (b'{"pair":[1,2]}', {"pair": [1, 2]})
    assert jsontext.encode({1: "a"}) == (b'{"1":"a"}', {"1": "a"})  # a non-string key becomes a string
    with pytest.raises(Unstorable):
        jsontext.encode({"x": math.nan})  # orjson would write null
    with pytest.raises(Unstorable):
        jsontext.encode({"when": datetime(2026, 1, 1, tzinfo=UTC)})  # orjson would write a string
    assert jsontext.encode({"n": 2**70})[1] == {"n": 2**70}  # past orjson's 64 bits, as the store kept it before
    with pytest.raises(Unstorable):
        jsontext.encode({"n": 10**5000})  # too long to print
    with pytest.raises(Unstorable, match="surrogate"):
        jsontext.encode({"s": "\ud800"})
