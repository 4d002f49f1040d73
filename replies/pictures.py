"""The body map and the placement pictures, drawn with matplotlib from the project's own figure.

The figure (knowledge/content/body_figure.yml) and the placements (placements.yml) are vector
data; this module draws them as PNG: the body map (front and back, the 15 areas as numbered
zones) and, per exercise, where the tool goes (spots), how to move (arrows) and the posture (a
pictogram). A picture is drawn once per version: the key is a hash of everything it is drawn
from (the data, the title, this module's DRAWING_VERSION), and the PNG is kept in memory and
under var/pictures/<key>.png, so a second process or a restart reads it instead of drawing.
matplotlib is imported on first draw (Agg canvas, no pyplot state): safe in a server thread.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple

from replies.model import Picture
from settings import settings

if TYPE_CHECKING:
    from knowledge.schema import BodyFigure, Placement, Shape

#: bump when the drawing code changes, so every cached picture is drawn again
DRAWING_VERSION = 1
ROOT = Path(__file__).resolve().parent.parent
TEAL = "#0f766e"
INK = "#1f2933"
SKIN = "#e4e9ee"
OUTLINE = "#52606d"
TOOL = "#b45309"
GREY = "#9aa5b1"
DPI = 120
#: the height of the view shown around an exercise's spots (unit coordinates)
WINDOW = 0.56

_lock = threading.Lock()
_memory: Dict[str, bytes] = {}


def cache_dir() -> Path:
    """Where drawn pictures are kept (PICTURE_CACHE_DIR, default var/pictures)."""
    return Path(settings().picture_cache_dir or ROOT / "var" / "pictures")


@lru_cache(maxsize=1)
def figure_data() -> Tuple[BodyFigure, Dict[str, Placement]]:
    """The body figure and the placements by exercise id, validated (read once per process)."""
    from knowledge.loader import CONTENT_DIR, load_pictures

    figure, placements = load_pictures(CONTENT_DIR)
    return figure, {p.exercise: p for p in placements}


def picture_key(picture: Picture) -> str:
    """The content hash of a picture: what it is drawn from, and the drawing code's version."""
    return _key(picture, DRAWING_VERSION)


@lru_cache(maxsize=512)
def _key(picture: Picture, version: int) -> str:
    figure, placements = figure_data()
    source: Dict[str, Any] = {"version": version, "kind": picture.kind, "title": picture.title}
    if picture.kind == "placement":
        placement = placements.get(picture.exercise or "")
        source.update(figure=figure.dict(exclude={"zones"}), placement=placement.dict() if placement else None)
        source["zone"] = [z.dict() for z in figure.zones if placement and z.area == picture.area]
    else:
        source.update(figure=figure.dict(), numbers=[(z.number, z.area) for z in picture.zones])
    digest = hashlib.sha256(json.dumps(source, sort_keys=True, default=str).encode()).hexdigest()
    return f"{picture.kind}-{digest[:24]}"


def png(picture: Picture) -> bytes:
    """The picture as PNG bytes: from memory, else from the cache directory, else drawn (and kept)."""
    key = picture_key(picture)
    cached = _memory.get(key)
    if cached is not None:
        return cached
    with _lock:
        cached = _memory.get(key)
        if cached is not None:
            return cached
        path = cache_dir() / f"{key}.png"
        try:
            data = path.read_bytes()
        except OSError:
            data = _draw(picture)
            _store(path, data)
        _memory[key] = data
        return data


def data_url(picture: Picture) -> str:
    """The picture inline, as a `data:image/png;base64,...` URL (REST and the widget)."""
    return "data:image/png;base64," + base64.b64encode(png(picture)).decode("ascii")


def _store(path: Path, data: bytes) -> None:
    """Write atomically; a read-only or full disk only costs drawing again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass


def _draw(picture: Picture) -> bytes:
    if picture.kind == "body_map":
        return _body_map(picture)
    if picture.kind == "placement":
        return _placement(picture)
    raise ValueError(f"unknown picture kind {picture.kind!r}")


def _view_axes(
    figure: Any, rect: Tuple[float, float, float, float], aspect: float, window: Tuple[float, float] = (0.0, 1.0)
) -> Any:
    axes = figure.add_axes(rect)
    axes.set_xlim(0, 1)
    axes.set_ylim(window[1], window[0])  # y grows downwards, as in the data
    axes.set_aspect(aspect)
    axes.set_axis_off()
    return axes


def _patch(shape: Shape, aspect: float, **style: Any) -> Any:
    from matplotlib.patches import Ellipse, Polygon

    if shape.ellipse is not None:
        x, y, rx, ry = shape.ellipse
        return Ellipse((x, y), 2 * rx, 2 * ry, **style)
    return Polygon([tuple(p) for p in shape.points or []], closed=True, **style)


def _silhouette(axes: Any, shapes: Iterable[Shape], aspect: float) -> None:
    """All shapes outlined, then all filled again without an outline: one outline around the union."""
    shapes = list(shapes)
    for shape in shapes:
        axes.add_patch(_patch(shape, aspect, facecolor=SKIN, edgecolor=OUTLINE, linewidth=2.2, zorder=1))
    for shape in shapes:
        axes.add_patch(_patch(shape, aspect, facecolor=SKIN, edgecolor="none", zorder=2))


def _zone(axes: Any, shapes: Iterable[Shape], aspect: float, strong: bool = False) -> None:
    for shape in shapes:
        axes.add_patch(
            _patch(shape, aspect, facecolor=TEAL, alpha=0.45 if strong else 0.22, edgecolor=TEAL, linewidth=1.0, zorder=3)
        )


def _canvas_png(figure: Any) -> bytes:
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def _body_map(picture: Picture) -> bytes:
    from matplotlib.figure import Figure

    body, _ = figure_data()
    numbers = {z.area: z.number for z in picture.zones}
    out = Figure(figsize=(6, 6.4), dpi=DPI)
    if picture.title:
        out.text(0.5, 0.975, picture.title, ha="center", va="top", fontsize=14, color=INK)
    for index, view in enumerate(body.views):
        axes = _view_axes(out, (0.02 + index * 0.49, 0.02, 0.47, 0.88), body.aspect)
        _silhouette(axes, view.silhouette, body.aspect)
        for zone in body.zones:
            if zone.view != view.id:
                continue
            _zone(axes, zone.shapes, body.aspect)
            number = numbers.get(zone.area)
            if number is not None:
                x, y = zone.label_at
                disc = {"boxstyle": "circle,pad=0.25", "facecolor": TEAL, "edgecolor": "white", "linewidth": 1}
                axes.text(
                    x, y, str(number), ha="center", va="center", fontsize=9, fontweight="bold", color="white", zorder=5, bbox=disc
                )
        axes.text(0.5, 1.0, view.label, ha="center", va="top", fontsize=12, color=INK, zorder=5)
    return _canvas_png(out)


def _placement(picture: Picture) -> bytes:
    from matplotlib.figure import Figure

    body, placements = figure_data()
    placement = placements.get(picture.exercise or "")
    if placement is None:
        raise KeyError(f"no placement for exercise {picture.exercise!r}")
    view = next(v for v in body.views if v.id == placement.view)
    out = Figure(figsize=(6, 4), dpi=DPI)
    if picture.title:
        out.text(0.5, 0.97, picture.title, ha="center", va="top", fontsize=13, color=INK, wrap=True)
    # the half of the view around the spots, so the tool and the arrows read at phone size
    middle = sum(spot[1] for spot in placement.spots) / len(placement.spots)
    top = min(max(0.0, middle - WINDOW / 2), 1.0 - WINDOW)
    axes = _view_axes(out, (0.02, 0.02, 0.5, 0.86), body.aspect, (top, top + WINDOW))
    _silhouette(axes, view.silhouette, body.aspect)
    for zone in body.zones:
        if zone.area == picture.area and zone.view == view.id:
            _zone(axes, zone.shapes, body.aspect, strong=True)
    for spot in placement.spots:
        _tool(axes, placement.tool, spot[0], spot[1], body.aspect)
    for arrow in placement.arrows:
        _arrow(axes, arrow.direction, arrow.at[0], arrow.at[1], body.aspect)
    axes.text(0.02, 0.98, view.label, transform=axes.transAxes, ha="left", va="top", fontsize=11, color=INK, zorder=8)
    posture = body.postures[placement.posture]
    pictogram = out.add_axes((0.52, 0.16, 0.44, 0.66))
    pictogram.set_xlim(0, 1)
    pictogram.set_ylim(1, 0)
    pictogram.set_aspect(1)
    pictogram.set_axis_off()
    for line in posture.props:
        pictogram.plot([p[0] for p in line], [p[1] for p in line], color=GREY, linewidth=3, solid_capstyle="round")
    for line in posture.body:
        pictogram.plot([p[0] for p in line], [p[1] for p in line], color=INK, linewidth=4, solid_capstyle="round",
                       solid_joinstyle="round")  # fmt: skip
    from matplotlib.patches import Circle

    x, y, radius = posture.head
    pictogram.add_patch(Circle((x, y), radius, facecolor=INK, edgecolor="none"))
    out.text(0.74, 0.1, posture.label, ha="center", va="center", fontsize=12, color=INK)
    return _canvas_png(out)


def _tool(axes: Any, tool: str, x: float, y: float, aspect: float) -> None:
    from matplotlib.patches import Ellipse, FancyBboxPatch

    def ball(cx: float, radius: float = 0.034) -> None:
        size = (2 * radius, 2 * radius / aspect)
        axes.add_patch(Ellipse((cx, y), *size, facecolor=TOOL, edgecolor="white", linewidth=1.5, zorder=6))

    if tool == "ball":
        ball(x)
    elif tool == "double_ball":
        ball(x - 0.045, 0.04)
        ball(x + 0.045, 0.04)
    else:
        width = 0.44 if tool == "roller" else 0.3
        height = 0.028 if tool == "roller" else 0.014
        axes.add_patch(
            FancyBboxPatch(
                (x - width / 2, y - height / 2),
                width,
                height,
                boxstyle="round,pad=0.004",
                facecolor=TOOL,
                edgecolor="white",
                linewidth=1.5,
                zorder=6,
            )  # fmt: skip
        )


def _arrow(axes: Any, direction: str, x: float, y: float, aspect: float) -> None:
    from matplotlib.patches import Arc, FancyArrowPatch

    style: Dict[str, Any] = {"color": INK, "linewidth": 2.2, "mutation_scale": 16, "zorder": 7}
    dx, dy = 0.09, 0.09 / aspect
    ends: Dict[str, List[Tuple[float, float]]] = {
        "up_down": [(x, y + dy), (x, y - dy)],
        "left_right": [(x - dx, y), (x + dx, y)],
        "up": [(x, y + dy), (x, y - dy)],
        "down": [(x, y - dy), (x, y + dy)],
        "left": [(x + dx, y), (x - dx, y)],
        "right": [(x - dx, y), (x + dx, y)],
    }
    if direction == "circles":
        radius = 0.07
        axes.add_patch(Arc((x, y), 2 * radius, 2 * radius / aspect, theta1=40, theta2=320, color=INK, linewidth=2.2, zorder=7))
        tail, head = (x + radius * 0.77, y + radius * 0.64 / aspect), (x + radius * 0.98, y + radius * 0.1 / aspect)
        axes.add_patch(FancyArrowPatch(tail, head, arrowstyle="-|>", **style))
        return
    start, end = ends[direction]
    arrowstyle = "<|-|>" if direction in ("up_down", "left_right") else "-|>"
    axes.add_patch(FancyArrowPatch(start, end, arrowstyle=arrowstyle, **style))


def placement_picture(exercise: str, area: str, title: Optional[str], steps: Tuple[str, ...]) -> Optional[Picture]:
    """The placement picture of an exercise (None when it has no placement): its alt text is the
    exercise's own position sentence(s)."""
    _, placements = figure_data()
    placement = placements.get(exercise)
    if placement is None:
        return None
    alt = " ".join(steps[n - 1] for n in placement.position_steps if n <= len(steps))
    return Picture(kind="placement", alt=alt, title=title, exercise=exercise, area=area)


def every_picture() -> List[Picture]:
    """The body map and every exercise's placement picture, keyed as the actions make them (the
    body map's key depends on its zones' numbers and areas, not on their names)."""
    from knowledge.repository import KnowledgeRepository
    from replies.model import ZoneLabel

    repo = KnowledgeRepository.shared()
    figure, _ = figure_data()
    zones = tuple(ZoneLabel(n, z.area, z.area, "") for n, z in enumerate(figure.zones, 1))
    out: List[Picture] = [Picture(kind="body_map", alt="", zones=zones)]
    for area in repo.body_areas():
        for exercise in repo.exercises_for_area(area.id):
            picture = placement_picture(exercise.id, exercise.body_area, exercise.name, exercise.steps)
            if picture is not None:
                out.append(picture)
    return out


def build_all() -> int:
    """Draw every picture not yet in the cache directory (`make run` does this before starting:
    then no conversation waits for a first drawing). Returns how many were drawn."""
    drawn = 0
    for picture in every_picture():
        if not (cache_dir() / f"{picture_key(picture)}.png").exists():
            drawn += 1
        png(picture)
    return drawn


if __name__ == "__main__":
    import time

    started = time.perf_counter()
    count = build_all()
    print(f"pictures: {count} drawn into {cache_dir()} in {time.perf_counter() - started:.1f} s")
