"""Deterministic request files for the throughput benchmark: mostly valid, a third broken.

``write_corpus(folder, count, seed)`` writes ``count`` files ``req-00000.json`` ... and returns
their paths. Valid requests vary in size and fields; invalid ones break the schema (types,
ranges, enums, unknown and misplaced fields, missing fields), a request rule (too many
references, prompt references, internal callback) or the JSON itself (trailing comma).
Remote https uris only, so nothing is probed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Callable

MODEL = "wan2.7-reference-video"
WORDS = ("the", "robot", "girl", "walks", "through", "a", "neon", "market", "slowly", "turns", "smiles",
         "rain", "camera", "pans", "left", "close-up", "forest", "light", "warm", "dances")


def _prompt(rng: random.Random, images: int, videos: int) -> str:
    parts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))]
    parts += [f"Image {i}" for i in range(1, images + 1)] + [f"Video {i}" for i in range(1, videos + 1)]
    rng.shuffle(parts)
    return " ".join(parts)


def valid_request(rng: random.Random) -> dict[str, Any]:
    images = rng.randint(0, 3)
    videos = rng.randint(0 if images else 1, 5 - images if images else 2)
    request: dict[str, Any] = {"model": MODEL, "prompt": _prompt(rng, images, videos)}
    if images:
        request["image_urls"] = [f"https://cdn.example.com/refs/{rng.randrange(10**6)}.jpg" for _ in range(images)]
    if videos:
        request["video_urls"] = [f"https://cdn.example.com/refs/{rng.randrange(10**6)}.mp4" for _ in range(videos)]
    if rng.random() < 0.5:
        request["quality"] = rng.choice(["720p", "1080p"])
    if rng.random() < 0.5:
        request["duration"] = rng.randint(2, 10)
    if rng.random() < 0.3:
        request["seed"] = rng.randint(1, 2**31 - 1)
    if rng.random() < 0.3:
        request["negative_prompt"] = "blurry, watermark"
    if rng.random() < 0.3 and images:
        request["model_params"] = {"voice_bindings": {"image1": "https://cdn.example.com/voices/a.mp3"}}
    if rng.random() < 0.2:
        request["callback_url"] = "https://hooks.example.com/done"
    return request


def _break(rng: random.Random, request: dict[str, Any]) -> dict[str, Any] | str:
    breakers: list[Callable[[], dict[str, Any] | str]] = [
        lambda: {**request, "duration": str(request.get("duration", 5))},
        lambda: {**request, "duration": 99},
        lambda: {**request, "seed": 0},
        lambda: {**request, "quality": "4k"},
        lambda: {**request, "aspectRatio": "9:16"},
        lambda: {**request, "model_params": {"duration": 10}},
        lambda: {k: v for k, v in request.items() if k != "prompt"},
        lambda: {**request, "image_urls": [f"https://cdn.example.com/{i}.jpg" for i in range(6)]},
        lambda: {**request, "prompt": request["prompt"] + " Image 9 and image 2"},
        lambda: {**request, "callback_url": "http://127.0.0.1/hook"},
        lambda: json.dumps(request, indent=2)[:-2] + ",\n}",  # trailing comma
    ]
    return rng.choice(breakers)()


def write_corpus(folder: Path, count: int = 10_000, seed: int = 8, invalid_share: float = 0.35) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for number in range(count):
        request: dict[str, Any] | str = valid_request(rng)
        if rng.random() < invalid_share:
            request = _break(rng, request)  # type: ignore[arg-type]
        text = request if isinstance(request, str) else json.dumps(request, indent=2, ensure_ascii=False)
        path = folder / f"req-{number:05d}.json"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_batch(path: Path, count: int, seed: int = 8, invalid_share: float = 0.35) -> Path:
    """One JSON Lines batch of ``count`` records drawn like ``write_corpus``'s files, one line each
    (a broken record's trailing comma makes that line unparsable)."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for _ in range(count):
            request: dict[str, Any] | str = valid_request(rng)
            if rng.random() < invalid_share:
                request = _break(rng, request)  # type: ignore[arg-type]
            text = json.dumps(json.loads(request[:-3] + "}")) [:-1] + ",}" if isinstance(request, str) \
                else json.dumps(request, ensure_ascii=False)
            out.write(text + "\n")
    return path
