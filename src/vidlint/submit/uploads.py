"""Local assets in a request: find them, check they may be uploaded, swap in the uploaded URLs.

Which fields hold assets comes from the model profile (``x-vidlint.assets``: JSON-pointer
patterns where ``*`` matches any array index or object key). A value is local when it has no
URL scheme (or is a ``file:`` URL); relative paths resolve against the request file's folder,
by ``vidlint.check.assets.resolve``, the lint's own resolver.
Only regular files inside the project folder are uploaded, after resolving symlinks.
"""

from __future__ import annotations

import copy
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from vidlint.check.assets import resolve
from vidlint.core.pointers import match_pattern, split_pointer

# What the stream upload API documents (file-series/upload-stream.json).
DOCUMENTED_UPLOAD_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


@dataclass
class LocalAsset:
    """One local file referenced by one or more pointers in the request."""

    path: Path
    kind: str
    pointers: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    size: int = 0
    mime_type: str = "application/octet-stream"
    url: str | None = None

    @property
    def documented_type(self) -> bool:
        return self.mime_type in DOCUMENTED_UPLOAD_TYPES


@dataclass
class UploadPlan:
    assets: list[LocalAsset] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def iter_asset_values(request: Any, patterns: dict[str, str]) -> Iterator[tuple[str, str, Any]]:
    """(pointer, kind, value) for every value matching a pattern, in pattern order."""
    for pattern, kind in patterns.items():
        for pointer, value in match_pattern(request, pattern):
            yield pointer, kind, value


def sniff_mime(path: Path) -> str:
    from vidlint.core.mediatypes import sniff_mime as sniff

    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        head = b""
    return sniff(head) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def plan_uploads(request: dict[str, Any], patterns: dict[str, str], request_dir: Path,
                 project_root: Path) -> UploadPlan:
    plan = UploadPlan()
    by_path: dict[Path, LocalAsset] = {}
    root = project_root.resolve()
    for pointer, kind, value in iter_asset_values(request, patterns):
        if not isinstance(value, str) or not value:
            continue
        # The same resolution as the lint's asset check, so what is uploaded is what was checked.
        resolution = resolve(value, request_dir, [])
        if resolution.how == "invalid":
            plan.errors.append(f"{pointer}: {value!r}: {resolution.reason}")
            continue
        if resolution.how != "local" or resolution.path is None:
            continue  # a URL the API fetches itself
        try:
            resolved = Path(resolution.path).resolve(strict=True)
        except (FileNotFoundError, NotADirectoryError):
            plan.errors.append(f"{pointer}: local file {value!r} does not exist")
            continue
        except (OSError, RuntimeError) as exc:
            plan.errors.append(f"{pointer}: cannot resolve {value!r} ({exc})")
            continue
        if not resolved.is_relative_to(root):
            plan.errors.append(f"{pointer}: {value!r} resolves to {resolved}, outside the project folder "
                               f"{root}; only files inside it are uploaded")
            continue
        if not resolved.is_file():
            plan.errors.append(f"{pointer}: {value!r} is not a regular file")
            continue
        asset = by_path.get(resolved)
        if asset is None:
            asset = by_path[resolved] = LocalAsset(resolved, kind, size=resolved.stat().st_size,
                                                   mime_type=sniff_mime(resolved))
            plan.assets.append(asset)
            if not asset.documented_type:
                plan.warnings.append(
                    f"{pointer}: {value} is {asset.mime_type}; the files API documents only JPEG, PNG, "
                    "GIF and WEBP uploads, so this upload may be refused")
        asset.pointers.append(pointer)
        asset.values.append(value)
    return plan


def apply_uploads(request: dict[str, Any], plan: UploadPlan) -> dict[str, Any]:
    """A copy of the request body to send: uploaded URLs in place of local paths, no ``$schema``."""
    body = copy.deepcopy({k: v for k, v in request.items() if k != "$schema"})
    for asset in plan.assets:
        for pointer in asset.pointers:
            _set(body, split_pointer(pointer), asset.url if asset.url is not None else f"<upload of {asset.path.name}>")
    return body


def _set(node: Any, tokens: list[str], value: Any) -> None:
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    last = tokens[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
