"""The vendors the sandbox emulates, and what each one plugs into the core."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response
from marshmallow import Schema
from werkzeug.datastructures import Headers

from sandbox.core.auth import Credential
from sandbox.core.errors import Catalogue, VendorError
from sandbox.core.machines import Machine
from sandbox.vendors import VENDOR_MODULES

if TYPE_CHECKING:
    from sandbox.core.context import Sandbox

AuthFailure = str  # "missing" | "unknown" | "revoked" | "expired" | "not_granted"


@dataclass(frozen=True)
class Vendor:
    """Everything the core needs from one vendor's package (``sandbox.vendors.<name>``)."""

    name: str
    hosts: tuple[str, ...]  # glob patterns of the vendor's real hosts, for Host-header routing
    grants: tuple[str, ...]  # the APIs a credential can be granted
    catalogue: Catalogue
    blueprint: Callable[[], Blueprint]
    render: Callable[[VendorError], Response]
    http_error: Callable[[int, str], VendorError]  # (status, vendor path) -> the vendor's 404/405/413/500
    auth_error: Callable[[AuthFailure], VendorError]
    invalid_json: Callable[[str], VendorError]  # detail -> the vendor's malformed-body error
    extract_secret: Callable[[Headers], str | None]
    auth_header: Callable[[str], dict[str, str]]  # secret -> the headers a client sends (docs, tests)
    well_formed: Callable[[str], bool]
    fixture_credentials: Callable[[dict[str, Any]], list[Credential]]
    seed_tenant: Callable[[Sandbox, str], None]
    settings_schema: type[Schema]
    machines: tuple[Machine, ...] = ()  # lifecycles the engine runs for this vendor
    control: Callable[[], Blueprint] | None = None  # vendor-specific control calls, at /_sandbox/<vendor>
    install: Callable[[Sandbox], None] = lambda sandbox: None

    @property
    def prefix(self) -> str:
        return f"/{self.name}"


def load_vendors() -> dict[str, Vendor]:
    return {name: importlib.import_module(f"sandbox.vendors.{name}").VENDOR for name in VENDOR_MODULES}
