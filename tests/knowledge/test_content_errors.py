"""Bad content is refused on loading, with a message naming the file and the entry."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest
import yaml

from knowledge.loader import CONTENT_DIR, ContentError, load_content


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge" / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(path: Path, key: str, change: Callable[[list], None]) -> None:
    data = yaml.safe_load(path.read_text())
    change(data[key])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def first_exercise_file(content: Path) -> Path:
    return sorted((content / "exercises").glob("*.yml"))[0]


def test_the_real_content_is_valid_with_every_kind() -> None:
    loaded = load_content(CONTENT_DIR)
    assert len(loaded.body_areas) == 15 and len(loaded.routines) == 3
    assert len(loaded.tools) == 11  # the ten tool types plus the home-made double ball
    assert len(loaded.exercises) >= 20
    assert all(getattr(loaded, kind) for kind in vars(loaded)), [kind for kind in vars(loaded) if not getattr(loaded, kind)]


def test_missing_required_field(content: Path) -> None:
    path = first_exercise_file(content)
    first_id = yaml.safe_load(path.read_text())["exercises"][0]["id"]
    edit(path, "exercises", lambda items: items[0].pop("pressure"))
    with pytest.raises(ContentError, match=rf"exercises/{path.name}: entry '{first_id}': pressure: field required"):
        load_content(content)


def test_unknown_body_area_id(content: Path) -> None:
    path = first_exercise_file(content)
    edit(path, "exercises", lambda items: items[0].update(body_area="elbow"))
    with pytest.raises(ContentError, match=rf"{path.name}: entry '.+': unknown body-area id 'elbow'"):
        load_content(content)


def test_unknown_canonical_area_in_body_areas(content: Path) -> None:
    edit(content / "body_areas.yml", "body_areas", lambda items: items[0].update(id="toes"))
    with pytest.raises(ContentError, match=r"body_areas.yml: entry 'toes': id: unknown body-area id 'toes'"):
        load_content(content)


def test_duplicate_id(content: Path) -> None:
    path = first_exercise_file(content)
    data = yaml.safe_load(path.read_text())
    duplicate_id = data["exercises"][0]["id"]
    edit(path, "exercises", lambda items: items.append(dict(items[0])))
    with pytest.raises(ContentError, match=rf"{path.name}: entry '{duplicate_id}': duplicate id"):
        load_content(content)


def test_duplicate_red_flag_concept(content: Path) -> None:
    path = content / "red_flags.yml"
    first = yaml.safe_load(path.read_text())["concepts"][0]
    edit(path, "concepts", lambda items: items.append({"id": first["id"], "terms": ["something else"]}))
    with pytest.raises(ContentError, match=rf"red_flags.yml: entry '{first['id']}': duplicate id"):
        load_content(content)


def test_empty_step_list(content: Path) -> None:
    path = first_exercise_file(content)
    edit(path, "exercises", lambda items: items[0].update(steps=[]))
    with pytest.raises(ContentError, match=rf"{path.name}: entry '.+': steps: ensure this value has at least 1 items"):
        load_content(content)


def test_source_not_a_seed_file(content: Path) -> None:
    edit(content / "routines.yml", "routines", lambda items: items[0].update(sources=["some_blog.txt"]))
    with pytest.raises(ContentError, match=r"routines.yml: entry '.+': source 'some_blog.txt' is not one of the seed files"):
        load_content(content)


def test_routine_referencing_an_unknown_exercise(content: Path) -> None:
    edit(content / "routines.yml", "routines", lambda items: items[0]["items"][0].update(exercise="no_such_exercise"))
    with pytest.raises(ContentError, match=r"routines.yml: entry '.+': unknown exercise id 'no_such_exercise'"):
        load_content(content)


def test_a_rule_not_from_a_seed_must_cite_a_guideline(content: Path) -> None:
    path = content / "safety.yml"
    text = path.read_text()
    start = text.index("  - id: dvt_signs")
    block = text[start : text.index("\n\n", start)]
    seed_only = "    sources: [002_ef6d49050c912299.txt]"
    only_seed = "\n".join(seed_only if line.startswith("    guidelines:") else line for line in block.split("\n"))
    path.write_text(text.replace(block, only_seed))
    with pytest.raises(ContentError, match="dvt_signs.*must cite `guidelines`"):
        load_content(content)


def test_an_unknown_guideline_is_named(content: Path) -> None:
    path = content / "safety.yml"
    path.write_text(path.read_text().replace("guidelines: [nice_cg95]", "guidelines: [nice_cg00]", 1))
    with pytest.raises(ContentError, match="guideline 'nice_cg00' is not in sources.yml"):
        load_content(content)


def test_an_estimate_must_name_a_field_of_the_entry(content: Path) -> None:
    path = content / "tools.yml"
    flag = "    beginner_friendly: true\n"
    path.write_text(path.read_text().replace(flag, flag + "    estimates: [colour]\n", 1))
    with pytest.raises(ContentError, match="estimates names 'colour'"):
        load_content(content)


def test_a_yaml_boolean_is_not_read_as_a_word(content: Path) -> None:
    # `[weird, off, wrong]` in YAML 1.1 holds the boolean False, which must not become "False"
    path = content / "red_flags.yml"
    path.write_text(path.read_text().replace("terms: [calf, calves,", "terms: [off, calf, calves,", 1))
    with pytest.raises(ContentError, match=r"red_flags.yml: entry 'calf': terms"):
        load_content(content)


def test_an_id_inside_a_list_is_checked_too(content: Path) -> None:
    path = first_exercise_file(content)
    edit(path, "exercises", lambda items: items[0].update(also_with=["Foam Roller"]))
    with pytest.raises(ContentError, match=rf"{path.name}: entry '.+': also_with.0: string does not match regex"):
        load_content(content)


def test_a_feeling_is_better_same_or_worse(content: Path) -> None:
    edit(content / "feelings.yml", "feelings", lambda items: items[0].update(id="happy"))
    with pytest.raises(ContentError, match=r"feelings.yml: entry 'happy': id: unknown feeling id 'happy'"):
        load_content(content)


def test_a_concept_whose_past_counts_must_be_its_patterns_alone(content: Path) -> None:
    """The matcher reads a concept's context once per message: a concept another pattern also uses
    cannot have "the past counts" in one pattern only."""

    def share_back(patterns: list) -> None:
        pattern = next(p for p in patterns if p["id"] == "back_pain_with_cancer_history")
        pattern["past_counts"] = ["back"]

    edit(content / "red_flags.yml", "patterns", share_back)
    with pytest.raises(ContentError, match=r"entry 'back_pain_with_cancer_history': past_counts 'back' must be in its all_of"):
        load_content(content)


def test_a_slot_must_name_a_concept_without_slots(content: Path) -> None:
    def misspell(concepts: list) -> None:
        trauma = next(c for c in concepts if c["id"] == "trauma")
        trauma["terms"].append("rolled the {vehicles}")

    edit(content / "red_flags.yml", "concepts", misspell)
    with pytest.raises(ContentError, match=r"entry 'trauma': term 'rolled the \{vehicles\}': \['vehicles'\] is not a concept"):
        load_content(content)


def test_a_slot_is_written_out_as_every_term_of_its_concept() -> None:
    from knowledge.red_flag_vocabulary import filled

    concepts = {"vehicle": ["car", "quad bike"], "side": ["left", "right"]}
    assert filled(["rolled the {vehicle}", "crash"], concepts) == ["rolled the car", "rolled the quad bike", "crash"]
    assert filled(["{side} {vehicle}"], concepts) == ["left car", "left quad bike", "right car", "right quad bike"]
