"""callback_url rules: the server calls it back, so it must be public https."""

from __future__ import annotations

from typing import Any, Iterator

from vidlint.check.rules.registry import Finding, rule


@rule("VL401", "callback-not-https", "error", kind="schema")
def callback_not_https() -> None:
    """``callback_url`` does not use https.

    Only HTTPS callbacks are supported. Enforced by the schema (``pattern``).

    Breaks it: ``"callback_url": "http://example.com/hook"``.
    Fix: ``"callback_url": "https://example.com/hook"``.
    """


@rule("VL402", "callback-too-long", "error", kind="schema")
def callback_too_long() -> None:
    """``callback_url`` is longer than 2048 characters.

    Enforced by the schema (``maxLength``). Fix: a shorter address; put state in your own
    store, keyed by the task id the callback carries.
    """


@rule("VL403", "callback-internal", "error", needs="callback")
def callback_internal(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """``callback_url`` points at an internal address.

    The server refuses callbacks to loopback, private, link-local and other internal
    addresses, in any spelling: ``localhost``, ``[::1]``, ``10.1.2.3``, ``2130706433``,
    ``0x7f.0.0.1``, ``127.1``, ``[::ffff:127.0.0.1]``, single-label intranet names. No DNS
    lookup is made; names are judged by their form.

    Fix: a public https endpoint (a tunnel to a local server works for development).
    """
    from urllib.parse import urlsplit

    from vidlint.netaddr import classify_host, internal_name, parse_host_address

    field = meta["callback"]["field"]
    url = request.get(field)
    if not isinstance(url, str) or not url:
        return
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return  # VL404
    if not host:
        return
    if ":" in host:
        host = f"[{host}]"
    address = parse_host_address(host)
    reason = classify_host(host)
    problem: str | None
    if reason and address is not None:
        problem = reason if "inside IPv6" in reason else f"{reason} address {address}"
        if str(address) != host.strip("[]").rstrip("."):
            problem += f", written as {host}"
    elif reason:
        problem = f"{reason} name {host}"
    else:
        internal = internal_name(host)
        problem = f"{internal} {host}" if internal else None
    if problem:
        yield Finding(f"/{field}", f"{field} points at an internal host ({problem}); the server refuses it",
                      "use a public https endpoint")


@rule("VL404", "callback-malformed", "error", needs="callback")
def callback_malformed(request: dict[str, Any], meta: dict[str, Any]) -> Iterator[Finding]:
    """``callback_url`` is not a usable absolute address.

    It must be ``https://host/path``: no spaces, a host, valid brackets around IPv6.

    Breaks it: ``"callback_url": "https:///hook"``, ``"https://exa mple.com"``.
    """
    from urllib.parse import urlsplit

    field = meta["callback"]["field"]
    url = request.get(field)
    if not isinstance(url, str) or not url:
        return
    problem = None
    if any(c.isspace() or ord(c) < 32 for c in url):
        problem = "it contains white space or control characters"
    else:
        try:
            parts = urlsplit(url)
            if not parts.scheme:
                problem = "it has no scheme"
            elif not parts.hostname:
                problem = "it has no host"
            else:
                _ = parts.port
        except ValueError as exc:
            problem = str(exc)
    if problem:
        yield Finding(f"/{field}", f"{field} is not a valid absolute URL: {problem}",
                      "write it as https://host/path")
