"""Where webhooks may go, checked when a URL is registered and again, resolved, at every delivery; the POST itself.

[decided] A sandbox runs beside the code under test: in a CI or docker-compose network the receiver is a
service name or a private address, so plain http goes to loopback, private networks and single-label hosts
(and https anywhere). Never to link-local addresses (169.254.0.0/16, fe80::/10: where cloud metadata lives),
the cloud metadata names and addresses (``metadata.google.internal``, ``fd00:ec2::254``), unspecified,
multicast or reserved addresses, nor to the sandbox's own address (a webhook must not drive its control API).
``serve --webhook-allow`` (an address, a network or a host name, ``*.`` globs allowed) widens the policy.

At delivery the host is resolved again and the POST connects to an address that was just checked, with the
name kept for ``Host`` and TLS, so a name re-bound after its check (DNS rebinding) cannot reach anything else.
Redirects are not followed; proxies from the environment are not used.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sandbox.core.deferred import Deferred

urllib3 = Deferred("urllib3")  # the POST's client: imported with the first delivery, not at start (issue 16)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # (host, port) -> addresses
Posted = tuple[int | None, str | None, bool]  # status code, error, whether a retry could succeed

METADATA_NAMES = frozenset({"metadata.google.internal", "metadata.goog", "instance-data.ec2.internal"})
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200"))
DEFAULT_PORTS = {"http": 80, "https": 443}
LOCAL_TLDS = ("localhost", "internal", "local", "lan", "test")


def system_resolver(host: str, port: int) -> list[str]:
    return list(dict.fromkeys(str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


class Refused(ValueError):
    """A target the policy does not allow; the message says why (Zexa's validation error shows it)."""


class Unresolved(OSError):
    """A name that does not resolve (yet): at delivery, a failure worth retrying."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the name as given, for Host and TLS
    port: int
    path: str  # with the query
    addresses: tuple[str, ...]  # checked; the POST connects to the first


class WebhookPolicy:
    def __init__(
        self,
        allow: Iterable[str] = (),
        own: tuple[str, int] | None = None,
        resolve: Resolver = system_resolver,
    ) -> None:
        self.networks = [ipaddress.ip_network(item, strict=False) for item in allow if _is_network(item)]
        self.names = [item.lower().rstrip(".") for item in allow if not _is_network(item)]
        self.own = own  # (the address the sandbox listens on, its port)
        self.resolve = resolve

    def check(self, url: str, delivering: bool = False) -> Target:
        """The target of ``url`` if the policy allows it, else ``Refused``.

        Registering, only addresses written in the URL are checked (and ``localhost``): a name is resolved when
        a delivery goes out, where one that does not resolve raises ``Unresolved`` (the receiver of a CI network
        may not be up when its URL is registered, and no test looks a name up).
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        if parts.scheme not in DEFAULT_PORTS or not host:
            raise Refused("webhook URLs must use HTTPS (or http), with a host")
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        named_allowed = any(fnmatch.fnmatchcase(host, pattern) for pattern in self.names)
        if host in METADATA_NAMES and not named_allowed:
            raise Refused(f"{host} is a cloud metadata address")
        addresses = self._addresses(host, port, delivering)
        for address in addresses:
            self._check_address(ipaddress.ip_address(address), port, named_allowed)
        local = _local_name(host) or (bool(addresses) and all(_private(ipaddress.ip_address(a)) for a in addresses))
        if parts.scheme == "http" and not (local or named_allowed or self._all_allowed(addresses)):
            raise Refused("webhook URLs must use HTTPS (plain http: loopback, private networks, single-label hosts)")
        return Target(parts.scheme, host, port, path, tuple(addresses))

    def _addresses(self, host: str, port: int, delivering: bool) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        if not delivering:
            return ["127.0.0.1"] if host == "localhost" or host.endswith(".localhost") else []
        try:
            found = self.resolve(host, port)
        except (OSError, UnicodeError) as error:
            found, why = [], str(error)
        else:
            why = "no address"
        if not found and delivering:
            raise Unresolved(f"{host} does not resolve: {why}")
        return found

    def _check_address(self, address: Address, port: int, named_allowed: bool) -> None:
        address = _unmapped(address)
        if named_allowed or any(address in network for network in self.networks):
            return
        if address.is_link_local or address in METADATA_ADDRESSES:
            raise Refused(f"{address} is link-local or a cloud metadata address")
        if address.is_unspecified or address.is_multicast or (address.is_reserved and not address.is_private):
            raise Refused(f"{address} is not an address a webhook can be delivered to")
        if self._is_own(address, port):
            raise Refused(f"{address}:{port} is the sandbox itself")

    def _is_own(self, address: Address, port: int) -> bool:
        if self.own is None or port != self.own[1]:
            return False
        bound = _unmapped(ipaddress.ip_address(self.own[0]))
        return address.is_loopback or address == bound or (bound.is_unspecified and _this_machine(address))

    def _all_allowed(self, addresses: Iterable[str]) -> bool:
        found = [_unmapped(ipaddress.ip_address(a)) for a in addresses]
        return bool(found) and all(any(a in network for network in self.networks) for a in found)

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Posted:
        """POST ``body`` to ``url``, checked and resolved now: (status code, error, whether a retry could succeed)."""
        try:
            target = self.check(url, delivering=True)
        except Refused as refused:
            return None, f"refused by the webhook policy: {refused}; never delivered", False
        except Unresolved as unresolved:
            return None, str(unresolved)[:500], True
        address = target.addresses[0]
        limit = urllib3.Timeout(total=timeout)
        if target.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address,
                target.port,
                timeout=limit,
                retries=False,
                server_hostname=target.host,
                assert_hostname=target.host,
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, target.port, timeout=limit, retries=False)
        default = DEFAULT_PORTS[target.scheme] == target.port
        host_header = target.host if default else f"{target.host}:{target.port}"
        try:
            with pool:
                response = pool.urlopen(
                    "POST", target.path, body=body, headers={**headers, "Host": host_header}, redirect=False
                )
        except urllib3.exceptions.HTTPError as failure:
            not_taken = isinstance(failure, urllib3.exceptions.NewConnectionError)  # a subclass of the connect timeout
            timed_out = isinstance(failure, urllib3.exceptions.TimeoutError) and not not_taken
            kind = "Timeout" if timed_out else "ConnectionError"
            return None, f"{kind}: {failure}"[:500], True
        if 200 <= response.status < 300:
            return response.status, None, True
        return response.status, f"HTTP {response.status}", True


def _is_network(item: str) -> bool:
    try:
        ipaddress.ip_network(item, strict=False)
    except ValueError:
        return False
    return True


def _unmapped(address: Address) -> Address:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _local_name(host: str) -> bool:
    """A name only a local network resolves: single-label (a CI service), or under a TLD reserved for that."""
    return "." not in host or host.rsplit(".", 1)[1] in LOCAL_TLDS


def _private(address: Address) -> bool:
    address = _unmapped(address)
    return address.is_loopback or (address.is_private and not address.is_link_local)


def _this_machine(address: Address) -> bool:
    try:
        mine = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        return False
    return str(address) in mine
