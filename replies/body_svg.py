"""The body map as SVG, for the website widget: the same figure as the PNG, with each zone a group
that names its area and carries its button's payload.

The widget shows it as an image first (a `data:image/svg+xml` URL); web/app.js then rebuilds it
in the page from an allow-list of elements and attributes and makes every zone a keyboard-usable
button named after its area. Nothing here runs script or links anywhere.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any, List, Tuple
from xml.sax.saxutils import quoteattr

from replies.model import Picture
from replies.pictures import INK, OUTLINE, SKIN, TEAL, figure_data

#: one view is WIDTH wide and WIDTH * aspect tall, in SVG user units; views side by side
WIDTH = 100.0
GAP = 20.0
LABEL_ROW = 16.0


def _shape(shape: Any, dx: float, height: float, **attributes: str) -> str:
    extra = "".join(f" {name.replace('_', '-')}={quoteattr(value)}" for name, value in attributes.items())
    if shape.ellipse is not None:
        x, y, rx, ry = shape.ellipse
        return f'<ellipse cx="{dx + x * WIDTH:.1f}" cy="{y * height:.1f}" rx="{rx * WIDTH:.1f}" ry="{ry * height:.1f}"{extra}/>'
    points = " ".join(f"{dx + x * WIDTH:.1f},{y * height:.1f}" for x, y in shape.points)
    return f'<polygon points="{points}"{extra}/>'


@lru_cache(maxsize=16)
def body_map_svg(picture: Picture) -> str:
    """The SVG document of a body-map picture (its `zones` give numbers, names and payloads)."""
    body, _ = figure_data()
    height = WIDTH * body.aspect
    total: Tuple[float, float] = (2 * WIDTH + GAP, height + LABEL_ROW)
    labels = {z.area: z for z in picture.zones}
    parts: List[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total[0]:g} {total[1]:g}" class="tpc-body-map"'
        f' role="img" aria-label={quoteattr(picture.alt)} data-label={quoteattr(picture.alt)}>'
    ]
    for index, view in enumerate(body.views):
        dx = index * (WIDTH + GAP)
        parts.append('<g class="tpc-silhouette">')
        parts += [_shape(s, dx, height, fill=SKIN, stroke=OUTLINE, stroke_width="1.6") for s in view.silhouette]
        parts += [_shape(s, dx, height, fill=SKIN) for s in view.silhouette]
        parts.append("</g>")
        label_y = height + LABEL_ROW - 4
        centre = dx + WIDTH / 2
        parts.append(
            f'<text x="{centre:g}" y="{label_y:g}" text-anchor="middle" font-size="9" fill="{INK}">{_text(view.label)}</text>'
        )
        for zone in body.zones:
            label = labels.get(zone.area)
            if zone.view != view.id or label is None:
                continue
            parts.append(
                f'<g class="tpc-zone" data-area={quoteattr(zone.area)} data-name={quoteattr(label.name)}'
                f' data-payload={quoteattr(label.payload)} data-number="{label.number}">'
            )
            parts.append(f"<title>{_text(f'{label.number} {label.name}')}</title>")
            parts += [_shape(s, dx, height, fill=TEAL, fill_opacity="0.25", stroke=TEAL, stroke_width="0.6") for s in zone.shapes]
            x, y = dx + zone.label_at[0] * WIDTH, zone.label_at[1] * height
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.6" fill="{TEAL}" stroke="#ffffff" stroke-width="0.8"/>')
            number = f'text-anchor="middle" font-size="5.6" font-weight="bold" fill="#ffffff">{label.number}'
            parts.append(f'<text x="{x:.1f}" y="{y + 2.1:.1f}" {number}</text>')
            parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def svg_data_url(picture: Picture) -> str:
    """The body map as a `data:image/svg+xml;base64,...` URL (the widget's image attachment)."""
    return "data:image/svg+xml;base64," + base64.b64encode(body_map_svg(picture).encode("utf-8")).decode("ascii")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
