"""Infobip credentials: the App, Basic, IBSSO and Bearer schemes, well-formed secrets, fixture keys."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from sandbox.core.auth import Headers, token68

# Infobip's four schemes [doc]. A credential's secret says which scheme it is presented with: an API key
# as it is (``App``), the others qualified, so an IBSSO token sent as an App key is not accepted:
# ``basic:<username>:<password>``, ``ibsso:<token>``, ``bearer:<token>`` [decided].
_AUTHORIZATION = re.compile(r"^\s*(App|Basic|IBSSO|Bearer)\s+(\S+)\s*$", re.IGNORECASE)
_QUALIFIED = ("ibsso:", "bearer:")


def extract_secret(headers: Headers) -> str | None:
    match = _AUTHORIZATION.match(headers.get("Authorization", ""))
    if match is None:
        return None
    scheme, value = match.group(1).lower(), match.group(2)
    if scheme == "app":
        return value
    if scheme != "basic":
        return f"{scheme}:{value}"
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "basic:"  # not well formed: answered 401 like an unknown credential
    return f"basic:{decoded}"


def well_formed(secret: str) -> bool:
    if secret.startswith("basic:"):
        username, colon, password = secret.removeprefix("basic:").partition(":")
        return bool(colon and username and password) and len(secret) <= 512 and secret.isprintable()
    for prefix in _QUALIFIED:
        if secret.startswith(prefix):
            return token68(secret.removeprefix(prefix))
    return token68(secret)


def auth_header(secret: str) -> dict[str, str]:
    """The ``Authorization`` header a client sends for a credential's secret (an API key: the App form)."""
    if secret.startswith("basic:"):
        return {"Authorization": "Basic " + base64.b64encode(secret.removeprefix("basic:").encode()).decode()}
    if secret.startswith("ibsso:"):
        return {"Authorization": "IBSSO " + secret.removeprefix("ibsso:")}
    if secret.startswith("bearer:"):
        return {"Authorization": "Bearer " + secret.removeprefix("bearer:")}
    return {"Authorization": f"App {secret}"}


def secret_of(entry: dict[str, Any]) -> str:
    """A fixture entry's secret: ``{scheme: App, key}``, ``{scheme: Basic, username, password}``,
    ``{scheme: IBSSO|Bearer, token}``."""
    scheme = str(entry.get("scheme", "App")).lower()
    if scheme == "basic":
        return f"basic:{entry['username']}:{entry['password']}"
    if scheme in ("ibsso", "bearer"):
        return f"{scheme}:{entry['token']}"
    return str(entry["key"])
