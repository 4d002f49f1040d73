"""Issue #24 section 2: the clinical audit of the exercise content, one test per finding.

Each test reads the repository (`repo`, the views the bot uses) or the validated content
(`content`, for citations and curator notes) and failed on the content before the fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, List

import pytest
import yaml

from actions.plumbing.replying import Wording
from knowledge.loader import CONTENT_DIR, Content, load_content
from knowledge.repository import KnowledgeRepository
from knowledge.schema import Exercise

S002 = "002_ef6d49050c912299.txt"
WORDING_FILE = Path(__file__).resolve().parents[2] / "domain" / "wording.yml"
GENTLE_DENSITIES = ("soft", "soft_medium", "medium_firm")
LOWER_BACK = ("lower_back_peanut_roll", "lower_back_double_ball")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(CONTENT_DIR)


def exercise(repo: KnowledgeRepository, exercise_id: str) -> Exercise:
    found = repo.exercise(exercise_id)
    assert found is not None, exercise_id
    return found


def lower(texts: Iterable[object]) -> List[str]:
    return [str(t).lower() for t in texts]


def entry(content: Content, kind: str, entry_id: str) -> Any:
    """The entry `entry_id` of the content's list `kind` (exercises, safety_rules...), whichever its class."""
    return next(e for e in getattr(content, kind) if e.id == entry_id)


# --- lower back -----------------------------------------------------------------------------


def test_lower_back_exercises_agree_there_is_no_lift_the_hips_option(repo: KnowledgeRepository) -> None:
    for exercise_id in LOWER_BACK:
        ex = exercise(repo, exercise_id)
        assert ex.more_pressure == (), exercise_id
        assert not any("lift" in s and "hip" in s for s in lower(ex.steps)), exercise_id


def test_lower_back_exercises_caution_the_lowest_ribs_and_the_kidneys(repo: KnowledgeRepository) -> None:
    for exercise_id in LOWER_BACK:
        cautions = lower(exercise(repo, exercise_id).cautions)
        assert any("ribs" in c and "kidney" in c for c in cautions), exercise_id


# --- over the spine ---------------------------------------------------------------------------


def test_spine_foam_roller_stays_between_the_shoulder_blades_behind_a_caution(repo: KnowledgeRepository) -> None:
    roller = exercise(repo, "spine_foam_roller")
    steps = lower(roller.steps)
    assert "between your shoulder blades" in steps[0] and "mid-back" not in steps[0]
    moving = [s for s in steps if "roll" in s]
    assert moving and all("shoulder blades" in s for s in moving)
    assert not any("travels up" in s for s in steps)
    first = roller.cautions[0].lower()
    assert "spine" in first and "between the shoulder blades" in first
    assert "lower back" in first and "neck" in first


# --- behind the knee ---------------------------------------------------------------------------


def test_calf_roll_starts_below_the_knee_crease(repo: KnowledgeRepository) -> None:
    calf = exercise(repo, "calf_ball_roll")
    steps = lower(calf.steps)
    assert not any("near the back of the knee" in s for s in steps)
    assert any("below the knee crease" in s for s in steps)
    assert any("back of the knee" in c for c in lower(calf.cautions))


def test_hamstring_roll_stops_a_hands_width_above_the_knee(repo: KnowledgeRepository) -> None:
    steps = lower(exercise(repo, "hamstring_ball_roll").steps)
    assert not any("just above the knee" in s for s in steps)
    assert any("a hand's width above the back of the knee" in s for s in steps)


# --- groin --------------------------------------------------------------------------------------


def test_quad_ball_roll_cautions_the_upper_inner_thigh_and_groin(repo: KnowledgeRepository) -> None:
    cautions = lower(exercise(repo, "quad_ball_roll").cautions)
    assert any("inner thigh" in c and "groin" in c for c in cautions)


def test_hip_flexor_placement_names_the_belly_and_the_groin_as_boundaries(repo: KnowledgeRepository) -> None:
    placement = [s for s in lower(exercise(repo, "hip_flexor_ball_release").steps) if "place the ball" in s]
    assert len(placement) == 1
    assert "front of the hip" in placement[0] and "belly" in placement[0] and "groin" in placement[0]


# --- chest ---------------------------------------------------------------------------------------


def test_chest_wall_ball_defaults_to_a_soft_ball(repo: KnowledgeRepository) -> None:
    chest = exercise(repo, "chest_wall_ball")
    tool = repo.tool(chest.tool)
    assert tool is not None and tool.density in ("soft", "soft_medium")
    assert "lacrosse_ball" not in chest.tools


def test_chest_wall_ball_offers_no_face_down_option(repo: KnowledgeRepository) -> None:
    chest = exercise(repo, "chest_wall_ball")
    for text in lower(chest.steps + chest.more_pressure + chest.less_pressure):
        assert "your front" not in text and "face down" not in text and "lie" not in text, text


@pytest.mark.parametrize("exercise_id", ["chest_wall_ball", "pec_minor_wall_ball"])
def test_chest_exercises_caution_implanted_devices(repo: KnowledgeRepository, exercise_id: str) -> None:
    cautions = lower(exercise(repo, exercise_id).cautions)
    assert any(all(d in c for d in ("pacemaker", "defibrillator", "port")) for c in cautions)


def test_chest_wall_ball_cautions_breast_tissue(repo: KnowledgeRepository) -> None:
    assert any("breast tissue" in c for c in lower(exercise(repo, "chest_wall_ball").cautions))


# --- near the sciatic nerve ----------------------------------------------------------------------


def test_piriformis_hold_is_softer_shorter_and_stops_at_tingling(repo: KnowledgeRepository) -> None:
    hold = exercise(repo, "piriformis_ball_hold")
    for tool_id in hold.tools:
        tool = repo.tool(tool_id)
        assert tool is not None and tool.density in GENTLE_DENSITIES, tool_id
    assert hold.hold_seconds is not None and (hold.hold_seconds.min, hold.hold_seconds.max) == (15, 30)
    assert not any("60 seconds" in s for s in lower(hold.steps))
    assert any("tingling" in s for s in lower(hold.steps)), "the stop rule is a step, read before the hold"


# --- consistency ---------------------------------------------------------------------------------


def test_routine_items_take_as_long_as_their_exercises(repo: KnowledgeRepository) -> None:
    for routine in repo.routines():
        for ex, seconds in repo.routine_items(routine):
            assert seconds == ex.total_seconds, (routine.id, ex.id)


def test_cork_has_the_same_density_in_every_file(repo: KnowledgeRepository, content: Content) -> None:
    cork = repo.tool("cork_ball")
    assert cork is not None and cork.density == "very_firm"
    for option in (g for g in content.guidance if g.dimension == "density"):
        densities = {t.density for t in content.tools if t.id in option.tools}
        if "cork_ball" in option.tools:
            assert densities == {cork.density}, option.id


def test_gentle_pressure_figure_is_marked_as_an_estimate(content: Content) -> None:
    figure = entry(content, "dosing", "pressure_gentle_estimate")
    assert figure.topic == "pressure" and "value" in figure.estimates and not figure.default
    wording = Wording(yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8")))
    gentle = wording("utter_gentle_pressure")
    shown = re.search(r"(\d+)-(\d+)/10", gentle)
    assert shown is not None and (float(shown.group(1)), float(shown.group(2))) == (figure.value.min, figure.value.max)
    assert gentle.endswith(wording("utter_typical", text="")), "shown as the project's estimate"


# --- citations -------------------------------------------------------------------------------------


def test_lower_back_exercises_say_what_they_take_from_seed_002(content: Content) -> None:
    for exercise_id in LOWER_BACK:
        ex = entry(content, "exercises", exercise_id)
        note = (ex.note or "").lower()
        assert S002 in ex.sources
        assert "002" in note and "no lower-back exercise" in note and "where the ribs end" in note, exercise_id


def test_bleeding_disorders_cite_a_published_guideline(content: Content) -> None:
    rule = entry(content, "safety_rules", "blood_thinners_or_clots")
    assert "bleeding disorder" in rule.description.lower()
    assert "haemophilia_physio_cpg_2024" in rule.guidelines
    guideline = entry(content, "guidelines", "haemophilia_physio_cpg_2024")
    assert "10.1111/hae.15065" in guideline.citation and guideline.year == 2024
    for kind, entry_id in (("patterns", "bleeding_disorder_named"), ("checklist_items", "blood_thinners")):
        assert entry(content, kind, entry_id).guidelines, (kind, entry_id)


def test_night_pain_cites_a_published_guideline(content: Content) -> None:
    rule = entry(content, "safety_rules", "severe_persistent_pain")
    assert "night" in rule.description.lower() and "nice_cks_back_pain" in rule.guidelines
    assert "night" in entry(content, "guidelines", "nice_cks_back_pain").summary.lower()
    pattern = entry(content, "patterns", "severe_or_persistent_pain")
    assert any("night" in p for p in pattern.phrases) and "nice_cks_back_pain" in pattern.guidelines


@pytest.mark.parametrize(
    ("kind", "entry_id"),
    [("safety_rules", "structural_back_problem"), ("facts", "back_pain_herniated_disc"), ("facts", "back_pain_stenosis")],
)
def test_disc_problem_referral_cites_the_guideline_it_comes_from(content: Content, kind: str, entry_id: str) -> None:
    found = entry(content, kind, entry_id)
    assert "nice_ng59" in found.guidelines
    assert "not from the seed text" in (found.note or "").lower()


def test_cervical_framework_is_dated_2023(content: Content) -> None:
    framework = entry(content, "guidelines", "ifompt_cervical_framework")
    assert framework.year == 2023
    assert "2023;53(1):7-22" in framework.citation and "2020" not in framework.citation
