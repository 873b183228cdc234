"""The submit and status flows, between the CLI and the client/ledger/uploads parts.

Output rule: results (task id, result URLs, saved files, the dry-run body) go to stdout; progress,
notes and errors go to stderr. Every line passes through the key scrubber.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from vidlint.submit.client import ApiError, EvolinkClient, RetryPolicy, TransportError, UnknownOutcome
from vidlint.submit.console import Console
from vidlint.submit.config import (DEFAULT_KEY_ENV, Endpoints, Scrubber, SubmitError, UsageError,
                                   find_project_root, read_api_key, resolve_endpoints)
from vidlint.submit.download import DEFAULT_MAX_DOWNLOAD_BYTES
from vidlint.submit.ledger import Attempt, Ledger, new_attempt_id, request_key
from vidlint.submit.task_errors import describe_task_failure
from vidlint.submit.upload_cache import UploadCache, content_hash
from vidlint.submit.uploads import UploadPlan, apply_uploads, plan_uploads
from vidlint.submit.verify import probe_duration, verify_download

LEDGER_RELPATH = Path(".vidlint") / "ledger.jsonl"
TERMINAL_FAILURES = ("failed", "cancelled")


@dataclass
class Settings:
    key_env: str = DEFAULT_KEY_ENV
    api_base: str | None = None
    files_base: str | None = None
    ledger_path: Path | None = None
    poll_interval: float = 5.0
    http_timeout: float = 60.0
    max_wait: float | None = None
    wait: bool = True
    download_dir: Path | None = None
    max_download: int = DEFAULT_MAX_DOWNLOAD_BYTES
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadedRequest:
    path: Path
    request: dict[str, Any]
    project_root: Path
    key: str

    @property
    def display_name(self) -> str:
        try:
            return self.path.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return str(self.path)

    @property
    def ledger_name(self) -> str:
        try:
            return self.path.relative_to(self.project_root).as_posix()
        except ValueError:
            return str(self.path)


def load_request(path: Path) -> LoadedRequest:
    """Read a request through lint's hardened reader (regular files only, size-capped: a FIFO or
    /dev/zero is a one-line error, never a hang), keyed as the server sees it."""
    from vidlint.load import PathError, Source, read_source
    from vidlint.submit.profiles import schema_defaults

    try:
        data = read_source(Source(str(path), str(path), False))
        text = data.decode("utf-8-sig")
    except PathError as exc:
        raise UsageError(str(exc)) from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 (run `vidlint lint {path}`)") from None
    records = [line for line in text.splitlines() if line.strip()]
    try:
        request = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        if len(records) > 1:
            raise UsageError(f"{path}: submit sends one request per file; this looks like a JSON Lines "
                             "batch with several requests") from None
        raise UsageError(f"{path}: not valid JSON (run `vidlint lint {path}`)") from None
    if not isinstance(request, dict):
        raise UsageError(f"{path}: the request must be a JSON object")
    resolved = path.resolve()
    key = request_key(request, schema_defaults(request.get("model")))
    return LoadedRequest(resolved, request, find_project_root(resolved), key)


def default_ledger(settings: Settings, project_root: Path) -> Ledger:
    if settings.ledger_path is not None:
        return Ledger(settings.ledger_path)
    env_path = settings.env.get("VIDLINT_LEDGER")
    return Ledger(Path(env_path) if env_path else project_root / LEDGER_RELPATH)


def load_profile(model: Any) -> dict[str, Any]:
    """The model profile (``x-vidlint``) of the model's schema."""
    from vidlint.submit.profiles import profile_for

    return profile_for(model)


def expected_duration(request: dict[str, Any], profile: dict[str, Any]) -> float | None:
    value = request.get("duration", profile.get("defaults", {}).get("duration"))
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _cost_line(request: dict[str, Any], profile: dict[str, Any], plan: UploadPlan, console: Console) -> str | None:
    """The estimate of ``vidlint.check.estimate``, the one estimator: the preflight lint's (it probed
    every asset, local and remote); for a request that was not linted here, the same estimator
    over the local videos submit uploads (remote ones unknown: "at least")."""
    from vidlint.check.estimate import estimate
    from vidlint.submit.preflight import format_lint_estimate

    estimates = console.lint_estimates
    if not estimates:
        local = [probe_duration(a.path)[0] for a in plan.assets if a.kind == "video"]
        videos = request.get("video_urls")
        uploaded = sum(len(a.pointers) for a in plan.assets if a.kind == "video")
        known = None not in local and uploaded >= (len(videos) if isinstance(videos, list) else 0)
        estimates = [estimate(request, profile, sum(d for d in local if d is not None), complete=known)]
    for found in estimates:
        line = format_lint_estimate(found)
        if line:
            return line
    return None


def _check_existing(ledger: Ledger, loaded: LoadedRequest) -> Attempt | None:
    return ledger.blocking(loaded.key)


def _refusal(existing: Attempt, loaded: LoadedRequest) -> str:
    if existing.status in ("sending", "unknown"):
        return (f"{loaded.display_name} was sent before and the outcome is unknown (recorded "
                f"{existing.updated_at}); check your Evolink dashboard for the task: attach it with "
                f"`vidlint status TASK_ID --request {loaded.display_name}`, or if no task was created, "
                f"submit again with --force")
    verb = "already completed as" if existing.status == "completed" else f"already has a live task ({existing.status}):"
    hint = f"`vidlint status {existing.task_id}`"
    return f"{loaded.display_name} {verb} {existing.task_id}; see {hint}, or pass --force to pay for another run"


def submit(path: Path, settings: Settings, *, force: bool, dry_run: bool, yes: bool,
           lint: Callable[[Path, Console], bool], confirm: Callable[[str], bool],
           console: Console | None = None) -> int:
    """The whole ``vidlint submit`` flow; returns the exit code."""
    console = console or Console()
    loaded = load_request(path)
    endpoints = resolve_endpoints(settings.api_base, settings.files_base, settings.env)
    if not lint(loaded.path, console):
        return 1
    profile = load_profile(loaded.request.get("model"))
    ledger = default_ledger(settings, loaded.project_root)

    existing = _check_existing(ledger, loaded)
    if existing is not None and not force and not dry_run:
        console.error(_refusal(existing, loaded))
        return 1

    plan = plan_uploads(loaded.request, profile.get("assets") or {}, loaded.path.parent, loaded.project_root)
    for warning in plan.warnings:
        console.warn(warning)
    if plan.errors:
        for problem in plan.errors:
            console.error(problem)
        console.error(f"not submitted: {len(plan.errors)} asset(s) cannot be uploaded")
        return 1

    cost = _cost_line(loaded.request, profile, plan, console)

    if dry_run:
        return _dry_run(loaded, plan, endpoints, cost, existing, console)

    key = read_api_key(settings.key_env, settings.env)
    console.scrub = ledger.scrub = Scrubber(key)
    if cost:
        console.info(cost)
    if not yes and not confirm(f"Submit {loaded.display_name} to {endpoints.api_base}?"):
        console.error("not submitted")
        return 1

    client = EvolinkClient(endpoints, key, key_env=settings.key_env, timeout=settings.http_timeout,
                           retry=RetryPolicy(retry_base=min(2.0, max(0.01, settings.poll_interval))),
                           notify=console.info)
    uploads = _upload_cache(endpoints, console.scrub)
    with client:
        for asset in plan.assets:
            try:
                digest = content_hash(asset.path)
                data = uploads.get(digest)
                if data is not None:
                    asset.url = str(data["file_url"])
                    console.info(f"already uploaded {asset.values[0]} -> {asset.url} (expires {data['expires_at']})")
                    continue
                data = client.upload_file(asset.path, asset.mime_type)
            except SubmitError as exc:
                console.error(f"{exc}; nothing was submitted")
                return 1
            except OSError as exc:
                console.error(f"cannot read {asset.values[0]}: {exc.strerror or exc}; nothing was submitted")
                return 1
            uploads.put(digest, data)
            asset.url = str(data["file_url"])
            console.info(f"uploaded {asset.values[0]} -> {asset.url} (expires {data.get('expires_at', 'in 72 h')})")
        body = apply_uploads(loaded.request, plan)
        return _create_and_follow(client, ledger, loaded, profile, body, settings, console, force)


def _upload_cache(endpoints: Endpoints, scrub: Scrubber) -> UploadCache:
    from vidlint.core.paths import cache_folder

    return UploadCache(cache_folder("uploads"), endpoints.files_base, scrub)


def _dry_run(loaded: LoadedRequest, plan: UploadPlan, endpoints: Endpoints, cost: str | None,
             existing: Attempt | None, console: Console) -> int:
    for asset in plan.assets:
        asset.url = f"<file_url of upload {asset.values[0]}>"
        console.info(f"would upload {asset.values[0]} ({asset.mime_type}, {asset.size} bytes; "
                     f"{', '.join(asset.pointers)}) to {endpoints.upload_url}")
    console.info(f"would POST to {endpoints.create_url}:")
    console.out(json.dumps(apply_uploads(loaded.request, plan), indent=2, ensure_ascii=False))
    if cost:
        console.info(cost)
    if existing is not None:
        console.warn(_refusal(existing, loaded))
    console.info("dry run: nothing was sent")
    return 0


def _create_and_follow(client: EvolinkClient, ledger: Ledger, loaded: LoadedRequest, profile: dict[str, Any],
                       body: dict[str, Any], settings: Settings, console: Console, force: bool) -> int:
    attempt_id = new_attempt_id()
    base = {"attempt": attempt_id, "key": loaded.key}
    with ledger.locked():
        existing = ledger.blocking(loaded.key)
        if existing is not None and not force:
            console.error(_refusal(existing, loaded))
            return 1
        ledger.append({**base, "event": "sending", "status": "sending", "request": loaded.ledger_name,
                       "model": body.get("model"), "duration": expected_duration(body, profile)})
        try:
            created = client.create_task(body)
        except UnknownOutcome as exc:
            ledger.append({**base, "event": "unknown", "status": "unknown", "note": str(exc)})
            console.error(f"{exc}")
            console.error("the request was sent but no answer came back, so a task may exist; it was NOT "
                          "resent. Check your Evolink dashboard (or `vidlint status`) before retrying: attach "
                          f"a task with `vidlint status TASK_ID --request {loaded.display_name}`, or if there "
                          "is none, resubmit with --force")
            return 1
        except ApiError as exc:
            ledger.append({**base, "event": "rejected", "status": "rejected",
                           "error": {"http_status": exc.status, "code": exc.code}})
            console.error(str(exc))
            return 1
        except TransportError as exc:
            ledger.append({**base, "event": "rejected", "status": "rejected", "note": f"not sent: {exc}"})
            console.error(f"{exc}; nothing was submitted")
            return 1
        task_id = str(created["id"])
        status = str(created.get("status") or "pending")
        usage = created.get("usage")
        if not isinstance(usage, dict):
            usage = {}
        ledger.append({**base, "event": "created", "task_id": task_id, "status": status,
                       "progress": created.get("progress"), "credits_reserved": usage.get("credits_reserved")})
    reserved = usage.get("credits_reserved")
    console.out(f"task {task_id} created" + (f" ({reserved} credits reserved)" if reserved is not None else ""))
    if not settings.wait:
        console.info(f"not waiting; follow it with `vidlint status {task_id}`")
        return 0
    attempt = ledger.for_task(task_id) or Attempt(attempt_id, loaded.key, loaded.ledger_name, task_id)
    return follow(client, ledger, attempt, settings, console)


def follow(client: EvolinkClient, ledger: Ledger, attempt: Attempt, settings: Settings, console: Console,
           *, once: bool = False) -> int:
    """Poll one task to its end, record every change, then download and verify if asked."""
    assert attempt.task_id is not None
    task_id = attempt.task_id
    base = {"attempt": attempt.attempt, "key": attempt.key, "task_id": task_id}
    deadline = time.monotonic() + settings.max_wait if settings.max_wait else None
    last = (attempt.status, attempt.progress)
    resume = f"resume with `vidlint status {task_id}`"
    while True:
        try:
            task = client.get_task(task_id)
        except SubmitError as exc:
            console.error(f"{exc}; the task stays open in the ledger, {resume}")
            return 1
        status = str(task.get("status") or "unknown")
        progress = task.get("progress") if isinstance(task.get("progress"), int) else None
        console.progress.update(task_id, status, progress)
        if (status, progress) != last:
            event: dict[str, Any] = {**base, "event": "status", "status": status, "progress": progress}
            if status == "completed":
                event["results"] = [str(r) for r in task.get("results") or []]
            if status in TERMINAL_FAILURES:
                event["error"] = task.get("error")
            ledger.append(event)
            last = (status, progress)
        if status == "completed":
            console.progress.finish()
            results = [str(r) for r in task.get("results") or []]
            attempt.results = results
            return _finish(client, ledger, attempt, results, settings, console)
        if status in TERMINAL_FAILURES:
            error = task.get("error")
            if status == "cancelled" and not error:
                error = {"code": "request_cancelled", "message": "the task was cancelled"}
            console.error(describe_task_failure(task_id, error, attempt.request))
            return 1
        if once:
            console.progress.finish()
            console.info(f"task {task_id} is {status}; {resume}")
            return 0
        if deadline is not None and time.monotonic() >= deadline:
            console.error(f"task {task_id} is still {status} after {settings.max_wait:g} s; {resume}")
            return 1
        time.sleep(settings.poll_interval)


def _download_stem(attempt: Attempt, index: int, count: int) -> str:
    stem = Path(attempt.request).stem if attempt.request else attempt.task_id or "result"
    return f"{stem}-{index + 1}" if count > 1 else stem


def _finish(client: EvolinkClient, ledger: Ledger, attempt: Attempt, results: list[str], settings: Settings,
            console: Console) -> int:
    from vidlint.submit.download import Downloader, DownloadLimits, make_private_dir

    for url in results:
        console.out(f"result: {url}")
    console.info(f"task {attempt.task_id} completed (result links expire after 24 h)")
    if settings.download_dir is None:
        return 0
    if not results:
        console.error(f"task {attempt.task_id} completed without results to download")
        return 1
    target = settings.download_dir
    try:
        make_private_dir(target)
    except OSError as exc:
        console.error(f"cannot create {target}: {exc.strerror}")
        return 1
    saved: list[str] = []
    code = 0
    limits = DownloadLimits(timeout=settings.http_timeout, max_bytes=settings.max_download)
    with Downloader(client.endpoints, limits, scrub=console.scrub, notify=console.info) as downloader:
        for index, url in enumerate(results):
            try:
                dest, size = downloader.save(url, target, _download_stem(attempt, index, len(results)))
            except SubmitError as exc:
                console.error(f"{exc}; " + _download_advice(attempt, target))
                return 1
            check = verify_download(dest, attempt.duration)
            saved.append(str(dest))
            if check.ok:
                length = f", {check.duration:.2f} s" if check.duration is not None else ""
                console.out(f"saved {dest} ({size} bytes{length})")
            else:
                console.out(f"saved {dest} ({size} bytes)")
                console.error(f"{dest}: {check.problem}")
                code = 1
    ledger.append({"attempt": attempt.attempt, "key": attempt.key, "task_id": attempt.task_id,
                   "event": "downloaded", "status": "completed", "downloads": saved,
                   "verified": code == 0})
    return code


RESULT_LIFETIME_HOURS = 24  # "Generated video links are valid for 24 hours"


def _download_advice(attempt: Attempt, target: Path) -> str:
    """What to do after a failed download: retry, unless the links are past their 24 h life."""
    from datetime import datetime, timezone

    try:
        since = datetime.fromisoformat(str(attempt.created_at).replace("Z", "+00:00"))
        age_hours = (datetime.now(timezone.utc) - since).total_seconds() / 3600
    except ValueError:
        age_hours = 0.0
    if age_hours > RESULT_LIFETIME_HOURS:
        return (f"the task was submitted {age_hours:.0f} h ago and result links are valid for "
                f"{RESULT_LIFETIME_HOURS} h, so they have expired: the video can no longer be downloaded")
    return f"download again with `vidlint status {attempt.task_id} --download {target}`"


def status(task_id: str | None, settings: Settings, *, request_path: Path | None, show_all: bool,
           console: Console | None = None) -> int:
    """``vidlint status``: follow one task, or list (and query once) the ledger's open tasks."""
    console = console or Console()
    loaded = load_request(request_path) if request_path is not None else None
    project_root = loaded.project_root if loaded else find_project_root(Path.cwd() / "-")
    ledger = default_ledger(settings, project_root)
    if task_id is None and loaded is None:
        attempts = ledger.attempts() if show_all else ledger.open_attempts()
    elif task_id is None:
        attempts = ledger.for_key(loaded.key) if loaded else []
    else:
        attempts = []
    if task_id is not None and not task_id.startswith("task-unified-"):
        raise UsageError(f"{task_id!r} is not an Evolink task id (they start with task-unified-)")

    endpoints = resolve_endpoints(settings.api_base, settings.files_base, settings.env)
    if task_id is None and not any(a.task_id and a.live for a in attempts):
        _list(attempts, console, show_all or loaded is not None)
        return 0
    key = read_api_key(settings.key_env, settings.env)
    console.scrub = ledger.scrub = Scrubber(key)
    client = EvolinkClient(endpoints, key, key_env=settings.key_env, timeout=settings.http_timeout,
                           retry=RetryPolicy(retry_base=min(2.0, max(0.01, settings.poll_interval))),
                           notify=console.info)
    with client:
        if task_id is not None:
            attempt = _attempt_for_task(ledger, task_id, loaded, settings)
            return follow(client, ledger, attempt, settings, console, once=not settings.wait)
        return _poll_once(client, ledger, attempts, console)


def _attempt_for_task(ledger: Ledger, task_id: str, loaded: LoadedRequest | None, settings: Settings) -> Attempt:
    known = ledger.for_task(task_id)
    if known is not None:
        return known
    if loaded is not None:
        # Attach a task found in the dashboard to the request whose create outcome was unknown.
        unknown = [a for a in ledger.for_key(loaded.key) if a.status in ("sending", "unknown")]
        attempt_id = unknown[-1].attempt if unknown else new_attempt_id()
        profile = load_profile(loaded.request.get("model"))
        ledger.append({"attempt": attempt_id, "key": loaded.key, "event": "attached", "task_id": task_id,
                       "status": "pending", "request": loaded.ledger_name,
                       "duration": expected_duration(loaded.request, profile)})
        found = ledger.for_task(task_id)
        assert found is not None
        return found
    attempt_id = new_attempt_id()
    ledger.append({"attempt": attempt_id, "key": "", "event": "attached", "task_id": task_id, "status": "pending"})
    found = ledger.for_task(task_id)
    assert found is not None
    return found


def _describe(attempt: Attempt) -> str:
    parts = [attempt.task_id or "(no task id)", attempt.status]
    if attempt.progress is not None and attempt.status in ("pending", "processing"):
        parts.append(f"{attempt.progress}%")
    parts.append(attempt.request or "-")
    parts.append(attempt.updated_at or "")
    return "  ".join(parts)


def _list(attempts: list[Attempt], console: Console, show_all: bool) -> None:
    if not attempts:
        console.info("no open tasks in the ledger" if not show_all else "the ledger has no submissions")
        return
    for attempt in attempts:
        console.out(_describe(attempt))
        if attempt.status in ("sending", "unknown"):
            console.info(f"  outcome unknown: check your Evolink dashboard; attach a task with "
                         f"`vidlint status TASK_ID --request {attempt.request}`, or resubmit with --force")


def _poll_once(client: EvolinkClient, ledger: Ledger, attempts: list[Attempt], console: Console) -> int:
    code = 0
    for attempt in attempts:
        if attempt.task_id and attempt.live:
            try:
                task = client.get_task(attempt.task_id)
            except SubmitError as exc:
                console.error(str(exc))
                code = 1
                continue
            status_ = str(task.get("status") or "unknown")
            progress = task.get("progress") if isinstance(task.get("progress"), int) else None
            if (status_, progress) != (attempt.status, attempt.progress):
                event: dict[str, Any] = {"attempt": attempt.attempt, "key": attempt.key, "task_id": attempt.task_id,
                                         "event": "status", "status": status_, "progress": progress}
                if status_ == "completed":
                    event["results"] = [str(r) for r in task.get("results") or []]
                if status_ in TERMINAL_FAILURES:
                    event["error"] = task.get("error")
                ledger.append(event)
                attempt.apply(event)
            if status_ in TERMINAL_FAILURES:
                console.out(_describe(attempt))
                console.info("  " + describe_task_failure(attempt.task_id, task.get("error"), attempt.request))
                continue
        console.out(_describe(attempt))
        if attempt.status == "completed":
            for url in attempt.results:
                console.out(f"  result: {url}")
    return code
