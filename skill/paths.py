"""Where the skill's data lives, resolved from this file and never from the working directory.

`HAMSTRING_CONTENT_DIR` and `HAMSTRING_MODEL_DIR` point elsewhere (tests use them to load broken
copies; deployments can ship content separately).
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    return Path(os.environ.get("HAMSTRING_CONTENT_DIR") or ROOT / "content")


def model_dir() -> Path:
    return Path(os.environ.get("HAMSTRING_MODEL_DIR") or ROOT / "interaction_model")


def model_file(locale: str = "nl-NL") -> Path:
    return model_dir() / f"{locale}.json"
