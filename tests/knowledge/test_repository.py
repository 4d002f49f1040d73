"""The queries actions rely on."""

from __future__ import annotations

import pytest

from knowledge.loader import CONTENT_DIR, load_content
from knowledge.repository import KnowledgeRepository
from knowledge.schema import BODY_AREA_IDS, Text
from tests.checks import present


def test_steps_come_back_in_curated_order(repo: KnowledgeRepository) -> None:
    import yaml

    curated = {}
    for path in (CONTENT_DIR / "exercises").glob("*.yml"):
        for entry in yaml.safe_load(path.read_text())["exercises"]:
            curated[entry["id"]] = tuple(entry["steps"])
    for exercise_id, steps in curated.items():
        view = repo.exercise(exercise_id)
        assert view is not None and view.steps == steps


def test_every_area_has_exercises_with_sources(repo: KnowledgeRepository) -> None:
    for area in BODY_AREA_IDS:
        exercises = repo.exercises_for_area(area)
        assert exercises, area
        assert all(e.sources and e.steps and e.pressure for e in exercises)


def test_exercises_for_a_tool_only_include_that_tool_first(repo: KnowledgeRepository) -> None:
    rolled = repo.exercises_for_area("quad", "foam_roller")
    assert rolled and rolled[0].tool == "foam_roller"
    assert all("foam_roller" in e.tools for e in rolled)
    assert repo.exercises_for_area("neck", "massage_stick") == []


def test_vocabulary_maps_aliases_to_canonical_ids(repo: KnowledgeRepository) -> None:
    vocab = repo.vocabulary()
    assert vocab["body_area"]["traps"] == "shoulder"
    assert vocab["body_area"]["rhomboids"] == "upper_back"
    assert vocab["body_area"]["psoas"] == "hip_flexor"
    assert vocab["body_area"]["piriformis"] == "glute"
    assert vocab["body_area"]["plantar fascia"] == "foot"
    assert vocab["body_area"]["outer thigh"] == "it_band"
    assert vocab["body_area"]["lower back"] == "lower_back"
    assert vocab["tool"]["peanut ball"] == "peanut_ball"
    assert vocab["condition"]["plantar fasciitis"] == "plantar_fasciitis"
    assert vocab["goal"]["desk work"] == "desk_work"


def test_routines_keep_their_seed_timings(repo: KnowledgeRepository) -> None:
    routines = {str(r.id): r for r in repo.routines()}
    assert set(routines) == {"neck_upper_back_reset", "mid_back_hips_glutes", "feet_and_calves"}
    assert routines["neck_upper_back_reset"].minutes.describe(" min") == "5-7 min"
    assert routines["mid_back_hips_glutes"].minutes.describe(" min") == "7-10 min"
    assert routines["feet_and_calves"].minutes.describe(" min") == "5-8 min"
    assert [r.id for r in repo.routines("desk_work")] == ["neck_upper_back_reset"]
    for routine in routines.values():
        assert routine.items and routine.sources == ("002_ef6d49050c912299.txt",)


def test_dosing_defaults_are_conservative(repo: KnowledgeRepository) -> None:
    figures = {topic: present(dosing.value) for topic, dosing in repo.default_dosing().items()}
    assert (figures["pressure"].min, figures["pressure"].max) == (5, 6)
    assert (figures["frequency"].min, figures["frequency"].max) == (3, 7)
    assert figures["hold_time"].max <= 60
    assert figures["session_length"].max <= 15


def test_safety_rules_have_levels_and_advice(repo: KnowledgeRepository) -> None:
    levels = {str(r.id): r.level for r in repo.safety_rules()}
    assert levels["blood_thinners_or_clots"] == "refer"
    assert levels["nerve_symptoms"] == "refer"
    for emergency in ("dvt_signs", "chest_pain_breathless", "cauda_equina", "thunderclap_headache", "stroke_signs"):
        assert levels[emergency] == "emergency"
    checklist = repo.checklist()
    assert len(checklist.items) >= 8 and checklist.wording["question"]
    rules = {r.id for r in repo.safety_rules()}
    assert all(set(item.covers) <= rules for item in checklist.items)


def test_red_flag_vocabulary_includes_conditions_with_a_rule_and_every_medicine_name(repo: KnowledgeRepository) -> None:
    from knowledge.red_flag_vocabulary import red_flag_vocabulary

    vocab = red_flag_vocabulary(repo.content)
    by_id = {p["id"]: p for p in vocab["patterns"]}
    assert by_id["condition_sciatica"]["rule"] == "nerve_symptoms"
    assert "sciatica" in by_id["condition_sciatica"]["phrases"]
    assert all(p["level"] in ("caution", "refer", "urgent", "emergency") for p in vocab["patterns"])
    # brands nobody typed into the content come from the maintained drug dictionary
    blood_thinners = vocab["concepts"]["medicine_antithrombotic_certain"]
    assert {"eliquis", "xarelto", "plavix", "clexane", "coumadin", "brilinta"} <= set(blood_thinners)
    assert by_id["medicine_antithrombotic_certain"]["rule"] == "blood_thinners_or_clots"
    assert "aspirin" in vocab["concepts"]["medicine_antithrombotic_possible"]  # asked: a daily prescribed dose?


def test_facts_and_care_tips_by_topic(repo: KnowledgeRepository) -> None:
    assert repo.facts("evidence_limits")
    assert repo.facts("referred_pain")
    assert repo.care_tips("cleaning")
    assert repo.sources_of("exercise", repo.exercises_for_area("neck")[0].id)


def test_what_is_loaded_once_is_read_only(repo: KnowledgeRepository) -> None:
    with pytest.raises(TypeError, match="immutable"):
        load_content(CONTENT_DIR).exercises[0].name = Text("changed")
    with pytest.raises(TypeError, match="immutable"):
        repo.exercises_for_area("neck")[0].name = Text("changed")
    with pytest.raises(TypeError):
        repo.checklist().wording["question"] = "changed"  # type: ignore[index]  # a read-only Mapping
    assert KnowledgeRepository.shared() is repo
