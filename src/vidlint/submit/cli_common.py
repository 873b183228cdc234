"""Options and error handling shared by `vidlint submit` and `vidlint status`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from vidlint.cli.base import FILE, FOLDER
from vidlint.submit.config import DEFAULT_KEY_ENV, SubmitError, UsageError, poll_interval_from_env

F = TypeVar("F", bound=Callable[..., Any])

# The options submit and status share, one per line (applied bottom-up: listed here top-down).
ENDPOINT_OPTIONS = [
    click.option("--api-key-env", default=DEFAULT_KEY_ENV, metavar="NAME",
                 help=f"Environment variable that holds the API key. [default: {DEFAULT_KEY_ENV}]"),
    click.option("--api-base", metavar="URL", help="API base URL [env EVOLINK_API_BASE; default https://api.evolink.ai]."),
    click.option("--files-base", metavar="URL",
                 help="Files API base URL [env EVOLINK_FILES_BASE; default https://files-api.evolink.ai]."),
    click.option("--ledger", "ledger_path", type=FILE, metavar="FILE",
                 help="Ledger file [env VIDLINT_LEDGER; default .vidlint/ledger.jsonl in the project folder]."),
    click.option("--poll-interval", type=float, metavar="SECONDS",
                 help="Seconds between task queries [env VIDLINT_POLL_INTERVAL; default 5]."),
    click.option("--timeout", "http_timeout", type=float, metavar="SECONDS",
                 help="Timeout of each HTTP call [env VIDLINT_HTTP_TIMEOUT; default 60]."),
    click.option("--max-wait", type=float, metavar="SECONDS",
                 help="Stop waiting after this long (the task stays open; resume with `vidlint status`)."),
    click.option("--wait/--no-wait", default=True, help="Poll the task until it ends. [default: wait]"),
    click.option("--download", "download_dir", type=FOLDER, metavar="DIR",
                 help="Save the results in DIR, named after the request file, and verify them (never over a file)."),
    click.option("--max-download", metavar="SIZE",
                 help="Largest result to download, in bytes or with K, M, G [env VIDLINT_MAX_DOWNLOAD; default 2G]."),
]


def endpoint_options(function: F) -> F:
    for option in reversed(ENDPOINT_OPTIONS):
        function = option(function)
    return function


def build_settings(**kwargs: Any):  # type: ignore[no-untyped-def]
    from vidlint.submit.session import Settings

    env = dict(os.environ)
    timeout = kwargs.get("http_timeout")
    if timeout is None:
        raw = env.get("VIDLINT_HTTP_TIMEOUT")
        try:
            timeout = float(raw) if raw else 60.0
        except ValueError:
            raise UsageError(f"VIDLINT_HTTP_TIMEOUT={raw!r} is not a number of seconds") from None
    if timeout <= 0:
        raise UsageError("--timeout must be positive")
    ledger_path, download_dir = kwargs.get("ledger_path"), kwargs.get("download_dir")
    max_download = parse_size(kwargs.get("max_download") or env.get("VIDLINT_MAX_DOWNLOAD") or "2G")
    return Settings(
        key_env=kwargs["api_key_env"], api_base=kwargs.get("api_base"), files_base=kwargs.get("files_base"),
        ledger_path=Path(ledger_path) if ledger_path is not None else None,
        poll_interval=poll_interval_from_env(kwargs.get("poll_interval"), env),
        http_timeout=timeout, max_wait=kwargs.get("max_wait"), wait=kwargs["wait"],
        download_dir=Path(download_dir) if download_dir is not None else None, max_download=max_download,
        env=env,
    )


def parse_size(text: str) -> int:
    """``2G``, ``500M``, ``64K`` or plain bytes (binary units)."""
    raw = text.strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}.get(raw[-1:], 1)
    number = raw[:-1] if scale > 1 else raw
    try:
        size = int(float(number) * scale)
    except ValueError:
        raise UsageError(f"--max-download {text!r} is not a size (bytes, or a number with K, M or G)") from None
    if size <= 0:
        raise UsageError("--max-download must be positive")
    return size


def key_for_scrub(env_name: str) -> str | None:
    return os.environ.get(env_name) or None


def run_guarded(env_name: str, body: Callable[[], int]) -> int:
    """Run a command body: one-line errors, no tracebacks, the key scrubbed from anything shown; the exit code."""
    from vidlint.submit.config import Scrubber

    scrub = Scrubber(key_for_scrub(env_name))
    try:
        return body()
    except SubmitError as exc:
        print(scrub(f"vidlint: error: {exc}"), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("vidlint: interrupted; the ledger records what was sent (see `vidlint status`)", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise  # the reader of stdout went away: vidlint.cli.main ends quietly
    except Exception as exc:  # noqa: BLE001 - a bug must still not print the key or a traceback
        from vidlint.cli.errors import report_internal_error

        report_internal_error(exc, scrub)
        return 2


def confirm_on_terminal(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError("stdin is not a terminal, so vidlint cannot ask for confirmation: pass --yes to submit")
    return ask_yes_no(question)


def ask_yes_no(question: str) -> bool:
    """``question [y/N]: `` on stderr; yes only for y or yes (any case), no on anything else or end of input."""
    sys.stderr.write(f"{question} [y/N]: ")
    sys.stderr.flush()
    answer = sys.stdin.readline(256)  # bounded: a yes or a no
    if not answer.endswith("\n"):
        sys.stderr.write("\n")  # end of input: finish the prompt's line
    return answer.strip().lower() in ("y", "yes")


__all__ = ["endpoint_options", "build_settings", "run_guarded", "confirm_on_terminal", "ask_yes_no"]
