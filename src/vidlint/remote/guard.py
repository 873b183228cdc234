"""SSRF guard: which hosts and addresses vidlint refuses to connect to.

Two layers:

* :func:`classify_host` is pure (no DNS): it recognises internal addresses however they are
  spelled (``localhost``, ``[::1]``, ``2130706433``, ``0x7f.0.0.1``, ``127.1``,
  ``[::ffff:127.0.0.1]``, trailing dots). The callback_url rule can use it too.
* :class:`GuardPolicy` is applied at connect time to every address DNS returns, so the
  connection goes to an address that was checked (no DNS-rebinding window), and because
  redirects open new connections, every redirect hop is checked again.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance-metadata endpoints (AWS/GCP/Azure/OpenStack, AWS IPv6, AWS ECS, Alibaba Cloud).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200")
)
METADATA_NAMES = frozenset({"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

_V4_RANGES: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), label)
    for net, label in (
        ("0.0.0.0/8", "unspecified"),
        ("127.0.0.0/8", "loopback"),
        ("10.0.0.0/8", "private"),
        ("172.16.0.0/12", "private"),
        ("192.168.0.0/16", "private"),
        ("169.254.0.0/16", "link-local"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("192.0.0.0/24", "private"),
        ("198.18.0.0/15", "private"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
    )
)
_V6_RANGES: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), label)
    for net, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "private"),
        ("fc00::/7", "private"),
        ("ff00::/8", "multicast"),
    )
)
# IPv6 prefixes that carry an IPv4 address a gateway may forward to.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_COMPAT = ipaddress.IPv6Network("::/96")


def classify_ip(ip: IPAddress) -> str | None:
    """Why ``ip`` is internal (``"loopback"``, ``"private"``, ...), or None for a public address."""
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            reason = classify_ip(embedded)
            return f"{reason} (IPv4 {embedded} inside IPv6)" if reason else None
        for net, label in _V6_RANGES:
            if ip in net:
                return label
    else:
        for net, label in _V4_RANGES:
            if ip in net:
                return label
    if not ip.is_global:  # documentation, benchmarking, discard-only and other special ranges
        return "reserved"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _COMPAT and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d (not :: or ::1)
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def parse_ipv4_loose(text: str) -> ipaddress.IPv4Address | None:
    """Parse IPv4 the way browsers and inet_aton do: 1-4 parts, each decimal, 0x-hex or 0-octal.

    ``127.1``, ``2130706433``, ``0x7f.0.0.1`` and ``017700000001`` all mean 127.0.0.1.
    """
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or any(p == "" for p in parts):
        return None
    numbers: list[int] = []
    for part in parts:
        p = part.lower()
        try:
            if p.startswith("0x"):
                n = int(p[2:] or "0", 16)
            elif len(p) > 1 and p.startswith("0"):
                n = int(p[1:], 8)
            else:
                if not p.isdigit():
                    return None
                n = int(p, 10)
        except ValueError:
            return None
        numbers.append(n)
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_host_address(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, in any spelling, or None when it is a name."""
    h = normalise_host(host)
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h.split("%", 1)[0])
        except ValueError:
            return None
    return parse_ipv4_loose(h)


def normalise_host(host: str) -> str:
    h = host.strip().lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    return h.rstrip(".")


def classify_host(host: str) -> str | None:
    """Why a URL host is internal, without DNS; None when it may be public.

    Names other than the well-known local ones return None: only resolution can tell.
    """
    h = normalise_host(host)
    if not h:
        return "empty host"
    address = parse_host_address(h)
    if address is not None:
        return classify_ip(address)
    if h in LOOPBACK_NAMES or h.endswith(".localhost"):
        return "loopback"
    if h in METADATA_NAMES:
        return "cloud metadata"
    return None


class BlockedAddress(Exception):
    """A connection the guard refused; ``str()`` is a one-line user-facing reason."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host = host
        self.address = address
        self.reason = reason
        shown = host if host == address else f"{host} ({address})"
        super().__init__(f"refused to connect to {shown}: {reason} address")


@dataclass(frozen=True)
class GuardPolicy:
    """What may be connected to.

    ``allow_private`` lifts the guard (``--allow-private-hosts``). ``allowed_endpoints`` is a
    narrow hook: exact ``(host, port)`` pairs, as written in the URL, that may be internal (tests
    use it to allow one loopback server while every other internal endpoint stays refused).
    """

    allow_private: bool = False
    allowed_endpoints: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    # host, port -> addresses; the system resolver unless replaced (tests map names to loopback)
    resolver: Callable[[str, int], list[str]] | None = field(default=None, compare=False)

    def endpoint_allowed(self, host: str, port: int) -> bool:
        return self.allow_private or (normalise_host(host), port) in self.allowed_endpoints

    def check_host(self, host: str, port: int) -> None:
        """Refuse a URL host that is internal by its spelling alone (before any DNS)."""
        if self.endpoint_allowed(host, port):
            return
        reason = classify_host(host)
        if reason:
            raise BlockedAddress(host, host, reason)

    def resolve(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` and return the addresses to connect to, all of them checked.

        Every resolved address must be public: a name that resolves to a mix of public and
        internal addresses is refused as a whole.
        """
        self.check_host(host, port)
        literal = parse_host_address(host)
        if literal is not None:
            return [str(literal)]
        addresses = (self.resolver or system_resolve)(normalise_host(host), port)
        if not self.endpoint_allowed(host, port):
            for text in addresses:
                reason = classify_ip(ipaddress.ip_address(text))
                if reason:
                    raise BlockedAddress(host, text, reason)
        return addresses


def system_resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {host}: {exc.strerror or exc}") from None
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        if text not in addresses:
            addresses.append(text)
    return addresses
