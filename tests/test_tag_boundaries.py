"""Engine details the model families rely on: ASCII reference tags written right against
Chinese text, which sibling VL230 names among equally good fits, and .heif / .heic names."""

from __future__ import annotations

import json

import pytest

from vidlint.api import lint_bytes

IMAGES = ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg"]


def codes(request):
    result = lint_bytes("r.json", json.dumps(request, ensure_ascii=False).encode(), False, None)
    return [(d.code, d.pointer, d.message) for d in result.diagnostics if d.code != "VL502"]


@pytest.mark.parametrize("prompt, expected", [
    ("参考@image1的风格，@image2跳舞", []),
    ("@image3的风格", ["VL310"]),
    ("参考@Image1的风格，@image2跳舞", ["VL311"]),
])
def test_seedance_tags_next_to_chinese_text(prompt, expected):
    found = codes({"model": "seedance-2.0-reference-to-video", "prompt": prompt, "image_urls": IMAGES})
    assert [c for c, _, _ in found] == expected, found


def test_wan_tags_next_to_chinese_text():
    found = codes({"model": "wan2.7-reference-video", "prompt": "让Image 1跳舞, Image 3来了", "image_urls": IMAGES})
    assert [(c, m) for c, _, m in found] == [("VL310", 'the prompt refers to "Image 3", but image_urls has 2 entries')]


@pytest.mark.parametrize("model, sibling", [
    ("seedance-2.0-text-to-video", "seedance-2.0-image-to-video"),
    ("seedance-2.0-fast-text-to-video", "seedance-2.0-fast-image-to-video"),
    ("seedance-2.0-mini-text-to-video", "seedance-2.0-mini-image-to-video"),
])
def test_vl230_names_the_sibling_of_the_same_tier(model, sibling):
    found = codes({"model": model, "prompt": "the flower opens", "image_urls": IMAGES[:1]})
    (message,) = [m for c, _, m in found if c == "VL230"]
    assert f"fits {sibling} and passes its checks" in message


def test_heic_content_named_heif_is_no_extension_mismatch(tmp_path):
    import shutil

    from media_helpers import MEDIA

    shutil.copy(MEDIA / "ok-400x300.heic", tmp_path / "frame.heif")
    shutil.copy(MEDIA / "ok-400x300.jpg", tmp_path / "frame.heic")
    request = {"model": "minimax-h3-image-to-video", "prompt": "the bowl steams", "image_start": "frame.heif",
               "image_end": "frame.heic"}
    result = lint_bytes("r.json", json.dumps(request).encode(), False, tmp_path)
    mismatches = [(d.code, d.pointer) for d in result.diagnostics if d.code == "VL602"]
    assert mismatches == [("VL602", "/image_end")]  # a JPEG named .heic still is one


def test_near_miss_wording_follows_the_family():
    seedance = codes({"model": "seedance-2.0-reference-to-video", "prompt": "image 1 dances", "image_urls": IMAGES[:1]})
    assert [m for c, _, m in seedance if c == "VL311"] == [
        '"image 1" is not the explicit tag the docs recommend (natural-language numbering may still be understood); '
        'write "@image1"']
    wan = codes({"model": "wan2.7-reference-video", "prompt": "image 1 dances", "image_urls": IMAGES[:1]})
    assert [m for c, _, m in wan if c == "VL311"] == ['"image 1" is not read as a reference; the model reads "Image 1"']
