"""The spec each vendor package fills in: everything the core and the web layer need from a vendor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema

from sandbox.core.auth import Credential, Headers
from sandbox.core.errors import Catalogue, VendorError
from sandbox.core.ids import Ids
from sandbox.core.machines import Machine
from sandbox.core.tenant import Tenant

AuthFailure = str  # "missing" | "unknown" | "revoked" | "expired" | "not_granted"


@dataclass(frozen=True)
class Reply:
    """A rendered vendor answer as data; the web layer turns it into an HTTP response."""

    status: int
    body: Any  # JSON-ready
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Asked:
    """What a renderer may depend on besides the error: the operation, the tenant's settings, the id source."""

    operation: str | None
    settings: Mapping[str, Any]  # the vendor's settings for the caller's tenant (global ones if unknown)
    ids: Ids


@dataclass(frozen=True)
class Shown:
    """A kind of record the dashboard (and ``GET /_sandbox/records``) lists for a tenant."""

    collection: str
    label: str
    title: str = "name"  # the field that names a record
    status: str | None = "status"  # the field that holds its state, if it has one
    machine: str | None = None  # its lifecycle, whose history is the record's timeline
    progress: tuple[str, ...] = ()  # (done, failed, total) counters, shown as a bar


@dataclass(frozen=True)
class Docs:
    """What a vendor's OpenAPI document and Postman collection say besides what its views declare."""

    title: str
    description: str
    security: Mapping[str, dict[str, Any]]  # OpenAPI security schemes, by name; any one of them authorises
    demo_secret: str  # the demo credential, prefilled in Swagger UI and the Postman collection
    error_schema: type[Schema] | None  # the vendor's error envelope (None: an "Error" of ``components``)
    examples: Mapping[str, Any] = field(default_factory=dict)  # operation name -> the seeds' request example
    # operation name -> {title: example} where a seed shows several requests (the first is the one to send)
    more_examples: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    answer_examples: Mapping[str, Any] = field(default_factory=dict)  # name -> the seeds' success answer
    components: Mapping[str, Any] = field(default_factory=dict)  # JSON Schemas that answers may $ref
    # A record's review stage decides whether an action on it is taken (Infobip): a Postman request on a record
    # the collection made then checks for a documented status, not for success.
    stage_dependent: bool = False


@dataclass(frozen=True)
class Vendor:
    """Everything the sandbox needs from one vendor's package (``sandbox.vendors.<name>``)."""

    name: str
    hosts: tuple[str, ...]  # glob patterns of the vendor's real hosts, for Host-header routing
    grants: tuple[str, ...]  # the APIs a credential can be granted
    catalogue: Catalogue
    routes: Any  # the vendor's Flask blueprint, served under ``/<name>``
    render: Callable[[VendorError, Asked], Reply]
    http_error: Callable[[int, str], VendorError]  # (status, vendor path) -> the vendor's 404/405/413/500
    auth_error: Callable[[AuthFailure, Headers], VendorError]  # (reason, the request's headers)
    invalid_json: Callable[[str, bool], VendorError]  # (detail, whether the body was too large)
    invalid: Callable[[Any], VendorError]  # marshmallow's messages -> the vendor's validation error
    extract_secret: Callable[[Headers], str | None]
    auth_header: Callable[[str], dict[str, str]]  # secret -> the headers a client sends (docs, tests)
    well_formed: Callable[[str], bool]
    fixture_credentials: Callable[[dict[str, Any]], list[Credential]]
    seed_tenant: Callable[[Tenant], None]  # a new tenant's copy of the reference data
    settings_schema: type[Schema]
    machines: tuple[Machine, ...] = ()  # lifecycles the engine runs for this vendor
    control: Any = None  # a Flask blueprint of vendor-specific control calls, at /_sandbox/<name>
    shown: tuple[Shown, ...] = ()  # what the dashboard lists of a tenant's records
    docs: Docs | None = None  # for the OpenAPI document, Swagger UI and the Postman collection

    @property
    def prefix(self) -> str:
        return f"/{self.name}"
