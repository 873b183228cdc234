"""Configuration: ``[tool.vidlint]`` in ``pyproject.toml`` or the top level of ``vidlint.toml``.

Found by walking up from the working directory; in one folder ``vidlint.toml`` wins, and a
``pyproject.toml`` without a ``[tool.vidlint]`` table is passed over. Paths and globs in the
file are relative to the folder that holds it. Any problem is a ``ConfigError`` whose text is
``<file>: <key>: <reason>`` (the CLI prints it and exits 2).

The lint hot path calls ``vidlint.settings.discovery.find_config`` on every run; this module (its
dataclasses and validation) is imported only when a file is found.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidlint.core.diagnostics import Severity
from vidlint.settings.discovery import CONFIG_NAMES, display_path, find_config  # noqa: F401 (re-exported)
from vidlint.core.globs import Glob, GlobSet

class ConfigError(Exception):
    """An invalid configuration: ``<file>: <key>: <reason>``."""


@dataclass(frozen=True)
class CodeSuppression:
    """One ``per-file-ignores`` or ``pointer-ignores`` entry (``key`` as written in the file)."""

    key: str
    codes: tuple[str, ...]
    glob: Glob | None = None  # per-file-ignores
    path: str | None = None  # pointer-ignores: the file, relative to the config's folder
    pointer: str | None = None  # pointer-ignores: "" for the whole request


@dataclass(frozen=True)
class Limits:
    max_billed_seconds: float | None = None
    max_usd: float | None = None

    def __bool__(self) -> bool:
        return self.max_billed_seconds is not None or self.max_usd is not None


@dataclass(frozen=True)
class Budget:
    request: Limits = Limits()
    run: Limits = Limits()

    def __bool__(self) -> bool:
        return bool(self.request) or bool(self.run)


@dataclass
class Config:
    path: Path
    select: tuple[str, ...] = ("VL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity | None] = field(default_factory=dict)  # None: "off"
    per_file_ignores: list[CodeSuppression] = field(default_factory=list)
    pointer_ignores: list[CodeSuppression] = field(default_factory=list)
    exclude: list[Glob] = field(default_factory=list)
    fail_on: Severity | None = None
    asset_maps: list[tuple[str, Path]] = field(default_factory=list)
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    budget: Budget = Budget()
    baseline: Path | None = None
    text: str = ""  # the file's text, to point at the line of a stale suppression
    key_prefix: str = ""  # "tool.vidlint." for pyproject.toml

    @property
    def root(self) -> Path:
        return self.path.parent

    def relative(self, path: Path | str) -> str | None:
        """``path`` relative to the configuration's folder, with forward slashes; None when outside.
        Asked for every file of a run (suppressions, excludes): where paths are compared as
        strings (POSIX), the folder is cut off the front of the absolute path, which is what
        ``os.path.relpath`` does with ~40 us of splitting and joining a path."""
        absolute = os.path.abspath(path)
        root = os.path.abspath(os.path.dirname(self.path))
        # (POSIX keeps a leading "//", which relpath reads as "/")
        if os.sep == "/" and not os.altsep and not absolute.startswith("//") and not root.startswith("//"):
            if absolute == root:
                return "."
            prefix = root if root.endswith("/") else root + "/"
            return absolute[len(prefix):] if absolute.startswith(prefix) else None
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:
            return None
        if relative == ".." or relative.startswith(".." + os.sep):
            return None
        return relative.replace(os.sep, "/")

    def enabled(self, code: str) -> bool:
        """The most specific matching selector decides; on a tie, ``ignore`` wins."""
        chosen = max((len(s) for s in (*self.select, *self.extend_select) if code.startswith(s)), default=-1)
        dropped = max((len(s) for s in self.ignore if code.startswith(s)), default=-1)
        return chosen > dropped

    def severity_for(self, code: str, default: Severity) -> Severity | None:
        """The overridden severity (the longest matching code or prefix); None: the rule is off."""
        keys = [k for k in self.severity if code.startswith(k)]
        if not keys:
            return default
        return self.severity[max(keys, key=len)]

    def excluded(self, path: Path | str) -> bool:
        relative = self.relative(path)
        return relative is not None and self._exclude_set.matches(relative)

    @functools.cached_property
    def _exclude_set(self) -> GlobSet:
        """``exclude`` matched as one (made on first use: ``exclude`` is set when the file is read)."""
        return GlobSet(self.exclude)

    def line_of(self, key: str) -> int:
        """The line where ``key`` is written (for diagnostics about the entry); 1 when not found."""
        for number, line in enumerate(self.text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith((f'"{key}"', f"'{key}'", f"{key} ", f"{key}=")):
                return number
        return 1


def load_config(path: Path) -> Config:
    import tomllib

    from vidlint.core.paths import read_text

    shown = display_path(path)
    text = read_text(path, shown, ConfigError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    prefix = ""
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("vidlint") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError(f"{shown}: tool.vidlint: no [tool.vidlint] table")
        prefix = "tool.vidlint."
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: {prefix.rstrip('.') or 'vidlint'}: must be a table")
    config = Config(path=path.resolve(), text=text, key_prefix=prefix)
    _Reader(config, shown, prefix).read(table)
    return config


def with_command_line_selection(config: Config | None, select: str | None = None, extend_select: str | None = None,
                                 ignore: str | None = None) -> Config:
    """``--select`` replaces the configuration's ``select``; ``--extend-select`` and ``--ignore`` add to
    theirs. Each is a comma-separated list of codes or prefixes. ConfigError names the option."""
    if config is None:
        config = Config(path=Path.cwd().resolve() / "<command line>")
    reader = _Reader(config, "", "")
    for option, value in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
        if value is None:
            continue
        codes = tuple(reader.code(option, c.strip()) for c in value.split(",") if c.strip())
        if option == "--select":
            config.select = codes
        elif option == "--extend-select":
            config.extend_select = config.extend_select + codes
        else:
            config.ignore = config.ignore + codes
    return config


# --- validation ---------------------------------------------------------------------------

_KEYS = ("select", "extend-select", "ignore", "severity", "per-file-ignores", "pointer-ignores", "exclude",
         "fail-on", "asset-map", "prices", "budget", "baseline")
_CODE_FORM = re.compile(r"^VL[0-9]{0,3}$")
_BUDGET_LIMITS = ("max-billed-seconds", "max-usd")


def _quote(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace('"', '\\"') + '"'


class _Reader:
    def __init__(self, config: Config, shown: str, prefix: str) -> None:
        self.config, self.shown, self.prefix = config, shown, prefix

    def error(self, key: str, reason: str) -> ConfigError:
        where = f"{self.shown}: " if self.shown else ""
        return ConfigError(f"{where}{self.prefix}{key}: {reason}")

    def unknown_key(self, key: str, known: tuple[str, ...], where: str = "") -> ConfigError:
        from vidlint.core.wording import did_you_mean

        guess = did_you_mean(key, known)
        reason = "unknown key" + (f'; did you mean "{guess}"?' if guess else f" (known: {', '.join(known)})")
        return self.error(where + _quote(key), reason)

    def read(self, table: dict[str, Any]) -> None:
        for key in table:
            if key == "tool" and not self.prefix:
                raise self.error(key, "vidlint.toml holds the settings at the top level, without [tool.vidlint]")
            if key not in _KEYS:
                raise self.unknown_key(key, _KEYS)
        c = self.config
        if "select" in table:
            c.select = self.codes("select", table["select"])
        if "extend-select" in table:
            c.extend_select = self.codes("extend-select", table["extend-select"])
        if "ignore" in table:
            c.ignore = self.codes("ignore", table["ignore"])
        if "severity" in table:
            for code, level in self.table("severity", table["severity"]).items():
                key = f"severity.{_quote(code)}"
                self.code(key, code)
                if not isinstance(level, str) or level.lower() not in ("error", "warning", "info", "off"):
                    raise self.error(key, f"must be one of error, warning, info, off (not {level!r})")
                c.severity[code] = None if level.lower() == "off" else Severity.parse(level)
        if "per-file-ignores" in table:
            for pattern, codes in self.table("per-file-ignores", table["per-file-ignores"]).items():
                key = f"per-file-ignores.{_quote(pattern)}"
                c.per_file_ignores.append(CodeSuppression(pattern, self.codes(key, codes), glob=self.glob(key, pattern)))
        if "pointer-ignores" in table:
            for target, codes in self.table("pointer-ignores", table["pointer-ignores"]).items():
                key = f"pointer-ignores.{_quote(target)}"
                path, pointer = self.pointer_target(key, target)
                c.pointer_ignores.append(CodeSuppression(target, self.codes(key, codes), path=path, pointer=pointer))
        if "exclude" in table:
            c.exclude = [self.glob(f"exclude[{i}]", p) for i, p in enumerate(self.strings("exclude", table["exclude"]))]
        if "fail-on" in table:
            value = table["fail-on"]
            if not isinstance(value, str) or value.lower() not in ("error", "warning", "info"):
                raise self.error("fail-on", f"must be one of error, warning, info (not {value!r})")
            c.fail_on = Severity.parse(value)
        if "asset-map" in table:
            for uri_prefix, folder in self.table("asset-map", table["asset-map"]).items():
                key = f"asset-map.{_quote(uri_prefix)}"
                if "://" not in uri_prefix:
                    raise self.error(key, "the key must be a uri prefix such as \"https://cdn.example.com/\"")
                if not isinstance(folder, str) or not folder.strip():
                    raise self.error(key, "must be a folder (a string), relative to this file's folder")
                c.asset_maps.append((uri_prefix, (c.root / Path(folder).expanduser()).resolve()))
        if "prices" in table:
            self.prices(table["prices"])
        if "budget" in table:
            self.budget(table["budget"])
        if "baseline" in table:
            value = table["baseline"]
            if not isinstance(value, str) or not value.strip():
                raise self.error("baseline", "must be a file name (a string), relative to this file's folder")
            c.baseline = c.root / value

    # --- value readers ---

    def table(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table, not {_toml_type(value)}")
        return value

    def strings(self, key: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of strings, not {_toml_type(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(f"{key}[{index}]", f"must be a string, not {_toml_type(item)}")
        return value

    def codes(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            raise self.error(key, f'must be a list of codes, e.g. ["{value}"]')
        return tuple(self.code(f"{key}[{i}]", code) for i, code in enumerate(self.strings(key, value)))

    def code(self, key: str, code: str) -> str:
        """A full code (VL311) must be a registered rule; a prefix (VL3, VL31) must select some."""
        from vidlint.rules.registry import RENAMED, load_all_rules

        known = load_all_rules()
        if code in RENAMED:
            note = self.error(key, f'"{code}" is now "{RENAMED[code]}" (renamed); read as "{RENAMED[code]}"')
            print(f"vidlint: {note}", file=sys.stderr)  # the same place an error would name, as a note
            return RENAMED[code]
        text = code.strip().upper()
        if text != code or not _CODE_FORM.match(code):
            hint = f'; did you mean "{text}"?' if _CODE_FORM.match(text) else " (codes look like VL311; prefixes like VL3)"
            raise self.error(key, f'"{code}" is not a rule code{hint}')
        if len(code) == 5 and code not in known:
            import difflib

            close = difflib.get_close_matches(code, list(known), n=1, cutoff=0.8)
            hint = f'; did you mean "{close[0]}"?' if close else "; `vidlint rules` lists them"
            raise self.error(key, f'unknown rule code "{code}"{hint}')
        return code

    def glob(self, key: str, pattern: Any) -> Glob:
        from vidlint.core.globs import GlobError, compile_glob

        if not isinstance(pattern, str):
            raise self.error(key, f"must be a glob (a string), not {_toml_type(pattern)}")
        try:
            return compile_glob(pattern)
        except GlobError as exc:
            raise self.error(key, f"bad glob {pattern!r}: {exc}") from None

    def pointer_target(self, key: str, target: str) -> tuple[str, str]:
        path, sep, pointer = target.partition("#")
        if not sep or not path.strip():
            raise self.error(key, 'the key must be "path/to/request.json#/json/pointer"')
        if pointer and not pointer.startswith("/"):
            raise self.error(key, f'the JSON pointer must start with "/" (not "{pointer}")')
        if re.search(r"~(?![01])", pointer):
            raise self.error(key, 'in a JSON pointer "~" must be followed by 0 or 1 (~0 is "~", ~1 is "/")')
        while path.startswith("./"):
            path = path[2:]
        return path.replace("\\", "/").rstrip("/"), pointer

    def number(self, key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0:
            raise self.error(key, f"must be a non-negative number, not {value!r}")
        return float(value)

    def prices(self, value: Any) -> None:
        from vidlint.models import known_models, load_profile, suggest_model

        for model, qualities in self.table("prices", value).items():
            key = f"prices.{_quote(model)}"
            if model not in known_models():
                guess = suggest_model(model)
                raise self.error(key, f'unknown model "{model}"' + (f'; did you mean "{guess}"?' if guess else ""))
            profile = load_profile(model)
            known_qualities = tuple((profile.meta.get("billing", {}).get("usd_per_second") or {}) if profile else {})
            table: dict[str, float] = {}
            for quality, price in self.table(key, qualities).items():
                if known_qualities and quality not in known_qualities:
                    raise self.unknown_key(quality, known_qualities, where=f"{key}.")
                table[quality] = self.number(f"{key}.{_quote(quality)}", price)
            self.config.prices[model] = table

    def budget(self, value: Any) -> None:
        scopes: dict[str, Limits] = {}
        for scope, limits in self.table("budget", value).items():
            if scope not in ("request", "run"):
                if scope in _BUDGET_LIMITS:
                    raise self.error(f"budget.{scope}", "put limits in [budget.request] (each request) or [budget.run] (the whole run)")
                raise self.unknown_key(scope, ("request", "run"), where="budget.")
            key = f"budget.{scope}"
            read: dict[str, float] = {}
            for name, limit in self.table(key, limits).items():
                if name not in _BUDGET_LIMITS:
                    raise self.unknown_key(name, _BUDGET_LIMITS, where=f"{key}.")
                read[name.replace("-", "_")] = self.number(f"{key}.{name}", limit)
            scopes[scope] = Limits(**read)
        self.config.budget = Budget(**scopes)


def _toml_type(value: Any) -> str:
    from vidlint.core.wording import type_name

    return type_name(value).replace("an object", "a table").replace("an array", "a list")
