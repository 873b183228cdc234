"""Hypothesis strategies for requests: valid ones, mutations of them, arbitrary JSON.

Shared by the property tests (nothing raises, positions point inside the file) and the
fast-schema equivalence test (the fast validator agrees with jsonschema).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

MODEL = "wan2.7-reference-video"
FIELDS = ("model", "prompt", "negative_prompt", "image_start", "image_urls", "video_urls", "audio_urls",
          "model_params", "quality", "aspect_ratio", "duration", "seed", "prompt_extend", "callback_url", "$schema")

uris = st.sampled_from([
    "https://cdn.example.com/a.jpg", "https://cdn.example.com/b.mp4", "https://cdn.example.com/v.mp3",
    "refs/local.png", "file:///tmp/x.wav", "", " ", "ftp://example.com/a.jpg", "https://exa mple.com/\u00e9.jpg",
])
prompts = st.one_of(
    st.sampled_from(["Image 1 waves", "Video 1 and Image 2 dance", "image 1 and Video1 and 图1 and 视频2",
                     "the reference image smiles", "", "   ", "Image 9", "Image 01 meets IMAGE 2"]),
    st.text(max_size=80),
)

# Values that break a field's type or range in interesting ways.
odd_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.just(5.0), st.just(1e308), st.just(-0.0),
    st.text(max_size=12), st.sampled_from(["5", "720P", "16/9", "true", "1080p", "9:16", "image1"]),
)

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                         st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=20,
)


@st.composite
def valid_requests(draw: st.DrawFn) -> dict[str, Any]:
    images = draw(st.integers(0, 3))
    videos = draw(st.integers(0 if images else 1, 2))
    request: dict[str, Any] = {"model": MODEL, "prompt": draw(prompts)}
    if images:
        request["image_urls"] = [f"https://cdn.example.com/{i}.jpg" for i in range(images)]
    if videos:
        request["video_urls"] = [f"https://cdn.example.com/{i}.mp4" for i in range(videos)]
    optional = {
        "negative_prompt": st.text(max_size=20),
        "image_start": st.just("https://cdn.example.com/start.jpg"),
        "audio_urls": st.lists(st.just("https://cdn.example.com/v.mp3"), max_size=3),
        "quality": st.sampled_from(["720p", "1080p"]),
        "aspect_ratio": st.sampled_from(["16:9", "9:16", "1:1", "4:3", "3:4"]),
        "duration": st.integers(2, 10),
        "seed": st.integers(1, 2**31 - 1),
        "prompt_extend": st.booleans(),
        "callback_url": st.sampled_from(["https://hooks.example.com/done", "https://10.0.0.1/x"]),
        "model_params": st.just({"voice_bindings": {"image1": "https://cdn.example.com/v.mp3"}}),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            request[name] = draw(strategy)
    return request


@st.composite
def mutated_requests(draw: st.DrawFn) -> dict[str, Any]:
    """A valid request with one to three fields replaced, removed, added or nested wrongly."""
    request = draw(valid_requests())
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["replace", "remove", "add", "nest", "array", "bindings", "value"]))
        name = draw(st.sampled_from(FIELDS))
        if action == "replace":
            request[name] = draw(odd_scalars)
        elif action == "remove":
            request.pop(name, None)
        elif action == "add":
            request[draw(st.sampled_from(["aspectRatio", "image_url", "audio_url", "Duration", "x", "$schema"]))] = draw(odd_scalars)
        elif action == "nest":
            request["model_params"] = {name: draw(odd_scalars)}
        elif action == "array":
            request[draw(st.sampled_from(["image_urls", "video_urls", "audio_urls"]))] = draw(
                st.lists(st.one_of(uris, odd_scalars), max_size=7))
        elif action == "bindings":
            keys = st.sampled_from(["image1", "video1", "image0", "image01", "Image1", "audio1", "image1\n", "video9"])
            request["model_params"] = {"voice_bindings": draw(st.dictionaries(keys, st.one_of(uris, odd_scalars), max_size=6))}
        else:
            request[name] = draw(json_values)
    return request


any_request = st.one_of(valid_requests(), mutated_requests(), json_values,
                        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6))


def dumps(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False)


def _constants(node: Any, found: list[Any]) -> list[Any]:
    """Every enum / const value in a schema document (good candidates for field values)."""
    if isinstance(node, dict):
        if "const" in node:
            found.append(node["const"])
        if isinstance(node.get("enum"), list):
            found.extend(node["enum"])
        for value in node.values():
            _constants(value, found)
    elif isinstance(node, list):
        for value in node:
            _constants(value, found)
    return found


@st.composite
def model_requests(draw: st.DrawFn, model: str, schema: dict[str, Any], shared: dict[str, Any],
                   seeds: list[dict[str, Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """Requests for any model: clean ``seeds`` changed a little, or its own fields (and some of
    the others') with plausible and odd values."""
    seeds = list(seeds)
    fields = [name for name in schema.get("properties", {}) if name != "model"] + ["image_urls", "video_urls", "bogus"]
    constants = [c for c in _constants(schema, []) + _constants(shared, []) if isinstance(c, (str, int, float, bool))]
    value = st.one_of(
        st.sampled_from(constants) if constants else st.nothing(),
        prompts, uris, odd_scalars,
        st.lists(uris, max_size=6),
        st.integers(-1, 16),
        st.dictionaries(st.sampled_from(["image1", "video1", "image0", "x"]), uris, max_size=3),
    )
    request: dict[str, Any] = {}
    if seeds and draw(st.integers(0, 3)):
        request = json.loads(json.dumps(draw(st.sampled_from(seeds))))  # a clean example, changed a little
        for _ in range(draw(st.integers(0, 2))):
            name = draw(st.sampled_from(fields + list(request)))
            if draw(st.booleans()):
                request.pop(name, None)
            else:
                request[name] = draw(value)
        return request
    if draw(st.integers(0, 9)):
        request["model"] = model
    for name in draw(st.lists(st.sampled_from(fields), max_size=8, unique=True)):
        request[name] = draw(value)
    return request
