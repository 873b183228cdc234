"""Asset checks: find every image, video and voice clip a request references, probe it and
hold it against the model profile's media limits, without any network access.

Codes: VL5xx for finding and reading an asset (``vidlint.rules.assets``, stage ``asset``),
VL6xx for a limit it breaks (``vidlint.rules.media``, stage ``media``). The limits of one asset
are its kind's ``media`` entry with the matching ``media_overrides`` on top (:func:`limits_for`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from vidlint.core.diagnostics import Diagnostic
from vidlint.core.pointers import escape_pointer_token, make_pointer, match_pattern, pattern_matches, split_pointer
from vidlint.probe.model import MediaProbe
from vidlint.core.records import FrozenRecord, Record
from vidlint.rules.registry import Finding, applying, by_name, derived, run_stage
from vidlint.run import AssetOptions

# ---------------------------------------------------------------------------------------------
# options and the objects rules look at
# ---------------------------------------------------------------------------------------------


def parse_asset_map(text: str) -> tuple[str, Path]:
    """``URI_PREFIX=DIR`` -> (prefix, absolute dir); a relative DIR is taken from the current
    directory, as a shell user expects. Raises ValueError with a one-line reason."""
    prefix, sep, directory = text.rpartition("=")
    if not sep or not prefix or not directory:
        raise ValueError(f"asset map {text!r} is not URI_PREFIX=DIR")
    if "://" not in prefix:
        raise ValueError(f"asset map prefix {prefix!r} is not a uri (expected e.g. https://cdn.example.com/)")
    return prefix, Path(os.path.abspath(os.path.expanduser(directory)))  # Path.expanduser raises for ~nosuchuser


class AssetRef(FrozenRecord):
    """A reference to an asset; ``kind`` is what the request field expects: image | video | audio."""

    pointer: str
    value: str
    kind: str


class Resolution(Record):
    """Where an asset reference leads. ``how``: local | mapped | remote | invalid, or online
    (a remote asset probed over HTTP by ``--online`` / ``--offline-cache``). ``path`` and
    ``map_dir`` are normalised absolute paths."""

    how: str
    path: str | None = None
    scheme: str = ""
    map_prefix: str | None = None
    map_dir: str | None = None
    reason: str | None = None


class AssetContext(Record):
    """What the asset rules look at: the reference, where it led, the limits for its kind, the probe."""

    ref: AssetRef
    resolution: Resolution
    limits: dict[str, Any]
    probe: MediaProbe | None = None

    @property
    def label(self) -> str:
        return label(self.ref.value)

    def why(self, key: str) -> str:
        """" (the reason)" when the limit ``key`` comes from a ``media_overrides`` entry that gives one."""
        reason = (self.limits.get("why_of") or {}).get(key)
        return f" ({reason})" if reason else ""

    def finding(self, message: str, hint: str | None = None) -> Finding:
        """A finding about this asset: on its pointer, the message prefixed with its name."""
        return Finding(self.ref.pointer, f"{self.label}: {message}", hint)


NOT_FETCHED_HINT = "map it to a local copy with --asset-map URI_PREFIX=DIR, or verify it online with --online"
_UNVERIFIED = {"image": "format, size and dimensions", "video": "format, size, dimensions and duration",
               "audio": "format, size and duration", "document": "format, size and page count"}


@lru_cache(maxsize=64)
def not_fetched(kind: str, scheme: str) -> str:
    """VL502's message for a remote reference of this kind and uri scheme: the same for every such
    reference, so made once (the rule's body and :func:`check_assets`'s shortcut both use it)."""
    return f"remote {kind} ({scheme} uri) was not fetched, so its {_UNVERIFIED[kind]} were not verified"


def label(value: str) -> str:
    """How a finding about an asset names it: the reference, its middle cut out past 80 characters."""
    return value if len(value) <= 80 else value[:38] + "..." + value[-39:]


# ---------------------------------------------------------------------------------------------
# finding the references and resolving them
# ---------------------------------------------------------------------------------------------


def iter_asset_refs(request: dict[str, Any], patterns: dict[str, str]) -> Iterator[AssetRef]:
    """Every non-blank string value matched by a pointer pattern (``*`` = any array index or object key)."""
    for pattern, kind in patterns.items():
        for pointer, value in match_pattern(request, pattern):
            if isinstance(value, str) and value.strip():
                yield AssetRef(pointer, value, kind)


def remote_scheme(value: str, asset_maps: list[tuple[str, Path]]) -> str | None:
    """The scheme of an http(s) uri no asset map covers, the common reference, which :func:`resolve`
    calls remote; None for any other reference."""
    if not value.startswith(("https://", "http://")) or "\x00" in value:
        return None
    if asset_maps and any(value.startswith(prefix) for prefix, _ in asset_maps):
        return None
    return "https" if value[4] == "s" else "http"


def resolve(value: str, base_dir: Path | str, asset_maps: list[tuple[str, Path]]) -> Resolution:
    scheme = remote_scheme(value, asset_maps)
    if scheme is not None:  # the common case, without parsing a uri
        return Resolution("remote", scheme=scheme)
    if "\x00" in value:
        return Resolution("invalid", reason="the reference contains a NUL character")
    if asset_maps:
        for prefix, directory in sorted(asset_maps, key=lambda pair: len(pair[0]), reverse=True):
            if value.startswith(prefix):
                return _resolve_mapped(value[len(prefix):], prefix, directory, base_dir)
    if ":" not in value:  # no scheme: a local path (the common case, without parsing a uri)
        return Resolution("local", path=_under(base_dir, os.path.expanduser(value)))
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return Resolution("invalid", scheme=scheme,
                              reason=f"file uri names the host {parts.netloc!r}; only local files can be checked")
        return Resolution("local", path=_under(base_dir, unquote(parts.path)), scheme=scheme)
    if scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        return Resolution("remote", scheme=scheme)
    return Resolution("local", path=_under(base_dir, os.path.expanduser(value)))  # not Path.expanduser: it raises for ~nosuchuser


def _resolve_mapped(rest: str, prefix: str, directory: Path, base_dir: Path | str) -> Resolution:
    relative = unquote(rest.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
    root = _under(base_dir, os.fspath(directory))
    target = os.path.normpath(os.path.join(root, relative))
    if relative and os.path.commonpath([root, target]) != root:
        return Resolution("invalid", map_prefix=prefix, map_dir=root,
                          reason=f"the asset map {prefix} -> {directory} would lead outside {root}")
    return Resolution("mapped", path=target, map_prefix=prefix, map_dir=root)


def _under(base_dir: Path | str, path: str) -> str:
    # Lexical normalisation, as for a relative URI reference: "refs/../a.jpg" is "a.jpg".
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(base_dir, path))

# ---------------------------------------------------------------------------------------------
# the entry point
# ---------------------------------------------------------------------------------------------


class AssetPattern:
    """One ``assets`` entry of a model's data, taken apart once per model (``AssetPlan``)."""

    __slots__ = ("pattern", "kind", "field", "named", "rest", "at", "bills", "remote_message", "_item_pointers")

    def __init__(self, pattern: str, kind: str) -> None:
        tokens = split_pointer(pattern)
        self.pattern = pattern
        self.kind = kind
        self.field = tokens[0] if tokens else None  # a request without this field is not walked for it
        stars = tokens.index("*") if "*" in tokens else len(tokens)
        self.named, self.rest = tuple(tokens[:stars]), tuple(tokens[stars:])  # the keys before any "*", the rest
        self.at = make_pointer(*self.named)
        # its references may be input videos, whose seconds the estimate bills
        self.bills = kind == "video" and pattern.startswith(("/video_urls/", "/*"))
        # VL502's message after a remote reference's name, per uri scheme
        self.remote_message = {scheme: f": {not_fetched(kind, scheme)}" for scheme in ("https", "http")}
        self._item_pointers: list[str] = []

    def found_in(self, request: dict[str, Any]) -> Iterable[tuple[str, Any]]:
        """``match_pattern(request, self.pattern)``, the common shapes without its walk: the
        named keys looked up in objects, then the value there, the items of a list there (their
        pointers, ``/video_urls/0``, ..., kept from one request to the next) or of an object there."""
        node: Any = request
        for key in self.named:
            if type(node) is not dict:  # (a number may index an array: the walk's)
                return match_pattern(request, self.pattern)
            if key not in node:
                return ()
            node = node[key]
        if not self.rest:
            return ((self.at, node),)
        if self.rest != ("*",):
            return match_pattern(request, self.pattern)
        if type(node) is dict:  # a map of references (voice_bindings): each key's pointer
            return [(f"{self.at}/{escape_pointer_token(key)}", value) for key, value in node.items()]
        if type(node) is not list:
            return match_pattern(request, self.pattern)
        pointers = self._item_pointers
        while len(pointers) < len(node):
            pointers.append(f"{self.at}/{len(pointers)}")
        return zip(pointers, node, strict=False)  # (more pointers kept than this list has items)


class AssetPlan:
    """What the asset check reads of one model's data, worked out once per model (``registry.derived``)."""

    __slots__ = ("kinds", "patterns", "media", "overrides", "remote_rule", "remote_alone")

    def __init__(self, profile_meta: dict[str, Any]) -> None:
        self.kinds: dict[str, str] = profile_meta.get("assets") or {}  # pointer pattern -> image | video | audio | ...
        self.patterns = [AssetPattern(pattern, kind) for pattern, kind in self.kinds.items()]
        self.media: dict[str, Any] = profile_meta.get("media") or {}
        self.overrides: list[dict[str, Any]] = profile_meta.get("media_overrides") or []
        # Whether VL502 is the only asset rule that can speak of a remote reference nothing read:
        # then such a reference gets its finding directly, without a context and the stage's run.
        self.remote_rule = by_name("remote-asset-not-verified")  # VL502
        speaking = [r for r in applying("asset", profile_meta, unread=True) if r.about is None or "remote" in r.about]
        self.remote_alone = speaking == [self.remote_rule] and not self.remote_rule.opt_in


def check_assets(request: dict[str, Any], profile_meta: dict[str, Any], base_dir: Path,
                 options: AssetOptions | None = None,
                 skip: frozenset[str] = frozenset()) -> tuple[list[Diagnostic], dict[str, Any]]:
    """Check every asset ``request`` references against ``profile_meta`` (the schema's
    ``x-vidlint`` object; the rules of the codes in ``skip`` are not run). Returns the diagnostics
    and the facts the cost estimate needs:
    ``input_video_seconds`` (sum over probed reference videos) and ``complete`` (False when
    a reference video's duration is unknown), plus ``assets`` (what each reference led to).
    """
    options = options or AssetOptions()
    diagnostics: list[Diagnostic] = []
    assets: list[dict[str, Any]] = []
    facts: dict[str, Any] = {"input_video_seconds": 0.0, "complete": True, "assets": assets}
    if not isinstance(request, dict):
        return diagnostics, facts
    plan: AssetPlan = derived(profile_meta, AssetPlan)
    asset_maps = options.asset_maps
    remote_results: dict[str, Any] = {}
    if options.session is not None:  # --online: probe this request's http(s) assets, several at once
        remote_results = options.session.probe_all(ref.value for ref in iter_asset_refs(request, plan.kinds)
                                                   if resolve(ref.value, base_dir, asset_maps).how == "remote")
    shortcut = plan.remote_alone
    remote_rule = plan.remote_rule if plan.remote_rule.code not in skip else None
    for entry in plan.patterns:  # one pass over the references (no list of them made first)
        if entry.field is not None and entry.field not in request:
            continue
        kind = entry.kind
        for pointer, value in entry.found_in(request):
            input_video = entry.bills and pointer.startswith("/video_urls/")
            if shortcut and isinstance(value, str) and (scheme := remote_scheme(value, asset_maps)) \
                    and value not in remote_results:  # (an http(s) uri is not blank)
                # nothing reads it and only VL502 can speak of it: that rule's finding, as run_stage would give it
                if remote_rule is not None:
                    diagnostics.append(remote_rule.emit(label(value) + entry.remote_message[scheme], pointer,
                                                        NOT_FETCHED_HINT))
                assets.append({"pointer": pointer, "kind": kind, "resolution": "remote", "path": None, "probe": None})
                if input_video:
                    facts["complete"] = False
                continue
            if not (isinstance(value, str) and value.strip()):
                if entry.pattern == "/video_urls/*":
                    facts["complete"] = False  # a blank video reference: the billed input seconds are unknown
                continue
            resolution = resolve(value, base_dir, asset_maps)
            ref = AssetRef(pointer, value, kind)
            ctx = AssetContext(ref, resolution, limits_for(ref, plan.media.get(kind) or {}, plan.overrides, request))
            if resolution.path is not None:
                ctx.probe = options.probe_cache().probe(resolution.path)
            elif value in remote_results:
                result = remote_results[value]
                ctx.resolution = resolution = Resolution("online", scheme=resolution.scheme)
                ctx.probe = result.probe
                if result.error is not None:
                    diagnostics.append(remote_problem(result.error, pointer, ctx.label))
            diagnostics.extend(run_stage("asset", ctx, profile_meta, skip, unread=ctx.probe is None))
            if ctx.probe is not None and ctx.probe.ok:
                diagnostics.extend(run_stage("media", ctx, profile_meta, skip))
            assets.append({"pointer": pointer, "kind": kind, "resolution": resolution.how, "path": resolution.path,
                           "probe": ctx.probe.to_json() if ctx.probe else None})
            if input_video:
                probe = ctx.probe
                if probe is not None and probe.ok and probe.kind == "video" and probe.duration is not None:
                    facts["input_video_seconds"] = round(facts["input_video_seconds"] + probe.duration, 3)
                else:
                    facts["complete"] = False
    return diagnostics, facts


def remote_problem(error: Any, pointer: str, label: str) -> Diagnostic:
    """The VL8xx for a remote reference's fetch failure, its message prefixed like asset checks'."""
    from vidlint.rules.online import diagnostic_for

    found = diagnostic_for(error, pointer)
    return found.replace(message=f"{label}: {found.message.removeprefix('remote asset: ')}")


def limits_for(ref: AssetRef, limits: dict[str, Any], overrides: list[dict[str, Any]],
               request: dict[str, Any]) -> dict[str, Any]:
    """The media limits for one asset: its kind's, with every matching ``media_overrides``
    entry (``at`` pattern, ``when`` condition) on top; ``why_of`` maps a limit to its reason."""
    if not overrides:
        return limits
    from vidlint.conditions import holds

    merged = dict(limits)
    for entry in overrides:
        if not pattern_matches(entry.get("at", ""), ref.pointer) or not holds(entry.get("when", True), request):
            continue
        for key, value in entry.items():
            if key not in ("at", "when", "why"):
                merged[key] = value
                if entry.get("why"):
                    merged["why_of"] = {**merged.get("why_of", {}), key: entry["why"]}
    return merged


def asset_rules() -> list[Any]:
    """Every asset and media rule, in code order (for documentation and rule listings)."""
    from vidlint.rules.registry import stage_rules

    return sorted([*stage_rules("asset"), *stage_rules("media")], key=lambda r: r.code)

