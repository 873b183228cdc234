"""callback_url rules: the server calls it back, so it must be public https."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from vidlint.fix import Fix
from vidlint.fix.ops import ReplaceChars
from vidlint.rules.registry import Finding, RequestContext, rule


@rule("VL401", "callback-not-https", "error", stage="schema", fix="unsafe")
def callback_not_https(error: Any, profile: Any) -> None:
    """``callback_url`` does not use https.

    Only HTTPS callbacks are supported. Enforced by the schema (``pattern``).

    Breaks it: ``"callback_url": "http://example.com/hook"``.
    Fix: ``"callback_url": "https://example.com/hook"``.

    The fix (unsafe: the receiving server may not answer https) writes ``https://`` for ``http://``.
    """


@callback_not_https.fixes
def _use_https(error: Any, profile: Any) -> Fix | None:
    url = error.instance
    if not isinstance(url, str) or url[:7].lower() != "http://":
        return None
    from vidlint.core.wording import label
    from vidlint.core.pointers import make_pointer

    pointer = make_pointer(*error.absolute_path)
    return Fix(f"use https in {label(pointer)}", (ReplaceChars(pointer, 0, 4, "https"),))


@rule("VL402", "callback-too-long", "error", stage="schema")
def callback_too_long(error: Any, profile: Any) -> None:
    """``callback_url`` is longer than 2048 characters.

    Enforced by the schema (``maxLength``). Fix: a shorter address; put state in your own
    store, keyed by the task id the callback carries.
    """


@rule("VL403", "callback-internal", "error", stage="request", reads="callback", needs_field="callback.field")
def callback_internal(ctx: RequestContext) -> Iterator[Finding]:
    """``callback_url`` points at an internal address.

    The server refuses callbacks to loopback, private, link-local and other internal
    addresses, in any spelling: ``localhost``, ``[::1]``, ``10.1.2.3``, ``2130706433``,
    ``0x7f.0.0.1``, ``127.1``, ``[::ffff:127.0.0.1]``, single-label intranet names, and the
    spellings a WHATWG URL parser (what browsers and most HTTP stacks use) reads as such:
    percent-encoded hosts (``%31%32%37.0.0.1``), a trailing ``%2e``, full-width digits
    (``１２７.0.0.1``), and ``https://127.0.0.1\\@example.com/``, where ``\\`` ends the host
    (Python's urllib reads example.com there). No DNS lookup is made; names are judged by
    their form.

    Fix: a public https endpoint (a tunnel to a local server works for development).
    """
    field, url = _callback(ctx)
    problem = _internal_host(url) if url else None
    if problem:
        yield Finding(f"/{field}", f"{field} points at an internal host ({problem}); the server refuses it",
                      "use a public https endpoint")


def _callback(ctx: Any) -> tuple[str, str | None]:
    """The model's callback field, and the request's callback url there (None: not a non-empty string)."""
    field = ctx.meta["callback"]["field"]
    url = ctx.request.get(field)
    return field, url if isinstance(url, str) and url else None


@lru_cache(maxsize=64)  # a batch of requests mostly shares one callback: parsed once per url
def _internal_host(url: str) -> str | None:
    """Why ``url``'s host (as a WHATWG parser or urllib reads it) is internal; None: it is not."""
    from urllib.parse import urlsplit

    from vidlint.core.netaddr import whatwg_host

    hosts: list[tuple[str, str]] = []
    whatwg = whatwg_host(url)
    if whatwg is not None:
        hosts.append(whatwg)
    try:
        plain = urlsplit(url.strip()).hostname  # another parser may read another host: judge both
    except ValueError:
        plain = None  # VL404
    if plain:
        hosts.append((plain, plain))
    for written, host in hosts:
        problem = _internal_problem(written, host)
        if problem:
            return problem
    return None


def _internal_problem(written: str, host: str) -> str | None:
    from vidlint.core.netaddr import classify_host, internal_name, parse_host_address

    if not host:
        return None
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    address = parse_host_address(host)
    reason = classify_host(host)
    if reason and address is not None:
        problem = reason if "inside IPv6" in reason else f"{reason} address {address}"
        if str(address) != written.strip("[]").rstrip("."):
            problem += f", written as {written}"
        return problem
    if reason:
        return f"{reason} name {host}"
    name = internal_name(host)
    return f"{name} {host}" if name else None


@rule("VL404", "callback-malformed", "error", stage="request", reads="callback", needs_field="callback.field")
def callback_malformed(ctx: RequestContext) -> Iterator[Finding]:
    """``callback_url`` is not a usable absolute address.

    It must be ``https://host/path``: no spaces, a host, valid brackets around IPv6.

    Breaks it: ``"callback_url": "https:///hook"``, ``"https://exa mple.com"``.
    """
    field, url = _callback(ctx)
    problem = _malformed(url) if url else None
    if problem:
        yield Finding(f"/{field}", f"{field} is not a valid absolute URL: {problem}",
                      "write it as https://host/path")


@lru_cache(maxsize=64)
def _malformed(url: str) -> str | None:
    """What makes ``url`` no usable absolute address; None: nothing."""
    from urllib.parse import urlsplit

    if any(c.isspace() or ord(c) < 32 for c in url):
        return "it contains white space or control characters"
    try:
        parts = urlsplit(url)
        if not parts.scheme:
            return "it has no scheme"
        if not parts.hostname:
            return "it has no host"
        _ = parts.port
    except ValueError as exc:
        return str(exc)
    return None
