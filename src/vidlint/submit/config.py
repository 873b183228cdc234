"""Where requests go and with which key: endpoint bases, the API key, and key scrubbing."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

DEFAULT_API_BASE = "https://api.evolink.ai"
DEFAULT_FILES_BASE = "https://files-api.evolink.ai"
DEFAULT_KEY_ENV = "EVOLINK_API_KEY"
DEFAULT_POLL_INTERVAL = 5.0


class SubmitError(Exception):
    """A problem reported to the user as one line; ``exit_code`` follows the CLI convention."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(SubmitError):
    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


@dataclass(frozen=True)
class Endpoints:
    api_base: str
    files_base: str

    @property
    def create_url(self) -> str:
        return f"{self.api_base}/v1/videos/generations"

    def task_url(self, task_id: str) -> str:
        return f"{self.api_base}/v1/tasks/{task_id}"

    @property
    def upload_url(self) -> str:
        return f"{self.files_base}/api/v1/files/upload/stream"


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, what: str) -> str:
    """Return ``url`` without a trailing slash, or refuse a base the key must not be sent to."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{what} {url!r} is not an http(s) URL")
    if parts.scheme != "https" and not is_loopback_host(parts.hostname):
        raise UsageError(f"{what} {url} is not https: the API key is only sent over https "
                         "(or to a loopback address such as 127.0.0.1)")
    if parts.query or parts.fragment:
        raise UsageError(f"{what} {url!r} must not have a query or fragment")
    return url.strip().rstrip("/")


def resolve_endpoints(api_base: str | None, files_base: str | None,
                      env: Mapping[str, str] | None = None) -> Endpoints:
    env = os.environ if env is None else env
    api = api_base or env.get("EVOLINK_API_BASE") or DEFAULT_API_BASE
    files = files_base or env.get("EVOLINK_FILES_BASE") or DEFAULT_FILES_BASE
    return Endpoints(check_base_url(api, "API base"), check_base_url(files, "files base"))


def read_api_key(env_name: str = DEFAULT_KEY_ENV, env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    key = (env.get(env_name) or "").strip()
    if not key:
        raise UsageError(f"no API key: set the environment variable {env_name} "
                         "(the key is read from the environment only)")
    if any(ch.isspace() for ch in key) or not key.isprintable():
        raise UsageError(f"the API key in {env_name} contains spaces or control characters")
    return key


def poll_interval_from_env(value: float | None, env: Mapping[str, str] | None = None) -> float:
    env = os.environ if env is None else env
    if value is not None:
        return max(0.0, value)
    raw = env.get("VIDLINT_POLL_INTERVAL")
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            raise UsageError(f"VIDLINT_POLL_INTERVAL={raw!r} is not a number of seconds") from None
    return DEFAULT_POLL_INTERVAL


class Scrubber:
    """Replaces every occurrence of the key (and its Bearer header form) in text shown anywhere."""

    def __init__(self, key: str | None) -> None:
        self.key = key or None

    def __call__(self, text: object) -> str:
        text = str(text)
        if self.key and self.key in text:
            text = text.replace(self.key, "***")
        return text


def find_project_root(request_path: Path) -> Path:
    """The project folder of a request: where its ledger lives and which files may be uploaded.

    Inside a git work tree: the repository root. Outside: the nearest folder, from the request's
    own folder up, holding a configuration file (``vidlint.toml`` or ``pyproject.toml`` with
    ``[tool.vidlint]``), else the request's own folder. Never the current directory, so the same
    request submitted from anywhere finds the same ledger.
    """
    from vidlint.settings.discovery import find_config

    folder = request_path.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    config = find_config(folder)
    return config.parent if config is not None else folder
