"""Is a host internal? Every spelling a URL parser accepts, without DNS.

One home for address classification: the callback_url rule (the server refuses internal
callback addresses) and the SSRF guard of ``--online`` (which also checks the addresses a
name resolves to) both use it.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

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
        for net4, label in _V4_RANGES:
            if ip in net4:
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


# Names that only resolve inside an organisation: a callback there can never be reached.
INTERNAL_SUFFIXES = (".local", ".internal", ".intranet", ".corp", ".home.arpa", ".lan")


def internal_name(host: str) -> str | None:
    """Why a host *name* is internal by its form alone (``intranet``, ``api.internal``), or None."""
    h = normalise_host(host)
    if not h or parse_host_address(h) is not None:
        return None
    if h.endswith(INTERNAL_SUFFIXES):
        return "internal name"
    if "." not in h:
        return "single-label intranet name"
    return None


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp", "file"})
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def whatwg_host(url: str) -> tuple[str, str] | None:
    """The host a WHATWG URL parser (browsers, Node, most HTTP stacks) reads from ``url``, as
    (the host as written, the host after decoding), or None when there is no authority.

    It differs from ``urllib.parse`` where an attacker wants it to: ``\\`` ends the authority
    of an http(s) URL (``https://127.0.0.1\\@example.com/`` is host 127.0.0.1, not
    example.com), percent-escapes in the host are decoded (``%31%32%37.0.0.1``, a trailing
    ``%2e``), and the host is mapped with NFKC as IDNA does (full-width ``１２７．０．０．１``).
    """
    text = url.strip(_C0_AND_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    match = _SCHEME.match(text)
    if match is None:
        return None
    special = match.group(1).lower() in _SPECIAL_SCHEMES
    rest = text[match.end():]
    if special:
        rest = rest.lstrip("/\\")
    elif rest.startswith("//"):
        rest = rest[2:]
    else:
        return None
    end = next((i for i, c in enumerate(rest) if c in "/?#" or (special and c == "\\")), len(rest))
    hostport = rest[:end].rpartition("@")[2]  # the last "@" ends the user information
    if hostport.startswith("["):
        written = hostport[:hostport.find("]") + 1] if "]" in hostport else hostport
        return written, written
    written = hostport.partition(":")[0]
    from urllib.parse import unquote_to_bytes

    decoded = unquote_to_bytes(written).decode("utf-8", "replace")
    mapped = unicodedata.normalize("NFKC", decoded).replace("\u3002", ".").lower()
    return written, mapped
