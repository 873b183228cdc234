"""Budget codes: a request (or the whole run) would cost more than the configured budget.

The budget lives in configuration (``[tool.vidlint.budget.request]`` and ``.run``, keys
``max-billed-seconds`` and ``max-usd``); without one these codes never fire. The cost comes
from the per-request estimate (billed seconds = input reference-video seconds + output
seconds, times the per-second price of the quality, with ``prices`` overrides applied; a model
whose data says ``billing.unpriced`` has no price, so a dollar budget cannot be checked: VL706).
The rules (stage ``cost``) only document; the functions below emit them with ``Rule.emit``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vidlint.core.diagnostics import Diagnostic
from vidlint.core.records import Record, field
from vidlint.rules.registry import rule
from vidlint.core.wording import number

if TYPE_CHECKING:
    from vidlint.settings.config import Budget, Limits


def _usd(value: float) -> str:
    return f"${value:.2f}" if value >= 0.01 or value == 0 else f"${value:.4f}"


@rule("VL701", "request-over-billed-seconds", "error", stage="cost")
def request_over_billed_seconds() -> None:
    """The request would be billed for more seconds than ``budget.request.max-billed-seconds``.

    Billed seconds are the output duration plus the length of every reference video, so a
    15-second output with a 10-second reference video bills 25 seconds.

    Breaks it: ``max-billed-seconds = 20`` and ``"duration": 15`` with an 8-second reference video.
    Fix: a shorter ``duration``, trimmed reference videos, or a larger budget.
    """



def _request_over_billed_seconds(billed: float, limit: float, pointer: str, partial: bool) -> Diagnostic:
    at_least = "at least " if partial else ""
    return request_over_billed_seconds.emit(
        f"the request bills {at_least}{number(billed)} s; the budget allows {number(limit)} s per request", pointer,
        "shorten duration or the reference videos, or raise budget.request.max-billed-seconds")


@rule("VL702", "request-over-usd", "error", stage="cost")
def request_over_usd() -> None:
    """The request's estimated price is over ``budget.request.max-usd``.

    The estimate is billed seconds times the per-second price of the request's ``quality``
    (from the model profile's dated prices, or ``prices`` in the configuration).

    Breaks it: ``max-usd = 1.0`` and a 10-second 1080p request (about $1.44).
    Fix: ``"quality": "720p"``, a shorter ``duration``, or a larger budget.
    """



def _request_over_usd(usd: float, limit: float, pointer: str, partial: bool) -> Diagnostic:
    at_least = "at least " if partial else ""
    return request_over_usd.emit(f"the request costs {at_least}about {_usd(usd)}; the budget allows {_usd(limit)} per request",
                      pointer, "lower quality or duration, or raise budget.request.max-usd")


@rule("VL703", "run-over-billed-seconds", "error", stage="cost")
def run_over_billed_seconds() -> None:
    """The requests of this run together bill more seconds than ``budget.run.max-billed-seconds``.

    Reported once, on the request that takes the running total (in the order the files are
    linted) over the limit.

    Fix: split the batch, shorten requests, or raise the run budget.
    """



def _run_over_billed_seconds(total: float, limit: float, pointer: str) -> Diagnostic:
    return run_over_billed_seconds.emit(f"with this request the run bills {number(total)} s; the budget allows {number(limit)} s per run",
                      pointer, "split the batch, or raise budget.run.max-billed-seconds")


@rule("VL704", "run-over-usd", "error", stage="cost")
def run_over_usd() -> None:
    """The requests of this run together cost more than ``budget.run.max-usd``.

    Reported once, on the request that takes the running total over the limit.

    Fix: split the batch, lower quality or duration, or raise the run budget.
    """



def _run_over_usd(total: float, limit: float, pointer: str) -> Diagnostic:
    return run_over_usd.emit(f"with this request the run costs about {_usd(total)}; the budget allows {_usd(limit)} per run",
                      pointer, "split the batch, or raise budget.run.max-usd")


@rule("VL705", "budget-partial-estimate", "info", stage="cost")
def budget_partial_estimate() -> None:
    """A budget is configured, but the request's cost is only partly known.

    Remote reference videos are not downloaded, so their length (which is billed) is
    unknown; the budget is then checked against a lower bound. Map the uri prefix to a local
    folder (``asset-map``) to measure them.

    Fix: add an ``asset-map`` entry for the videos' host, or reference local files.
    """



def _budget_partial_estimate(reason: str, pointer: str, hint: str) -> Diagnostic:
    return budget_partial_estimate.emit(f"the budget is checked against a partial estimate: {reason}", pointer, hint)


@rule("VL706", "budget-unpriced-model", "warning", stage="cost")
def budget_unpriced_model() -> None:
    """A budget in dollars is configured, but the request's model has no documented price.

    Evolink documents a USD price for few models (see the Prices section of docs/models.md);
    vidlint never makes one up, so a ``max-usd`` budget cannot be checked for the others, and
    the request would be sent unchecked. Only the billed seconds are known.

    Breaks it: ``[tool.vidlint.budget.request] max-usd = 5`` and a ``minimax-h3-text-to-video``
    request.
    Fix: give the model a price in configuration (``[tool.vidlint.prices.MODEL]``, quality ->
    USD per second), or limit ``max-billed-seconds``, which every model can be checked against.
    """


def _budget_unpriced_model(model: Any, keys: list[str], pointer: str) -> Diagnostic:
    name = f'"{model}"' if isinstance(model, str) else "the model"
    table = f"prices.{model}" if isinstance(model, str) else "prices.MODEL"
    return budget_unpriced_model.emit(
        f"{' and '.join(keys)} cannot be checked: Evolink documents no price for {name}",
        pointer, f"set a price per second in [tool.vidlint.{table}], or limit max-billed-seconds")


def budget_pointer(request: dict[str, Any]) -> str:
    """Where budget findings point: the request's ``duration`` when it has one, else the request."""
    return "/duration" if "duration" in request else ""


def check_request_budget(budget: Budget, request: Any, estimate: dict[str, Any] | None) -> list[Diagnostic]:
    """VL701, VL702, VL705 and VL706 for one request (no state: safe in worker processes)."""
    if estimate is None or not isinstance(request, dict) or not budget:
        return []
    pointer = budget_pointer(request)
    partial = not estimate.get("complete", True)
    billed, usd = estimate.get("billed_seconds"), estimate.get("usd")
    found: list[Diagnostic] = []
    limits: Limits = budget.request
    if billed is not None and limits.max_billed_seconds is not None and billed > limits.max_billed_seconds:
        found.append(_request_over_billed_seconds(billed, limits.max_billed_seconds, pointer,
                                                  bool(estimate.get("input_video_unknown"))))
    if usd is not None and limits.max_usd is not None and usd > limits.max_usd:
        found.append(_request_over_usd(usd, limits.max_usd, pointer, partial))
    dollar_limits = [key for key, limit in (("budget.request.max-usd", limits.max_usd),
                                            ("budget.run.max-usd", budget.run.max_usd)) if limit is not None]
    if estimate.get("unpriced") and dollar_limits:
        found.append(_budget_unpriced_model(request.get("model"), dollar_limits, pointer))
    if billed is None:
        found.append(_budget_partial_estimate("the duration is unknown", pointer,
                                              "fix duration (see the error at /duration)"))
    elif estimate.get("input_video_unknown"):
        found.append(_budget_partial_estimate("the length of the reference videos is unknown", pointer,
                                              "map remote videos to local copies with asset-map to measure them"))
    return found


class RunBudget(Record):
    """The run's running totals, fed in the order the files are reported (in the parent process)."""

    limits: Limits
    billed_total: float = field(default=0.0, init=False)
    usd_total: float = field(default=0.0, init=False)
    seconds_reported: bool = field(default=False, init=False)
    usd_reported: bool = field(default=False, init=False)

    def add(self, estimate: dict[str, Any], pointer: str) -> list[Diagnostic]:
        """VL703 / VL704 when this request takes a total over its limit (each once per run)."""
        self.billed_total += estimate.get("billed_seconds") or 0.0
        self.usd_total += estimate.get("usd") or 0.0
        found: list[Diagnostic] = []
        limit = self.limits.max_billed_seconds
        if limit is not None and not self.seconds_reported and self.billed_total > limit:
            self.seconds_reported = True
            found.append(_run_over_billed_seconds(self.billed_total, limit, pointer))
        limit = self.limits.max_usd
        if limit is not None and not self.usd_reported and self.usd_total > limit:
            self.usd_reported = True
            found.append(_run_over_usd(self.usd_total, limit, pointer))
        return found
