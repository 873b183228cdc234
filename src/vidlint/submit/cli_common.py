"""Options and error handling shared by `vidlint submit` and `vidlint status`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from vidlint.submit.config import DEFAULT_KEY_ENV, SubmitError, UsageError, poll_interval_from_env


def endpoint_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--api-key-env", default=DEFAULT_KEY_ENV, show_default=True, metavar="NAME",
                     help="Environment variable that holds the API key."),
        click.option("--api-base", metavar="URL",
                     help="API base URL [env EVOLINK_API_BASE; default https://api.evolink.ai]."),
        click.option("--files-base", metavar="URL",
                     help="Files API base URL [env EVOLINK_FILES_BASE; default https://files-api.evolink.ai]."),
        click.option("--ledger", "ledger_path", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
                     help="Ledger file [env VIDLINT_LEDGER; default .vidlint/ledger.jsonl in the project folder]."),
        click.option("--poll-interval", type=float, metavar="SECONDS",
                     help="Seconds between task queries [env VIDLINT_POLL_INTERVAL; default 5]."),
        click.option("--timeout", "http_timeout", type=float, metavar="SECONDS",
                     help="Timeout of each HTTP call [env VIDLINT_HTTP_TIMEOUT; default 60]."),
        click.option("--max-wait", type=float, metavar="SECONDS",
                     help="Stop waiting after this long (the task stays open; resume with `vidlint status`)."),
        click.option("--wait/--no-wait", default=True, show_default=True,
                     help="Poll the task until it ends."),
        click.option("--download", "download_dir", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
                     help="Save the results in DIR, named after the request file, and verify them."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


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
    return Settings(
        key_env=kwargs["api_key_env"], api_base=kwargs.get("api_base"), files_base=kwargs.get("files_base"),
        ledger_path=kwargs.get("ledger_path"), poll_interval=poll_interval_from_env(kwargs.get("poll_interval"), env),
        http_timeout=timeout, max_wait=kwargs.get("max_wait"), wait=kwargs["wait"],
        download_dir=kwargs.get("download_dir"), env=env,
    )


def key_for_scrub(env_name: str) -> str | None:
    return os.environ.get(env_name) or None


def run_guarded(env_name: str, body: Callable[[], int]) -> None:
    """Run a command body: one-line errors, no tracebacks, the key scrubbed from anything shown."""
    from vidlint.submit.config import Scrubber

    scrub = Scrubber(key_for_scrub(env_name))
    try:
        code = body()
    except SubmitError as exc:
        click.echo(scrub(f"vidlint: error: {exc}"), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("vidlint: interrupted; the ledger records what was sent (see `vidlint status`)", err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - a bug must still not print the key or a traceback
        click.echo(scrub(f"vidlint: internal error: {type(exc).__name__}: {exc}"), err=True)
        sys.exit(2)
    sys.exit(code)


def confirm_on_terminal(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError("stdin is not a terminal, so vidlint cannot ask for confirmation: pass --yes to submit")
    return click.confirm(question, default=False, err=True)


__all__ = ["endpoint_options", "build_settings", "run_guarded", "confirm_on_terminal"]
