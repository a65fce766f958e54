"""The store icons, drawn from their source in assets/icon/icon.yaml.

Amazon wants two square PNGs: 108x108 (small) and 512x512 (large). Both are drawn from the same
shapes on a 100x100 plane, four times larger than needed and then scaled down, which smooths the
edges. Pillow (a pinned development dependency) does the drawing; nothing here runs in the skill.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from skill import paths

SOURCE = paths.ROOT / "assets" / "icon" / "icon.yaml"
SIZES = {"small": 108, "large": 512}
_OVERSAMPLE = 4


def load_source(path: Path = SOURCE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        source = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    kinds = {"circle", "line", "rounded"}
    for index, shape in enumerate(source["shapes"]):
        if shape.get("kind") not in kinds:
            raise ValueError(f"{path.name}, shapes[{index}]: kind moet een van {sorted(kinds)} zijn")
    return source


def render(size: int, source: dict[str, Any] | None = None):
    """The icon as an RGB Pillow image of size x size pixels (opaque: no transparent corners)."""
    from PIL import Image, ImageDraw

    source = source or load_source()
    canvas = size * _OVERSAMPLE
    scale = canvas / 100
    image = Image.new("RGB", (canvas, canvas), source["background"])
    draw = ImageDraw.Draw(image)

    def at(point):
        return (point[0] * scale, point[1] * scale)

    for shape in source["shapes"]:
        color = shape["color"]
        if shape["kind"] == "circle":
            (x, y), r = at(shape["center"]), shape["radius"] * scale
            draw.ellipse((x - r, y - r, x + r, y + r), fill=color)
        elif shape["kind"] == "rounded":
            left, top = at(shape["box"][:2])
            right, bottom = at(shape["box"][2:])
            draw.rounded_rectangle((left, top, right, bottom), radius=shape["radius"] * scale, fill=color)
        else:
            points = [at(p) for p in shape["points"]]
            width = shape["width"] * scale
            draw.line(points, fill=color, width=round(width), joint="curve")
            for x, y in (points[0], points[-1]):                      # round ends
                draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=color)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(directory: Path, prefix: str) -> dict[str, Path]:
    """Writes `<prefix>_small.png` and `<prefix>_large.png`; returns them by kind."""
    directory.mkdir(parents=True, exist_ok=True)
    source = load_source()
    written = {}
    for kind, size in SIZES.items():
        path = directory / f"{prefix}_{kind}.png"
        render(size, source).save(path, format="PNG", optimize=True)
        written[kind] = path
    return written
