"""Is a host internal? Recognises every spelling a URL parser accepts, without DNS.

Used by the callback_url rule (the server refuses internal callback addresses) and by the
SSRF guard of ``--online`` (after DNS resolution the guard checks the resolved addresses).
"""

from __future__ import annotations

import ipaddress
import re

_INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".corp", ".home.arpa", ".lan")
_METADATA_HOSTS = {"metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"}
_NUMBER = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 in the forms URL parsers accept: dotted, fewer parts (127.1), octal, hex, one integer."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.match(p) for p in parts):
        return None
    numbers: list[int] = []
    for part in parts:
        if part.startswith("0x"):
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                return None
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    return parse_ipv4(host)


def address_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not a public one, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address.packed[:12] == bytes(12) and int(address) > 1:
            embedded = ipaddress.IPv4Address(address.packed[12:])  # IPv4-compatible ::a.b.c.d
        if embedded is not None:
            inner = address_problem(embedded)
            if inner:
                return f"{inner} (written as IPv6 {address})"
    if address.is_loopback:
        return f"loopback address {address}"
    if address.is_link_local:
        return f"link-local address {address}" + (" (cloud metadata)" if str(address) == "169.254.169.254" else "")
    if address.is_unspecified:
        return f"unspecified address {address}"
    if address.is_multicast:
        return f"multicast address {address}"
    if address.is_private:
        return f"private address {address}"
    if not address.is_global:
        return f"non-public address {address}"
    return None


def classify_host(host: str) -> str | None:
    """A short reason when ``host`` names an internal machine, None for a public name or address."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        address = parse_ip(name)
        if address is None:
            return f"invalid IPv6 literal {host}"
        problem = address_problem(address)
        return problem.split(" (written as")[0] + f", written as {host}" if problem else None
    name = name.rstrip(".")
    if not name:
        return "empty host"
    address = parse_ip(name)
    if address is not None:
        problem = address_problem(address)
        if problem and str(address) != name:
            problem += f", written as {host}"
        return problem
    if name == "localhost" or name.endswith(".localhost"):
        return f"loopback name {host}"
    if name in _METADATA_HOSTS:
        return f"cloud metadata host {host}"
    if name.endswith(_INTERNAL_SUFFIXES):
        return f"internal name {host}"
    if "." not in name:
        return f"single-label intranet name {host}"
    return None
