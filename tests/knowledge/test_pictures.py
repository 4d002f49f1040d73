"""The body figure and the placement pictures: every exercise is placed, every picture renders.

The content itself (knowledge/content/body_figure.yml, placements.yml) is checked here beyond the
schema: spots lie on the body, every area has its zone on one view, every picture draws.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import List

import pytest
import yaml

from knowledge.loader import CONTENT_DIR, Content, ContentError, load_content
from knowledge.schema import BODY_AREA_IDS, BodyFigure, Shape
from replies import pictures
from replies.model import Picture, ZoneLabel
from tests.checks import present

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def loaded() -> Content:
    return load_content(CONTENT_DIR)


@pytest.fixture(scope="module")
def figure(loaded: Content) -> BodyFigure:
    return present(loaded.figure)


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty picture cache (disk and memory), so the test draws for real."""
    monkeypatch.setenv("PICTURE_CACHE_DIR", str(tmp_path / "pictures"))
    monkeypatch.setattr(pictures, "_memory", {})
    return tmp_path / "pictures"


def inside(shape: Shape, x: float, y: float) -> bool:
    if shape.ellipse is not None:
        cx, cy, rx, ry = shape.ellipse
        return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
    from matplotlib.path import Path as Outline

    return bool(Outline([tuple(p) for p in shape.points or []]).contains_point((x, y)))


def test_every_exercise_has_placement_fields(loaded: Content) -> None:
    placed = {p.exercise: p for p in loaded.placements}
    assert sorted(placed) == sorted(e.id for e in loaded.exercises)
    for placement in loaded.placements:
        assert placement.view in ("front", "back") and placement.posture and placement.spots, placement.exercise


def test_every_area_is_one_zone_and_the_zones_are_numbered_head_to_foot(figure: BodyFigure) -> None:
    areas = [zone.area for zone in figure.zones]
    assert sorted(areas) == sorted(BODY_AREA_IDS)
    assert areas[0] == "neck" and areas[-1] == "foot"
    for zone in figure.zones:
        view = next(v for v in figure.views if v.id == zone.view)
        x, y = zone.label_at
        assert any(inside(shape, x, y) for shape in zone.shapes), f"{zone.area}: its number is outside its zone"
        assert any(inside(shape, x, y) for shape in view.silhouette), zone.area


def test_every_spot_lies_on_the_body(loaded: Content, figure: BodyFigure) -> None:
    views = {v.id: v for v in figure.views}
    for placement in loaded.placements:
        for x, y in placement.spots:
            # a roller across both legs has its middle between them: then both of its halves count
            points = [(x - 0.1, y), (x + 0.1, y)] if placement.tool == "roller" else [(x, y)]
            for px, py in points:
                on_body = any(inside(s, px, py) for s in views[placement.view].silhouette)
                assert on_body, f"{placement.exercise}: spot ({px}, {py}) off the body"


def test_every_placement_picture_renders_with_the_exercise_position_as_alt(loaded: Content, fresh_cache: Path) -> None:
    assert pictures.build_all() == len(loaded.exercises) + 1  # every placement, and the body map
    for exercise in loaded.exercises:
        picture = pictures.placement_picture(exercise.id, exercise.body_area, exercise.name, tuple(exercise.steps))
        assert picture is not None and picture.alt.startswith(exercise.steps[0]), exercise.id
        image = (fresh_cache / f"{pictures.picture_key(picture)}.png").read_bytes()
        assert image.startswith(PNG) and len(image) > 5_000, exercise.id
    assert len(list(fresh_cache.glob("placement-*.png"))) == len(loaded.exercises)  # one file each: no two share a key
    assert pictures.build_all() == 0  # drawn once per version
    _the_replies_ask_for_the_prebuilt_pictures(fresh_cache)


def _the_replies_ask_for_the_prebuilt_pictures(cache: Path) -> None:
    """`make pictures` draws exactly what the actions' replies will ask for."""
    from actions.advice.exercises import exercise_reply
    from actions.advice.hands_on import body_map
    from knowledge.repository import KnowledgeRepository
    from tests.actions.conftest import wording

    repo = KnowledgeRepository.shared()
    asked = [body_map(repo, wording())] + [
        exercise_reply(e, repo, wording(), "clear").picture for a in repo.body_areas() for e in repo.exercises_for_area(a.id)
    ]
    for picture in asked:
        assert picture is not None and (cache / f"{pictures.picture_key(picture)}.png").exists(), picture


def test_the_body_map_renders_once_per_version(figure: BodyFigure, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zones = tuple(ZoneLabel(n, z.area, z.area, f"/inform-{z.area}") for n, z in enumerate(figure.zones, 1))
    picture = Picture(kind="body_map", alt="the body", title="Where?", zones=zones)
    first = pictures.png(picture)
    assert first.startswith(PNG)
    [cached] = fresh_cache.glob("body_map-*.png")
    drawn: List[Picture] = []

    def draw(asked: Picture) -> bytes:
        drawn.append(asked)
        return b""

    monkeypatch.setattr(pictures, "_draw", draw)
    monkeypatch.setattr(pictures, "_memory", {})
    assert pictures.png(picture) == first and drawn == []  # read back from var/, not drawn again
    monkeypatch.setattr(pictures, "DRAWING_VERSION", pictures.DRAWING_VERSION + 1)
    pictures.png(picture)
    assert drawn == [picture]  # a new drawing version draws again


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge" / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_an_exercise_without_a_placement_is_refused(content: Path) -> None:
    path = content / "placements.yml"
    data = yaml.safe_load(path.read_text())
    data["placements"] = [p for p in data["placements"] if p["exercise"] != "calf_ball_roll"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match="calf_ball_roll' has no placement"):
        load_content(content)


def test_a_spot_outside_the_unit_square_and_an_unknown_posture_are_refused(content: Path) -> None:
    path = content / "placements.yml"
    data = yaml.safe_load(path.read_text())
    data["placements"][0]["spots"] = [[1.4, 0.2]]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match=r"placements.yml: entry '#1'.*spots"):
        load_content(content)
    data["placements"][0]["spots"] = [[0.5, 0.4]]
    data["placements"][0]["posture"] = "handstand"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match="posture"):
        load_content(content)


def test_a_missing_zone_is_refused(content: Path) -> None:
    path = content / "body_figure.yml"
    data = yaml.safe_load(path.read_text())
    data["zones"] = [z for z in data["zones"] if z["area"] != "chest"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match=r"body_figure.yml: zones: .*\['chest'\]"):
        load_content(content)
