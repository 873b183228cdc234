"""Task failure codes (task-management/error-codes.mdx): who must act, and is resubmitting worth it."""

from __future__ import annotations

from typing import Any

# code -> (what to do, resubmit the same request unchanged?)
CLIENT_ERRORS: dict[str, tuple[str, bool]] = {
    "content_policy_violation": ("change the prompt or references (blocked by safety filters)", False),
    "invalid_parameters": ("fix the parameters", False),
    "image_processing_error": ("use a different image (or a publicly reachable URL)", False),
    "image_dimension_mismatch": ("resize the image to match the request", False),
    "request_cancelled": ("resubmit if you did not cancel it", True),
}
SERVER_ERRORS: dict[str, tuple[str, bool]] = {
    "generation_failed_no_content": ("retry, or try a different prompt", True),
    "service_error": ("retry in 30-60 s; it usually recovers on its own", True),
    "generation_timeout": ("retry later, preferably off-peak", True),
    "resource_exhausted": ("retry in 1-5 minutes", True),
    "quota_exceeded": ("a rate quota: send less often, then retry; a depleted balance: top up the account "
                       "in the Evolink dashboard first", True),
    "service_unavailable": ("retry in a few minutes", True),
    "resource_not_found": ("check the task id", False),
    "unknown_error": ("retry later; contact support with the task id if it persists", True),
}


def describe_task_failure(task_id: str, error: Any, request_name: str | None = None) -> str:
    code = str(error.get("code")) if isinstance(error, dict) and error.get("code") is not None else "unknown_error"
    message = error.get("message") if isinstance(error, dict) else None
    if code in CLIENT_ERRORS:
        action, worth = CLIENT_ERRORS[code]
        side = "client error"
    elif code in SERVER_ERRORS:
        action, worth = SERVER_ERRORS[code]
        side = "server error"
    else:
        action, worth, side = "see the message", False, "undocumented error code"
    resubmit = f"vidlint submit {request_name}" if request_name else "vidlint submit REQUEST"
    advice = (f"worth resubmitting unchanged ({resubmit}); failed tasks are not billed" if worth
              else "not worth resubmitting unchanged")
    line = f"task {task_id} failed: {code} ({side}: {action}; {advice})"
    if message:
        line += ": " + " ".join(str(message).split())
    return line
