"""SSRF guard: which hosts and addresses vidlint refuses to connect to.

Two layers:

* :func:`vidlint.core.netaddr.classify_host` is pure (no DNS): it recognises internal addresses however they are
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

from vidlint.core.netaddr import classify_host, classify_ip, normalise_host, parse_host_address


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
