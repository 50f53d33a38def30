"""JSON as the sandbox takes it in and stores it: UTF-8 text, finite numbers, 64-bit integers, nothing else."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

# What Java and Go clients (and the vendors' own servers) read an integer into; past it a number is not an id
# or an amount but an attack on whatever converts it (a float, a datetime, a 4,300-digit string).
INT_LIMIT = 2**63

_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


# A run of digits as long as 2**63: orjson reads such integers as unsigned or as floats, so those bodies take
# the standard library's way (as does any body orjson refuses, so that the message says what is wrong).
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


class NotText(ValueError):
    """A body that is not JSON the sandbox accepts; the message says why, for an error's detail."""


class Unstorable(ValueError):
    """A value the store refuses to keep (it could not be written to disk or read back the same)."""


def _constant(token: str) -> Any:
    raise NotText(f"{token} is not valid JSON")


def _float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise NotText(f"the number {token[:40]} is out of range")
    return value


def _int(token: str) -> int:
    # Python reads at most 4,300 digits; checking the length first keeps a longer one from costing anything.
    if len(token) > 20 or not -INT_LIMIT <= int(token) < INT_LIMIT:
        raise NotText(f"the integer {token[:40]}{'...' if len(token) > 40 else ''} is out of the 64-bit range")
    return int(token)


def loads(raw: bytes | str) -> Any:
    """Parse a request body strictly, or raise ``NotText`` saying what is wrong.

    Refused, besides bad syntax: bytes that are not valid UTF-8 (a surrogate sent as raw bytes ``ED A0 80``
    included; ``json.loads`` would pass it through), lone UTF-16 surrogate escapes (``"\\ud800"``), NaN and
    Infinity, floats that overflow to infinity, integers outside 64 bits, and nesting Python cannot recurse into.
    orjson (as strict on all of these but the integers) reads the common case; the rest is read as before.
    """
    if isinstance(raw, bytes) and not _LONG_DIGITS.search(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # said below, in the standard library's words
    if isinstance(raw, bytes):
        try:
            text = raw.decode(json.detect_encoding(raw))
        except (UnicodeDecodeError, LookupError) as error:
            raise NotText(f"the body is not UTF-8 text: {error}") from None
    else:
        text = raw
    if "\\u" in text and _LONE_SURROGATE.search(text):
        raise NotText("the body has a lone UTF-16 surrogate escape (\\ud800-\\udfff), which is not text")
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except NotText:
        raise
    except RecursionError:
        raise NotText("the body is nested too deeply") from None
    except ValueError as error:
        raise NotText(f"the body is not valid JSON: {str(error)[:200]}") from None


def dumps(value: Any) -> bytes:
    """The compact UTF-8 JSON of a value the store keeps, or ``Unstorable`` saying why it cannot be kept."""
    return encode(value)[0]


def encode(value: Any) -> tuple[bytes, Any]:
    """``dumps(value)`` and the value read back from it: a private copy of plain JSON types.

    orjson first; where its JSON does not read back equal to ``value`` (NaN, which it writes as null; a tuple,
    a datetime or a non-string key, which the standard library treats otherwise) or where it refuses, the
    standard library decides, so that what is kept and what is refused stay as they were.
    """
    try:
        encoded = orjson.dumps(value)
    except TypeError:
        pass
    else:
        copy = orjson.loads(encoded)
        if copy == value:
            return encoded, copy
    encoded = _dumps(value)
    return encoded, json.loads(encoded)


def _dumps(value: Any) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        raise Unstorable("a string holds a lone UTF-16 surrogate, which is not text") from None
    except RecursionError:
        raise Unstorable("the value is nested too deeply") from None
    except (TypeError, ValueError) as error:  # NaN/Infinity, an int too long to print, a set or a datetime
        raise Unstorable(str(error)[:200]) from None


def check(value: Any) -> None:
    """Raise ``Unstorable`` unless ``value`` is plain JSON the store can keep (a parsed YAML document, say)."""
    dumps(value)


def loads_document(raw: bytes) -> Any:
    """Parse UTF-8 JSON whose numbers are checked later, with a path (a snapshot): NaN, Infinity and big
    numbers are read as such; bytes that are not UTF-8 and bad syntax raise ``NotText``."""
    try:
        text = raw.decode(json.detect_encoding(raw))
    except (UnicodeDecodeError, LookupError) as error:
        raise NotText(f"the body is not UTF-8 text: {error}") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise NotText("the body is nested too deeply") from None
    except ValueError as error:
        raise NotText(f"the body is not valid JSON: {str(error)[:200]}") from None
