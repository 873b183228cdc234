"""The language server: lint open request files in memory and publish the findings.

Each open, change and save is linted at once with the media facts the probe cache already
holds (no file is opened for probing on the event loop), and published. When a referenced
file is not in the cache, a full lint runs in a background thread that probes it (and fills
the cache); its findings replace the first ones unless the document changed meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from vidlint import __version__
from vidlint.api import AssetOptions, FileResult, LintOptions, is_tool_text, lint_bytes
from vidlint.load import Document, Source, load_source, walk_skips
from vidlint.lsp import fixes, hover
from vidlint.lsp.ranges import TextPositions, to_lsp, token_end
from vidlint.probe.cache import ProbeCache

log = logging.getLogger(__name__)


class KnownProbes:
    """A probe cache that answers only from what is already known; ``missing`` says whether
    some file would have had to be probed."""

    def __init__(self, cache: ProbeCache) -> None:
        self.cache = cache
        self.missing = False

    def probe(self, path: Any) -> Any:
        found = self.cache.known(path)
        self.missing = self.missing or found is None
        return found

    def flush(self) -> None:
        """Nothing learned here."""


class VidlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("vidlint", __version__)
        self.probes = ProbeCache()
        self.media_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vidlint-probe")
        self.generation: dict[str, int] = {}  # uri -> edits seen; stale background results are dropped
        self.told: set[str] = set()  # configuration problems already shown (once each, not per keystroke)

    def tell(self, message: str) -> None:
        if message not in self.told:
            self.told.add(message)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"vidlint: {message}"))

    def configuration(self, path: Path) -> Any:
        """The configuration that applies to ``path`` (None: none, or one that cannot be read)."""
        from vidlint.settings.config import ConfigError, load_config
        from vidlint.settings.discovery import find_config

        found = find_config(path.parent)
        if found is None:
            return None
        try:
            return load_config(found)
        except ConfigError as exc:
            self.tell(f"{exc} (linting without the configuration)")
            return None

    def lint(self, uri: str, text: str, cache: Any) -> FileResult:
        """``text`` linted as the file ``uri`` names, with its configuration (selection, severities,
        ignores, prices, budget; not the baseline). An excluded file has no findings, and neither
        has JSON that is no request (what walking the workspace skips: package.json, settings
        in .vscode/, JSON Schemas, baselines)."""
        path = Path(to_fs_path(uri) or uri)
        data = text.encode("utf-8")
        root = self.workspace.root_path
        if walk_skips(path, Path(root) if root else None) or (not is_jsonl(uri) and is_tool_text(str(path), data)):
            return FileResult(str(path), None, [])
        config = self.configuration(path)
        if config is not None and config.excluded(path):
            return FileResult(str(path), None, [])
        assets = AssetOptions(cache=cache)
        if config is None:
            return lint_bytes(str(path), data, is_jsonl(uri), path.parent, LintOptions(assets=assets))
        from vidlint.settings.suppressions import Suppressor

        options = LintOptions.from_config(config, assets=assets)
        options.costs.budget = config.budget or None
        result = lint_bytes(str(path), data, is_jsonl(uri), path.parent, options)
        result.diagnostics = Suppressor(config).apply(result.path, result.diagnostics)
        return result

    def publish(self, uri: str, result: FileResult, version: int | None) -> None:
        document = self.workspace.get_text_document(uri)
        positions = TextPositions(document.source, document.lines, document.position_codec)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=[to_lsp(d, positions) for d in result.diagnostics]))

    async def check(self, uri: str) -> None:
        """Lint and publish; a failure is one message to the user, never the end of the server."""
        try:
            await self._check(uri)
        except Exception as exc:  # the editor keeps its server
            log.exception("linting %s failed", uri)
            self.tell(f"internal error linting {uri}: {type(exc).__name__}: {exc}")

    async def _check(self, uri: str) -> None:
        generation = self.generation[uri] = self.generation.get(uri, 0) + 1
        document = self.workspace.get_text_document(uri)
        text, version = document.source, document.version
        known = KnownProbes(self.probes)
        self.publish(uri, self.lint(uri, text, known), version)
        if not known.missing:
            return
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.media_pool, self.lint, uri, text, self.probes)
        if self.generation.get(uri) == generation:
            self.publish(uri, result, version)
        await loop.run_in_executor(self.media_pool, self.probes.flush)  # the folder indexes, for the next run


def is_jsonl(uri: str) -> bool:
    return uri.lower().endswith(".jsonl")


def request_document(uri: str, text: str, offset: int) -> Document | None:
    """The request (a .jsonl file: the line's) that holds ``offset``, if it parses."""
    loaded = load_source(Source(uri, None, is_jsonl(uri)), text.encode("utf-8"))
    for document in loaded.documents:
        end = text.find("\n", document.start) if is_jsonl(uri) else len(text)
        if document.start <= offset <= (len(text) if end == -1 else end):
            return document
    return None


server = VidlintServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: VidlintServer, params: types.DidOpenTextDocumentParams) -> None:
    await ls.check(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: VidlintServer, params: types.DidChangeTextDocumentParams) -> None:
    await ls.check(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: VidlintServer, params: types.DidSaveTextDocumentParams) -> None:
    await ls.check(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: VidlintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.generation[uri] = ls.generation.get(uri, 0) + 1  # drop a background result still on its way
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: VidlintServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    positions = TextPositions(document.source, document.lines, document.position_codec)
    offset = positions.offset_at(params.position)
    request = request_document(document.uri, document.source, offset)
    if request is None or not isinstance(request.value, dict) or not isinstance(request.value.get("model"), str):
        return None
    found = hover.pointer_at(request, offset)
    text = None if found is None else hover.describe(request.value["model"], found[0])
    if found is None or text is None:
        return None
    start = found[1]
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                       range=positions.range(start, token_end(document.source, start, inside_string=False)))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, fixes.FIX_ALL]))
def on_code_action(ls: VidlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    document = ls.workspace.get_text_document(params.text_document.uri)
    positions = TextPositions(document.source, document.lines, document.position_codec)
    return fixes.code_actions(document.uri, document.source, list(params.context.diagnostics), positions,
                              lambda text: ls.lint(document.uri, text, KnownProbes(ls.probes)).diagnostics,
                              params.context.only)


def main() -> int:
    server.start_io()
    return 0
