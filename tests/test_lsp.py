"""`vidlint lsp` driven by a real LSP client (pygls's LanguageClient) over stdio: diagnostics on
open, change and save with UTF-16 ranges, codes and documentation links; hover; media facts
published after the text findings; shutdown and exit."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys

from conftest import EXAMPLES, SRC
from lsprotocol import types
from pygls.lsp.client import LanguageClient


class Session:
    """A started server and the diagnostics it published, per uri, in order."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published: dict[str, list[list[types.Diagnostic]]] = {}
        self.arrived = asyncio.Event()

    async def next_diagnostics(self, uri: str, count: int = 1, timeout: float = 20) -> list[types.Diagnostic]:
        """Wait until ``uri`` has had ``count`` publications in all; the last one."""
        async def wait() -> None:
            while len(self.published.get(uri, [])) < count:
                self.arrived.clear()
                await self.arrived.wait()
        await asyncio.wait_for(wait(), timeout)
        return self.published[uri][count - 1]

    def open(self, uri: str, text: str, language: str = "json") -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))


async def start_server(tmp_path) -> Session:
    client = LanguageClient("vidlint-test", "1")
    session = Session(client)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        session.published.setdefault(params.uri, []).append(params.diagnostics)
        session.arrived.set()

    env = {k: v for k, v in os.environ.items() if not k.startswith("VIDLINT_")}
    env.update(PYTHONPATH=str(SRC), VIDLINT_CACHE_DIR=str(tmp_path / "cache"))
    await client.start_io(sys.executable, "-m", "vidlint", "lsp", env=env, cwd=str(tmp_path))
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri()))
    client.initialized(types.InitializedParams())
    return session


async def stop(session: Session) -> None:
    await session.client.shutdown_async(None)
    session.client.exit(None)
    await session.client.stop()


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_diagnostics_hover_and_changes(tmp_path):
    (tmp_path / "vidlint.toml").write_text("")  # the project's (empty) configuration: nothing from outside
    line = '{"model": "wan2.7-text-to-video", "prompt": "🎬 a chase at dusk", "duration": 99}'
    uri = (tmp_path / "scene.json").as_uri()

    async def scenario() -> None:
        session = await start_server(tmp_path)
        try:
            session.open(uri, line + "\n")
            found = await session.next_diagnostics(uri)
            by_code = {d.code: d for d in found}
            duration = next(d for d in found if d.range.start.line == 0 and "duration" in d.message)
            start = utf16(line[:line.index("99")])  # the emoji counts 2 UTF-16 units: code points would be 1 less
            assert (duration.range.start.character, duration.range.end.character) == (start, start + 2)
            assert duration.severity == types.DiagnosticSeverity.Error
            assert duration.source == "vidlint"
            assert duration.code_description.href.endswith(f"docs/rules.md#{duration.code.lower()}")
            assert "15" in duration.message
            assert by_code  # codes are set

            hover = await session.client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=0, character=utf16(line[:line.index('"duration"')]) + 3)))
            assert "**duration**" in hover.contents.value and "range: 2..15" in hover.contents.value
            assert hover.range.start.character == utf16(line[:line.index('"duration"')])

            fixed = line.replace("99", "10")
            session.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed + "\n")]))
            assert not [d for d in await session.next_diagnostics(uri, 2) if "duration" in d.message]

            broken = fixed.replace('"duration"', '"durration"')
            session.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=broken + "\n")]))
            typo = [d for d in await session.next_diagnostics(uri, 3) if "durration" in d.message]
            assert typo and typo[0].range.start.character == utf16(broken[:broken.index('"durration"')])

            session.client.text_document_did_save(types.DidSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri)))
            assert await session.next_diagnostics(uri, 4) == session.published[uri][2]
        finally:
            await stop(session)

    asyncio.run(scenario())


def test_jsonl_and_malformed_json(tmp_path):
    (tmp_path / "vidlint.toml").write_text("")
    good = json.loads((EXAMPLES / "clean" / "text-to-video-multi-shot.json").read_text())
    good.pop("$schema")
    bad = {**good, "quality": "4k"}
    batch = tmp_path / "batch.jsonl"
    broken = tmp_path / "broken.json"

    async def scenario() -> None:
        session = await start_server(tmp_path)
        try:
            session.open(batch.as_uri(), json.dumps(good) + "\n" + json.dumps(bad) + "\n", "jsonl")
            found = await session.next_diagnostics(batch.as_uri())
            errors = [d for d in found if d.severity == types.DiagnosticSeverity.Error]
            assert errors and {d.range.start.line for d in errors} == {1}
            assert any("4k" in d.message for d in errors)
            session.open(broken.as_uri(), '{"model": "wan2.7-text-to-video",\n  "prompt": "x",,\n}\n')
            syntax = await session.next_diagnostics(broken.as_uri())
            assert [d.code for d in syntax] == ["VL001"] and syntax[0].range.start.line == 1
        finally:
            await stop(session)

    asyncio.run(scenario())


def test_media_facts_arrive_after_the_text_findings(tmp_path):
    (tmp_path / "vidlint.toml").write_text("")
    for name in ("girl.jpg", "rehearsal-31s.mp4"):
        shutil.copy(EXAMPLES / "assets" / name, tmp_path / name)
    request = {"model": "wan2.7-reference-video", "prompt": "Video 1 walks past Image 1",
               "image_urls": ["girl.jpg"], "video_urls": ["rehearsal-31s.mp4"], "duration": 20}
    uri = (tmp_path / "launch.json").as_uri()
    text = json.dumps(request, indent=2) + "\n"

    def media(found):
        return sorted(d.code for d in found if d.code.startswith(("VL5", "VL6")))

    async def scenario() -> None:
        session = await start_server(tmp_path)
        try:
            session.open(uri, text)
            first = await session.next_diagnostics(uri)
            assert media(first) == []  # the text's findings, before any file is probed
            assert any(d.code == "VL203" or "duration" in d.message for d in first)
            second = await session.next_diagnostics(uri, 2)
            assert "VL501" in media(second)  # probed: local files that submit uploads
            too_long = [d for d in second if "31" in d.message and d.code.startswith("VL6")]
            assert too_long and too_long[0].range.start.line == text.splitlines().index(
                '    "rehearsal-31s.mp4"')
            # Probed once: a change is answered from the cache in one publication, media included.
            session.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text.replace("20", "9"))]))
            third = await session.next_diagnostics(uri, 3)
            assert media(third) == media(second)
            await asyncio.sleep(0.5)
            assert len(session.published[uri]) == 3
        finally:
            await stop(session)

    asyncio.run(scenario())


def test_the_files_configuration_applies(tmp_path):
    (tmp_path / "vidlint.toml").write_text('exclude = ["drafts/"]\n[severity]\nVL104 = "warning"\n')
    request = json.dumps({"model": "wan2.7-text-to-video", "prompt": "a cat", "seed": 0}) + "\n"
    kept, excluded = (tmp_path / "a.json").as_uri(), (tmp_path / "drafts" / "b.json").as_uri()

    async def scenario() -> None:
        session = await start_server(tmp_path)
        try:
            session.open(kept, request)
            (seed,) = [d for d in await session.next_diagnostics(kept) if d.code == "VL104"]
            assert seed.severity == types.DiagnosticSeverity.Warning  # the configured severity
            session.open(excluded, request)
            assert list(await session.next_diagnostics(excluded)) == []
        finally:
            await stop(session)

    asyncio.run(scenario())


def test_code_actions_offer_vidlint_fixes(tmp_path):
    (tmp_path / "vidlint.toml").write_text("")
    text = ('{"model": "wan2.7-reference-video", "prompt": "🎬 image 1 waves", '
            '"image_urls": ["https://x.example.com/a.jpg"], "duration": "5"}\n')
    uri = (tmp_path / "r.json").as_uri()

    async def scenario() -> None:
        session = await start_server(tmp_path)
        try:
            session.open(uri, text)
            found = await session.next_diagnostics(uri)
            actions = await session.client.text_document_code_action_async(types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=200)),
                context=types.CodeActionContext(diagnostics=found)))
            by_title = {a.title: a for a in actions}
            quoted = by_title["write 5 without quotes (VL102)"]
            assert quoted.is_preferred and quoted.kind == types.CodeActionKind.QuickFix
            (edit,) = quoted.edit.changes[uri]
            start = utf16(text[:text.index('"5"')])
            assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (start, start + 3, "5")
            tag = by_title['write "Image 1" (VL311, unsafe)']
            assert not tag.is_preferred
            assert tag.edit.changes[uri][0].range.start.character == utf16(text[:text.index("image 1")])
            fix_all = by_title["Fix all safe vidlint findings (1)"]
            assert fix_all.kind == "source.fixAll.vidlint"
            assert fix_all.edit.changes[uri][0].new_text == text.replace('"5"', "5")
        finally:
            await stop(session)

    asyncio.run(scenario())


def test_json_that_is_no_request_gets_no_findings(tmp_path):
    """What walking the workspace skips gets no findings in the editor either: an npm manifest,
    editor settings, the schema `vidlint schema` saved (docs/editors.md), a baseline of any name."""
    from vidlint.models import load_profile
    from vidlint.schema_bundle import bundle

    (tmp_path / "vidlint.toml").write_text("")
    schema = json.dumps(bundle(load_profile("wan2.7-reference-video")), indent=2)
    others = {"package.json": '{"name": "site", "version": "1.0.0"}',
              ".vscode/settings.json": '{"json.schemas": []}',
              "schemas/wan2.7-reference-video.schema.json": schema,
              "schemas/wan27.json": schema,
              "ci/known.json": '{"vidlint-baseline": 1,\n "entries": []}\n'}
    request = (tmp_path / "requests" / "r.json").as_uri()

    async def scenario() -> None:
        session = await start_server(tmp_path)
        try:
            for name, text in others.items():
                session.open((tmp_path / name).as_uri(), text)
            session.open(request, '{"model": "wan2.7-text-to-video", "prompt": "x", "duration": 99}')
            assert [d.code for d in await session.next_diagnostics(request)] == ["VL104"]
            for name in others:
                assert not await session.next_diagnostics((tmp_path / name).as_uri()), name
        finally:
            await stop(session)

    asyncio.run(scenario())
