"""DailyStory credentials: the Bearer and Basic ``api:<token>`` forms, well-formed tokens, fixture keys."""

from __future__ import annotations

import base64
import binascii
import re

from sandbox.core.auth import Headers

_SCHEME = re.compile(r"^\s*(\S+)\s+(\S+)\s*$")
BASIC_USER = "api"  # [doc] HTTP Basic with the user "api" and the token as the password


def _basic_token(value: str) -> str | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    user, colon, password = decoded.partition(":")
    return password if colon and user == BASIC_USER and password else None


def extract_secret(headers: Headers) -> str | None:
    """The token of ``Bearer <token>`` or of Basic ``api:<token>``; anything else is refused."""
    match = _SCHEME.match(headers.get("Authorization", ""))
    if match is None:
        return None
    scheme, value = match.group(1).lower(), match.group(2)
    if scheme == "bearer":
        return value
    if scheme == "basic":
        return _basic_token(value)
    return None


def why_refused(headers: Headers) -> str:
    """What was wrong with the Authorization header, for the X-Sandbox-Detail header."""
    header = headers.get("Authorization", "")
    if not header.strip():
        return "no Authorization header"
    match = _SCHEME.match(header)
    if match is None:
        return "the Authorization header is not '<scheme> <credentials>'"
    scheme = match.group(1).lower()
    if scheme == "basic":
        return f"Basic credentials must be base64 of '{BASIC_USER}:<token>'"
    if scheme != "bearer":
        return f"unsupported scheme {match.group(1)!r}: use Bearer or Basic"
    return "the Authorization header could not be read"
