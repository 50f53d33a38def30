"""Vendor credentials: which key maps to which tenant, with grants, expiry and revocation."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sandbox.core.store import Store

_TABLE = "_sandbox.credentials"


class Headers(Protocol):
    """A request's headers as credentials are read from them: looked up case-insensitively."""

    def get(self, key: str, default: str, /) -> str: ...


@dataclass
class Credential:
    vendor: str
    secret: str
    tenant: str
    grants: list[str] | None = None  # None: every API of the vendor
    expired: bool = False
    revoked: bool = False
    expires_at: str | None = None  # ISO-8601; compared with the tenant's virtual clock
    user: str = "api-user"
    origin: str = "control"  # fixture | control | auto
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.vendor}:{self.secret}"

    def allows(self, grant: str) -> bool:
        return self.grants is None or grant in self.grants

    def is_expired(self, now: Callable[[], datetime]) -> bool:
        """Expired by the control API, or past its expiry at ``now()`` (asked only when it has one)."""
        return self.expired or (self.expires_at is not None and datetime.fromisoformat(self.expires_at) <= now())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fixture_credentials(
    vendor: str,
    fixtures: dict[str, Any],
    entries: str = "keys",
    secret_of: Callable[[dict[str, Any]], str] = lambda entry: str(entry["secret"]),
    default_user: str = "api-user",
) -> list[Credential]:
    """The credentials a vendor's ``fixtures/<vendor>/credentials.yaml`` names: ``{tenant, <entries>: [...]}``."""
    section = fixtures.get("credentials") or {}
    return [
        Credential(
            vendor=vendor,
            secret=secret_of(entry),
            tenant=section.get("tenant", "demo"),
            grants=entry.get("grants"),
            expired=entry.get("expired", False),
            revoked=entry.get("revoked", False),
            user=entry.get("user", default_user),
            origin="fixture",
        )
        for entry in section.get(entries, [])
    ]


# [decided] A well-formed key or token, for every vendor: 8-256 token68 characters (RFC 7235), as API keys,
# secrets and access tokens are. Any other such key gets a tenant of its own on first use.
_TOKEN68 = re.compile(r"^[A-Za-z0-9._~+/=-]{8,256}$")


def token68(secret: str) -> bool:
    return bool(_TOKEN68.match(secret))


def bearer_header(secret: str) -> dict[str, str]:
    """The headers a client sends a Bearer key in (docs and tests)."""
    return {"Authorization": f"Bearer {secret}"}


_BEARER = re.compile(r"^\s*Bearer\s+(\S+)\s*$", re.IGNORECASE)


def bearer_secret(headers: Headers) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (the scheme is case-insensitive, RFC 7235)."""
    match = _BEARER.match(headers.get("Authorization", ""))
    return match.group(1) if match else None


def auto_tenant_name(secret: str) -> str:
    """The tenant of a key the sandbox was not given: stable across restarts, distinct per key.

    [decided] The same for every vendor, so one key scopes a control call before any vendor has seen it,
    and a test's one key reaches one tenant whichever vendors it calls.
    """
    return f"key-{hashlib.sha256(secret.encode()).hexdigest()[:12]}"


class Credentials:
    """Every known credential, mirrored in memory for an O(1) lookup on each request."""

    def __init__(self, store: Store, strict: bool = False) -> None:
        self._store = store
        self._lock = store.lock  # the store's: one lock order everywhere (an eviction forgets under it)
        self.strict = strict
        self._by_key: dict[str, Credential] = {}
        self._tenant_by_secret: dict[str, str] = {}  # the first tenant a secret was given, with any vendor
        # Called with the tenant of a key about to get its first credential; raises to refuse it (the tenant cap).
        self.admit: Callable[[str], None] = lambda tenant: None
        self.reload()

    def reload(self) -> None:
        with self._lock:
            self._by_key = {key: Credential(**row) for key, row in self._store.items(_TABLE)}
            self._tenant_by_secret = {}
            for credential in self._by_key.values():
                self._tenant_by_secret.setdefault(credential.secret, credential.tenant)

    def put(self, credential: Credential) -> bool:
        """Store the credential; answer whether it is new."""
        with self._lock:
            previous = self._by_key.get(credential.key)
            created = previous is None
            self._by_key[credential.key] = credential
            if previous is not None and self._tenant_by_secret.get(credential.secret) == previous.tenant:
                self._tenant_by_secret[credential.secret] = credential.tenant
            self._tenant_by_secret.setdefault(credential.secret, credential.tenant)
            self._store.put(_TABLE, credential.key, credential.to_json())
        return created

    def get(self, vendor: str, secret: str) -> Credential | None:
        return self._by_key.get(f"{vendor}:{secret}")

    def find_secret(self, secret: str) -> list[Credential]:
        return [cred for cred in self._snapshot() if cred.secret == secret]

    def given_tenant(self, secret: str) -> str | None:
        """The tenant a key was given (fixtures, the control API, a first use) with any vendor, if any."""
        return self._tenant_by_secret.get(secret)

    def tenant_for(self, secret: str) -> str:
        """The tenant a key maps to, for every vendor: the one it was given (fixtures, the control API) with
        any vendor, else a tenant of its own (``auto_tenant_name``)."""
        return self._tenant_by_secret.get(secret) or auto_tenant_name(secret)

    def resolve(self, vendor: str, secret: str, well_formed: Callable[[str], bool]) -> Credential | None:
        """The credential for a presented key; an unknown well-formed key gets a tenant of its own."""
        known = self.get(vendor, secret)
        if known is not None or self.strict or not well_formed(secret):
            return known
        credential = Credential(vendor, secret, self.tenant_for(secret), origin="auto")
        self.admit(credential.tenant)
        self.put(credential)
        return credential

    def all(self, vendor: str | None = None) -> list[Credential]:
        return [cred for cred in self._snapshot() if vendor in (None, cred.vendor)]

    def _snapshot(self) -> list[Credential]:
        """Every credential now: a list taken in one step, so a request adding a key meanwhile breaks no loop."""
        return list(self._by_key.values())

    def forget_tenant(self, tenant: str) -> None:
        """Drop every credential of ``tenant`` (an evicted tenant: its keys would otherwise point nowhere)."""
        with self._lock:
            gone = [key for key, credential in self._by_key.items() if credential.tenant == tenant]
            for key in gone:
                credential = self._by_key.pop(key)
                if self._tenant_by_secret.get(credential.secret) == tenant:
                    del self._tenant_by_secret[credential.secret]
                self._store.delete(_TABLE, key)

    def protected(self, tenant: str) -> bool:
        """Whether a tenant holds a key from the fixtures or the control API (never evicted)."""
        return any(c.tenant == tenant and c.origin != "auto" for c in self._snapshot())

    def tenants(self) -> set[str]:
        return {cred.tenant for cred in self._snapshot()}

    def load(self, credentials: Iterable[Credential]) -> None:
        for credential in credentials:
            self.put(credential)
