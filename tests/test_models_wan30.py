"""Every documented limit of the wan3.0 family (wan3.0-text-to-video, -image-to-video,
-reference-video) broken once, each at its JSON pointer, with a clean request beside it; the
media limits with real committed fixtures (fixtures/media); the billing (unpriced, smart
duration held at 30 s); the schemas standalone (check-jsonschema); and the opt-in wan2.7 ->
wan3.0 migration preview (VL235). Linted in process through vidlint.api.lint_bytes."""

from __future__ import annotations

import pytest

from conftest import DROP, FIXTURES, SCHEMAS, check_jsonschema, lint_request, request_builder, run_vidlint, write_request

MEDIA = FIXTURES / "media"
IMG = "https://cdn.example.com/first.jpg"
END = "https://cdn.example.com/last.jpg"
CLIP = "https://cdn.example.com/clip.mp4"
VOICE = "https://cdn.example.com/voice.mp3"
IMGS = [f"https://cdn.example.com/{i}.jpg" for i in range(11)]
CLIPS = [f"https://cdn.example.com/{i}.mp4" for i in range(6)]
SOUNDS = [f"https://cdn.example.com/{i}.mp3" for i in range(6)]

t2v = request_builder({"model": "wan3.0-text-to-video", "prompt": "A kitten runs across a moonlit rooftop"})
i2v = request_builder({"model": "wan3.0-image-to-video", "prompt": "The smile turns into a laugh", "image_start": IMG})
ref = request_builder({"model": "wan3.0-reference-video", "prompt": "The dancer in Image 1 moves to Audio 1",
                       "image_urls": [IMG], "audio_urls": [VOICE]})


def lint(body, *, extend_select=None):
    return lint_request(body, extend_select=extend_select)


def found(body, **kw):
    return [(d.code, d.pointer) for d in lint(body, **kw)[0]]


# (id, breaking request, code, pointer, passing request)
TEXT_TO_VIDEO = [
    ("t2v-prompt-required", t2v(prompt=DROP), "VL101", "", t2v()),
    ("t2v-prompt-type", t2v(prompt=["a cat"]), "VL102", "/prompt", t2v()),
    ("t2v-prompt-truncated", t2v(prompt="k" * 20001), "VL301", "/prompt", t2v(prompt="k" * 20000)),
    ("t2v-prompt-empty", t2v(prompt="  "), "VL302", "/prompt", t2v()),
    ("t2v-no-image-start", t2v(image_start=IMG), "VL205", "/image_start", t2v()),
    ("t2v-no-image-end", t2v(image_end=END), "VL205", "/image_end", t2v()),
    ("t2v-no-image-urls", t2v(image_urls=[IMG]), "VL205", "/image_urls", t2v()),
    ("t2v-no-video-urls", t2v(video_urls=[CLIP]), "VL205", "/video_urls", t2v()),
    ("t2v-no-audio-urls", t2v(audio_urls=[VOICE]), "VL205", "/audio_urls", t2v()),
    ("t2v-no-model-params", t2v(model_params={"file_url": "https://x.example.com/a.pdf"}), "VL205", "/model_params",
     t2v()),
    ("t2v-negative-prompt-is-wan27", t2v(negative_prompt="blur"), "VL107", "/negative_prompt", t2v()),
    ("t2v-prompt-extend-is-wan27", t2v(prompt_extend=True), "VL107", "/prompt_extend", t2v()),
    ("t2v-unknown-field", t2v(aspectRatio="9:16"), "VL105", "/aspectRatio", t2v(aspect_ratio="9:16")),
    ("t2v-duration-low", t2v(duration=1), "VL104", "/duration", t2v(duration=2)),
    ("t2v-duration-zero", t2v(duration=0), "VL104", "/duration", t2v(duration=-1)),
    ("t2v-duration-minus-two", t2v(duration=-2), "VL104", "/duration", t2v(duration=-1)),
    ("t2v-duration-high", t2v(duration=31), "VL104", "/duration", t2v(duration=30)),
    ("t2v-duration-fraction", t2v(duration=5.5), "VL102", "/duration", t2v(duration=6)),
    ("t2v-duration-string", t2v(duration="5"), "VL102", "/duration", t2v(duration=5)),
    ("t2v-quality-enum", t2v(quality="4k"), "VL103", "/quality", t2v(quality="480p")),
    ("t2v-aspect-enum", t2v(aspect_ratio="21:9"), "VL103", "/aspect_ratio", t2v(aspect_ratio="adaptive")),
    ("t2v-generate-audio-string", t2v(generate_audio="false"), "VL102", "/generate_audio", t2v(generate_audio=False)),
    ("t2v-seed-negative", t2v(seed=-1), "VL104", "/seed", t2v(seed=0)),
    ("t2v-seed-high", t2v(seed=2147483648), "VL104", "/seed", t2v(seed=2147483647)),
    ("t2v-callback-http", t2v(callback_url="http://hooks.example.com/d"), "VL401", "/callback_url",
     t2v(callback_url="https://hooks.example.com/d")),
    ("t2v-callback-long", t2v(callback_url="https://hooks.example.com/" + "a" * 2030), "VL402", "/callback_url",
     t2v(callback_url="https://hooks.example.com/" + "a" * 2000)),
    ("t2v-callback-internal", t2v(callback_url="https://10.0.0.8/done"), "VL403", "/callback_url",
     t2v(callback_url="https://8.8.8.8/done")),
    ("t2v-fits-image-to-video", t2v(image_start=IMG), "VL230", "/model", t2v()),
]

IMAGE_TO_VIDEO = [
    ("i2v-image-start-required", i2v(image_start=DROP), "VL101", "", i2v()),
    ("i2v-end-needs-start", i2v(image_start=DROP, image_end=END), "VL207", "/image_end", i2v(image_end=END)),
    ("i2v-image-start-type", i2v(image_start=[IMG]), "VL102", "/image_start", i2v()),
    ("i2v-image-start-empty", i2v(image_start=""), "VL109", "/image_start", i2v()),
    ("i2v-no-image-urls", i2v(image_urls=[IMG]), "VL205", "/image_urls", i2v()),
    ("i2v-no-video-urls", i2v(video_urls=[CLIP]), "VL205", "/video_urls", i2v()),
    ("i2v-no-audio-urls", i2v(audio_urls=[VOICE]), "VL205", "/audio_urls", i2v()),
    ("i2v-no-model-params", i2v(model_params={"link_url": "https://x.example.com/"}), "VL205", "/model_params", i2v()),
    ("i2v-generation-mode-is-wan27", i2v(generation_mode="first_frame"), "VL107", "/generation_mode", i2v()),
    ("i2v-prompt-truncated", i2v(prompt="k" * 20001), "VL301", "/prompt", i2v(prompt=DROP)),
    ("i2v-duration-high", i2v(duration=31), "VL104", "/duration", i2v(duration=-1)),
    ("i2v-aspect-enum", i2v(aspect_ratio="2:1"), "VL103", "/aspect_ratio", i2v(aspect_ratio="3:4")),
    ("i2v-seed-negative", i2v(seed=-5), "VL104", "/seed", i2v(seed=0)),
    ("i2v-fits-reference-video", i2v(image_start=DROP, prompt="Image 1 waves", image_urls=IMGS[:3]), "VL230", "/model",
     i2v()),
    # media, with real files
    ("i2v-image-format", i2v(image_start="image.gif"), "VL601", "/image_start", i2v(image_start="ok.jpg")),
    ("i2v-image-transparent", i2v(image_start="alpha.png"), "VL608", "/image_start", i2v(image_start="ok.png")),
    ("i2v-image-too-narrow", i2v(image_start="small.png"), "VL603", "/image_start", i2v(image_start="ok.bmp")),
    ("i2v-image-aspect", i2v(image_end="tall.png"), "VL605", "/image_end", i2v(image_end="ok-lossy.webp")),
    ("i2v-image-heic", i2v(image_start="ok.heic"), "VL601", "/image_start", i2v(image_start="ok-lossless.webp")),
]

REFERENCE_VIDEO = [
    ("ref-nothing", ref(prompt=DROP, image_urls=DROP, audio_urls=DROP), "VL201", "", ref(image_urls=DROP, audio_urls=DROP)),
    ("ref-empty-lists-are-nothing", ref(prompt=DROP, image_urls=[], audio_urls=[]), "VL201", "",
     ref(prompt=DROP, audio_urls=[])),
    ("ref-images-max", ref(image_urls=IMGS), "VL108", "/image_urls", ref(image_urls=IMGS[:10])),
    ("ref-videos-max", ref(video_urls=CLIPS), "VL108", "/video_urls", ref(video_urls=CLIPS[:5])),
    ("ref-audio-max", ref(audio_urls=SOUNDS), "VL108", "/audio_urls", ref(audio_urls=SOUNDS[:5])),
    ("ref-no-image-start", ref(image_start=IMG), "VL205", "/image_start", ref()),
    ("ref-no-image-end", ref(image_end=END), "VL205", "/image_end", ref()),
    ("ref-no-voice-bindings", ref(model_params={"voice_bindings": {"image1": VOICE}}), "VL205",
     "/model_params/voice_bindings", ref()),
    ("ref-file-xor-link", ref(model_params={"file_url": "https://x.example.com/deck.pdf",
                                            "link_url": "https://x.example.com/a"}), "VL208", "/model_params",
     ref(model_params={"file_url": "https://x.example.com/deck.pdf"})),
    ("ref-file-format", ref(model_params={"file_url": "https://x.example.com/deck.zip"}), "VL509",
     "/model_params/file_url", ref(model_params={"file_url": "https://x.example.com/deck.PPTX?v=2"})),
    ("ref-file-local-path", ref(model_params={"file_url": "deck.pdf"}), "VL109", "/model_params/file_url",
     ref(model_params={"file_url": "https://x.example.com/deck"})),
    ("ref-link-scheme", ref(model_params={"link_url": "ftp://x.example.com/a"}), "VL109", "/model_params/link_url",
     ref(model_params={"link_url": "https://x.example.com/a"})),
    ("ref-model-params-misplaced", ref(model_params={"duration": 10}), "VL106", "/model_params/duration",
     ref(duration=10)),
    ("ref-model-params-unknown", ref(model_params={"web_search": True}), "VL105", "/model_params/web_search", ref()),
    ("ref-negative-prompt-is-wan27", ref(negative_prompt="x"), "VL107", "/negative_prompt", ref()),
    ("ref-tag-past-end", ref(prompt="Image 2 dances to Audio 1"), "VL310", "/prompt", ref()),
    ("ref-audio-tag-without-audio", ref(audio_urls=DROP), "VL310", "/prompt", ref(prompt="Image 1 dances")),
    ("ref-video-tag-past-end", ref(prompt="Video 1 dances", video_urls=[]), "VL310", "/prompt",
     ref(prompt="Video 1 dances", video_urls=[CLIP])),
    ("ref-tag-spelling", ref(prompt="The dancer in image1 moves to Audio 1"), "VL311", "/prompt", ref()),
    ("ref-tag-ambiguous", ref(prompt="the reference image dances", image_urls=IMGS[:2], audio_urls=DROP), "VL312",
     "/prompt", ref(prompt="the reference image dances", image_urls=IMGS[:1], audio_urls=DROP)),
    ("ref-tags-unnamed", ref(prompt="two people dance"), "VL313", "/prompt", ref()),
    ("ref-duration-high", ref(duration=31), "VL104", "/duration", ref(duration=30)),
    ("ref-seed-negative", ref(seed=-1), "VL104", "/seed", ref(seed=0)),
    ("ref-callback-http", ref(callback_url="http://h.example.com/"), "VL401", "/callback_url",
     ref(callback_url="https://h.example.com/")),
    ("ref-fits-image-to-video", ref(image_urls=DROP, audio_urls=DROP, prompt="a laugh", image_start=IMG, image_end=END),
     "VL230", "/model", ref()),
    # media, with real files
    ("ref-image-format", ref(image_urls=["image.tiff"]), "VL601", "/image_urls/0", ref(image_urls=["ok.jpg"])),
    ("ref-image-transparent", ref(image_urls=["trns.png"]), "VL608", "/image_urls/0", ref(image_urls=["ok.png"])),
    ("ref-image-too-wide", ref(image_urls=["huge-width.png"]), "VL603", "/image_urls/0", ref(image_urls=["ok.png"])),
    ("ref-video-format", ref(video_urls=["webm-named.mp4"]), "VL601", "/video_urls/0", ref(video_urls=["ok.mov"])),
    ("ref-video-too-small", ref(video_urls=["small-res.mp4"]), "VL603", "/video_urls/0", ref(video_urls=["ok.mp4"])),
    ("ref-video-too-wide", ref(video_urls=["huge-width.mp4"]), "VL603", "/video_urls/0", ref(video_urls=["wide.mp4"])),
    ("ref-video-too-short", ref(video_urls=["short.mp4"]), "VL606", "/video_urls/0", ref(video_urls=["ok.mp4"])),
    ("ref-video-too-long", ref(video_urls=["long.mp4"]), "VL606", "/video_urls/0",
     ref(video_urls=["seven-seconds.mp4"])),
    ("ref-videos-total", ref(video_urls=["seven-seconds.mp4"] * 3), "VL613", "/video_urls/2",
     ref(video_urls=["seven-seconds.mp4"] * 2)),
    ("ref-videos-plus-duration", ref(video_urls=["seven-seconds.mp4"], duration=24), "VL233", "/duration",
     ref(video_urls=["seven-seconds.mp4"], duration=23)),
    ("ref-audio-format", ref(audio_urls=["voice.ogg"]), "VL601", "/audio_urls/0", ref(audio_urls=["ok.wav"])),
    ("ref-audio-too-short", ref(audio_urls=["short.wav"]), "VL606", "/audio_urls/0", ref(audio_urls=["ok.mp3"])),
    ("ref-audio-too-long", ref(audio_urls=["sixteen-seconds.mp3"]), "VL606", "/audio_urls/0",
     ref(audio_urls=["long.mp3"])),
    ("ref-audio-total", ref(audio_urls=["long.mp3", "long.mp3"]), "VL613", "/audio_urls/1",
     ref(audio_urls=["long.mp3", "ok.mp3"])),
]

CASES = TEXT_TO_VIDEO + IMAGE_TO_VIDEO + REFERENCE_VIDEO


@pytest.mark.parametrize("case_id, bad, code, pointer, good", CASES, ids=[c[0] for c in CASES])
def test_each_limit_breaks_at_its_pointer_and_passes_when_kept(case_id, bad, code, pointer, good):
    assert (code, pointer) in found(bad)
    assert code not in [c for c, _ in found(good)]


CLEAN = [
    t2v(),
    t2v(duration=-1, quality="1080p", aspect_ratio="16:9", generate_audio=False, seed=0,
        callback_url="https://hooks.example.com/done"),
    i2v(), i2v(prompt=DROP, image_end=END, duration=30, quality="480p", aspect_ratio="adaptive"),
    i2v(image_start="ok.jpg", image_end="ok.png"),
    ref(), ref(prompt=DROP),
    ref(prompt="Video 1 holds Image 3 on the chair in Image 4; Audio 1 plays", image_urls=IMGS[:4], video_urls=[CLIP],
        duration=10, aspect_ratio="adaptive"),
    ref(prompt="Turn this deck into a product ad", image_urls=DROP, audio_urls=DROP,
        model_params={"file_url": "https://x.example.com/product-deck.pptx"}, duration=10, quality="1080p"),
    ref(prompt="Image 1 walks; Video 1 sets the pace; Audio 1 plays", image_urls=["ok.jpg"],
        video_urls=["seven-seconds.mp4", "ok.mp4"], audio_urls=["long.mp3", "ok.wav"], duration=21),
    ref(video_urls=["seven-seconds.mp4"], prompt="Video 1 again", audio_urls=DROP, image_urls=DROP, duration=-1),
]


@pytest.mark.parametrize("body", CLEAN, ids=[f"{b['model']}-{i}" for i, b in enumerate(CLEAN)])
def test_documented_requests_are_clean(body):
    diagnostics, result = lint(body)
    assert [d for d in diagnostics if d.code not in ("VL313",)] == [], diagnostics


# ---- the reference document (model_params.file_url), read through an asset map -------------------

DOCS = "https://docs.example.com/"


def write_pdf(path, pages):
    from PIL import Image

    first, *rest = [Image.new("RGB", (8, 8), "white") for _ in range(pages)]
    first.save(path, save_all=True, append_images=rest)
    return path.name


def write_zip(path, part, counted=None):
    """A zip with ``part`` (OOXML when it is word/... or ppt/...); ``counted``: (element, n) written
    into docProps/app.xml, as Word (Pages) and PowerPoint (Slides) do."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<x/>")
        if counted:
            element, n = counted
            package.writestr("docProps/app.xml", f'<Properties xmlns="http://schemas.openxmlformats.org/'
                             f'officeDocument/2006/extended-properties"><{element}>{n}</{element}></Properties>')
    return path.name


def write_sparse_pdf(path, size):
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(size)
    return path.name


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("documents")
    (folder / "notes.md").write_text("# Product\n\nA deck in words.\n", encoding="utf-8")
    return {"folder": folder, "50.pdf": write_pdf(folder / "50.pdf", 50), "51.pdf": write_pdf(folder / "51.pdf", 51),
            "deck.pptx": write_zip(folder / "deck.pptx", "ppt/presentation.xml"),
            "50-slides.pptx": write_zip(folder / "50-slides.pptx", "ppt/presentation.xml", ("Slides", 50)),
            "51-slides.pptx": write_zip(folder / "51-slides.pptx", "ppt/presentation.xml", ("Slides", 51)),
            "50-pages.docx": write_zip(folder / "50-pages.docx", "word/document.xml", ("Pages", 50)),
            "51-pages.docx": write_zip(folder / "51-pages.docx", "word/document.xml", ("Pages", 51)),
            "deck.zip": write_zip(folder / "deck.zip", "content/readme.xml"),
            "zip-named.docx": write_zip(folder / "zip-named.docx", "content/readme.xml"),
            "notes.md": "notes.md",
            "100MB.pdf": write_sparse_pdf(folder / "100MB.pdf", 100 * 1000 * 1000 + 1),
            "101MiB.pdf": write_sparse_pdf(folder / "101MiB.pdf", 101 * 1024 * 1024)}


def mapped(documents, body):
    _, result = lint_request(body, asset_maps=[(DOCS, documents["folder"])])
    return [(d.code, d.pointer) for d in result.diagnostics if d.code not in ("VL313",)], result


def document(name):
    return ref(prompt="Turn this deck into a product ad", image_urls=DROP, audio_urls=DROP,
               model_params={"file_url": DOCS + name})


@pytest.mark.parametrize("bad, code, good", [
    ("51.pdf", "VL618", "50.pdf"),                 # at most 50 pages
    ("51-pages.docx", "VL618", "50-pages.docx"),   # Word's page count in docProps/app.xml
    ("51-slides.pptx", "VL618", "50-slides.pptx"),  # PowerPoint's slide count
    ("101MiB.pdf", "VL607", "50.pdf"),             # at most 100 MB, whatever a MB is
    ("100MB.pdf", "VL610", "50.pdf"),              # over 100,000,000 bytes, within 100 MiB
    ("deck.zip", "VL601", "deck.pptx"),            # the format from the bytes
    ("zip-named.docx", "VL601", "notes.md"),       # named .docx, but a plain zip inside
    ("no-such.pdf", "VL503", "50.pdf"),
])
def test_reference_document_limits(documents, bad, code, good):
    found, _ = mapped(documents, document(bad))
    assert (code, "/model_params/file_url") in found, found
    assert mapped(documents, document(good))[0] == [], mapped(documents, document(good))[0]


def test_reference_document_messages(documents):
    _, result = mapped(documents, document("51.pdf"))
    (d,) = [d for d in result.diagnostics if d.code == "VL618"]
    assert "document has 51 pages; the limit is at most 50 pages" in d.message
    _, result = mapped(documents, document("deck.zip"))
    (d,) = [d for d in result.diagnostics if d.code == "VL601"]
    assert "document format is zip; accepted document formats: docx, doc" in d.message


def test_unread_document_is_judged_by_its_extension():
    assert ("VL509", "/model_params/file_url") in found(document("deck.zip"))
    assert "VL509" not in [c for c, _ in found(document("deck.pdf"))]
    (d,) = [d for d in lint(document("deck.pdf"))[1].diagnostics if d.code == "VL502"]
    assert "remote document" in d.message and "page count were not verified" in d.message


@pytest.mark.parametrize("kind, mb, build, pointer, maker", [
    ("image", 20, lambda f: i2v(image_start=f), "/image_start", "sparse_jpeg"),
    ("image", 20, lambda f: ref(image_urls=[f]), "/image_urls/0", "sparse_jpeg"),
    ("video", 100, lambda f: ref(video_urls=[f]), "/video_urls/0", "sparse_mp4"),
    ("audio", 15, lambda f: ref(audio_urls=[f]), "/audio_urls/0", "sparse_wav"),
])
def test_file_size_limits(tmp_path, kind, mb, build, pointer, maker):
    """Each kind's documented "MB" limit: over the binary reading is VL607, between the readings VL610,
    at mb x 1,000,000 bytes clean (sparse files of real media, made by tests/media_helpers)."""
    from media_helpers import check_size_limits

    check_size_limits(tmp_path, mb, maker, lambda f: found(build(f)), pointer)


def test_messages_say_the_documented_limit():
    (d,) = [d for d in lint(t2v(duration=0))[0] if d.code == "VL104"]
    assert "2..30, or -1 (smart duration" in d.message
    (d,) = [d for d in lint(ref(video_urls=["seven-seconds.mp4"], duration=24))[0] if d.code == "VL233"]
    assert "the inputs are 7 s and duration is 24 s: 31 s in all; at most 30 s" in d.message
    assert d.hint == "set duration to at most 23"
    (d,) = [d for d in lint(ref(model_params={"voice_bindings": {"image1": VOICE}}))[0] if d.code == "VL205"]
    assert 'standalone material named "Audio N"' in d.message


def test_smart_duration_skips_the_30_second_budget_and_is_held_at_30_seconds():
    diagnostics, result = lint(ref(video_urls=["seven-seconds.mp4"], duration=-1))
    assert "VL233" not in [d.code for d in diagnostics]
    (estimate,) = result.estimates
    assert estimate["billed_seconds"] == 37.0  # 7 s of reference video + the 30 s hold
    assert estimate["usd"] is None and "no price for wan3.0" in estimate["unpriced"]


def test_only_reference_videos_are_billed_as_input():
    _, result = lint(ref(video_urls=["seven-seconds.mp4"], audio_urls=["long.mp3"], duration=10))
    assert result.estimates[0]["billed_seconds"] == 17.0


def test_schemas_stand_alone_with_check_jsonschema(tmp_path):
    for body in (t2v(duration=-1), i2v(image_end=END), ref(model_params={"link_url": "https://x.example.com/a"})):
        path = write_request(tmp_path / f"{body['model']}.json", body)
        result = check_jsonschema(SCHEMAS / f"{body['model']}.json", path)
        assert result.returncode == 0, result.stdout + result.stderr
    path = write_request(tmp_path / "bad.json", ref(duration=0, image_start=IMG))
    result = check_jsonschema(SCHEMAS / "wan3.0-reference-video.json", path)
    assert result.returncode == 1


# --- the wan2.7 -> wan3.0 migration preview (VL235, off by default) ----------------------------

WAN27_REF = {"model": "wan2.7-reference-video", "prompt": "Image 1 says hello", "image_urls": [IMG],
             "negative_prompt": "blur", "model_params": {"voice_bindings": {"image1": VOICE}}}


def test_migration_preview_is_off_by_default():
    assert "VL235" not in [c for c, _ in found(WAN27_REF)]
    assert "VL235" not in [c for c, _ in found(WAN27_REF, extend_select="VL2")]  # a prefix does not switch it on


def test_migration_preview_lists_what_changes_at_each_field():
    diagnostics, _ = lint(WAN27_REF, extend_select="VL235")
    preview = {d.pointer: d for d in diagnostics if d.code == "VL235"}
    assert all(d.severity.label == "info" for d in preview.values())
    assert preview["/model"].message.startswith("moving this request to wan3.0-reference-video changes 3 things")
    assert "does not support model_params.voice_bindings" in preview["/model_params/voice_bindings"].message
    assert preview["/negative_prompt"].message.startswith("on wan3.0-reference-video (VL107): negative_prompt")
    assert "default aspect_ratio changes from 16:9 to adaptive" in preview[""].message
    assert [d.code for d in diagnostics if d.severity.label == "error"] == []  # still a valid wan2.7 request


@pytest.mark.parametrize("body, pointer, words", [
    ({"model": "wan2.7-text-to-video", "prompt": "a cat", "audio_urls": [VOICE]}, "/audio_urls", "takes no media input"),
    ({"model": "wan2.7-image-to-video", "video_urls": [CLIP], "duration": 10}, "/video_urls", "no video continuation"),
    ({"model": "wan2.7-image-to-video", "generation_mode": "first_frame", "image_start": IMG}, "/generation_mode",
     "has no generation_mode"),
    ({"model": "wan2.7-reference-video", "prompt": "Video 1 talks", "video_urls": [CLIP], "audio_urls": [VOICE]},
     "/audio_urls", "standalone material"),
    ({"model": "wan2.7-video-edit", "video_urls": [CLIP]}, "/model", "no video-edit model"),
])
def test_migration_preview_per_model(body, pointer, words):
    diagnostics, _ = lint(body, extend_select="VL235")
    assert any(d.code == "VL235" and d.pointer == pointer and words in d.message for d in diagnostics), diagnostics


def test_migration_preview_for_a_request_that_moves_as_it_is():
    diagnostics, _ = lint({"model": "wan2.7-text-to-video", "prompt": "a cat", "aspect_ratio": "16:9"},
                          extend_select="VL235")
    preview = {d.pointer: d.message for d in diagnostics if d.code == "VL235"}
    assert len(preview) == 2  # the summary and the new generate_audio default
    assert "changes 1 thing " in preview["/model"] and "adds generate_audio" in preview[""]
    assert "prompt up to 20000 characters (was 5000), seed 0..2147483647 (was 1..)" in preview["/model"]


def test_migration_preview_from_the_command_line(tmp_path):
    path = write_request(tmp_path / "r.json", WAN27_REF)
    plain = run_vidlint("lint", "--format", "json", "--isolated", str(path))
    assert "VL235" not in plain.out
    asked = run_vidlint("lint", "--format", "json", "--isolated", "--extend-select", "VL235", str(path))
    codes = [d["code"] for d in asked.json()["files"][0]["diagnostics"]]
    assert codes.count("VL235") == 4 and asked.code == 0
    shown = run_vidlint("rules", "VL235")
    assert "off by default: --extend-select VL235" in shown.out
    for model in ("wan2.7-reference-video", "wan2.7-text-to-video", "wan2.7-image-to-video", "wan2.7-video-edit"):
        assert model in shown.out


def test_models_command_lists_the_family():
    listed = run_vidlint("models").out
    for model in ("wan3.0-text-to-video", "wan3.0-image-to-video", "wan3.0-reference-video"):
        assert model in listed
    assert "wan3.0-reference-video" in run_vidlint("rules", "VL509").out
    assert "wan3.0-reference-video" in run_vidlint("rules", "VL233").out


def test_pdf_page_scan_is_bounded_on_hostile_bytes(tmp_path):
    """A PDF made of 'obj' and '/Type /Pages' fragments with no 'endobj' (and a 10,000-digit
    /Count) is scanned in linear time and yields no page count instead of a crash or a hang."""
    import time

    from vidlint.probe import probe_path

    path = tmp_path / "hostile.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"1 0 obj /Type /Pages " * 60000 + b"/Count " + b"9" * 10000)
    started = time.perf_counter()
    probe = probe_path(path)
    assert time.perf_counter() - started < 2
    assert probe.kind == "document" and probe.format == "pdf" and probe.pages is None and probe.ok


def test_reference_document_online_over_loopback(tmp_path, documents):
    """--online (in process, a real HTTP server on 127.0.0.1): a remote document gets the verdicts
    of a local one (pages, format) with only part of it fetched, and no 'not fetched' info."""
    from media_server import MediaServer

    from vidlint.api import AssetOptions, LintOptions, lint_paths

    with MediaServer() as server:
        for name in ("51.pdf", "deck.zip", "50-slides.pptx", "101MiB.pdf"):
            server.add(name, documents["folder"] / name)
        found_by_name = {}
        for name in ("51.pdf", "deck.zip", "50-slides.pptx", "101MiB.pdf"):
            body = ref(prompt="Turn this deck into a product ad", image_urls=DROP, audio_urls=DROP,
                       model_params={"file_url": server.url("range", name)})
            path = write_request(tmp_path / f"{name}.json", body)
            options = LintOptions(assets=AssetOptions(online=True, allow_private_hosts=True, no_cache=True))
            run = lint_paths([str(path)], options)
            (result,) = list(run.files)
            found_by_name[name] = {(d.code, d.pointer) for d in result.diagnostics}
            assert run.online["bytes_transferred"] < 3 * 1024 * 1024
    at = "/model_params/file_url"
    assert ("VL618", at) in found_by_name["51.pdf"] and ("VL601", at) in found_by_name["deck.zip"]
    assert ("VL607", at) in found_by_name["101MiB.pdf"]
    assert not {code for code, _ in found_by_name["50-slides.pptx"]} & {"VL502", "VL601", "VL607", "VL618", "VL509"}
