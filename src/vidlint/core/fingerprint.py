"""Stable identities for findings: the same problem keeps its fingerprint when lines shift.

A fingerprint hashes the file path (forward slashes), the code, the JSON pointer, the record
(line of a .jsonl file) and the message with line numbers masked. It does not use the
finding's line or column, so edits elsewhere in the file do not change it. Baselines, SARIF
``partialFingerprints`` and GitLab Code Quality fingerprints all use it.
"""

from __future__ import annotations

import hashlib
import re

from vidlint.core.diagnostics import Diagnostic

_LINE_NUMBER = re.compile(r"\b(lines?) \d+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def portable_path(path: str) -> str:
    return path.replace("\\", "/")


def normalized_message(message: str) -> str:
    """The message without the line numbers some messages quote ("also set on line 3")."""
    return _LINE_NUMBER.sub(r"\1 N", message)


def message_shape(message: str) -> str:
    """The message with every number masked: "costs about $1.72" and "costs about $2.06" have
    the same shape, so an edited value keeps a baselined finding matched."""
    return _NUMBER.sub("#", message)


def fingerprint(path: str, diagnostic: Diagnostic) -> str:
    parts = (portable_path(path), diagnostic.code, diagnostic.pointer,
             "" if diagnostic.record is None else str(diagnostic.record), normalized_message(diagnostic.message))
    # surrogatepass: a file name that is not UTF-8, or a lone surrogate escape in a message
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
