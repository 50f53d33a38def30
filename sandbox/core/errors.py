"""Errors as data: catalogue entries and the exception that carries one to the vendor's renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CatalogueEntry:
    """One documented failure: the HTTP status, the vendor's own code and its message."""

    name: str
    status: int
    code: int | str
    message: str
    source: str = "[decided]"


class Catalogue(dict[str, CatalogueEntry]):
    """A vendor's documented failures, by name (what scenarios and validation both refer to)."""

    def __init__(self, vendor: str, entries: list[CatalogueEntry]) -> None:
        super().__init__((entry.name, entry) for entry in entries)
        self.vendor = vendor


@dataclass
class VendorError(Exception):
    """Raised anywhere in a request; rendered once, in the vendor's envelope, by the vendor's renderer.

    ``description`` overrides the catalogue message (used by catch-all entries such as a validation
    failure); ``detail`` explains the cause without changing the vendor's body (sent as a header and
    kept in the journal).
    """

    vendor: str
    entry: CatalogueEntry
    description: str | None = None
    detail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.description or self.entry.message)

    @property
    def message(self) -> str:
        return self.description or self.entry.message


class ControlError(Exception):
    """A failure of the sandbox's own control API, answered as ``{"error", "message"}``."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def describe_validation(messages: Any, prefix: str = "") -> str:
    """marshmallow's nested error messages as one readable line: ``field.sub: message; ...``."""
    if isinstance(messages, dict):
        return "; ".join(
            describe_validation(value, "" if key == "_schema" else f"{prefix}{key}.") for key, value in messages.items()
        )
    if isinstance(messages, list):
        return "; ".join(describe_validation(value, prefix) for value in messages)
    return f"{prefix.rstrip('.')}: {messages}" if prefix else str(messages)
