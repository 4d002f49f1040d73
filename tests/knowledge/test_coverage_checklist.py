"""Coverage checklist: read it side by side with ../shared/seeds/ (see knowledge/README.md).

Each row names something a seed contains and the seed file it comes from; the test checks
the knowledge store holds it and cites that file.
"""

from __future__ import annotations

import pytest

from knowledge.repository import KnowledgeRepository
from tests.checks import present

S000, S001, S002, S003, S004 = (
    "000_b51273db6477ece3.txt",
    "001_98599e5ae1d76092.txt",
    "002_ef6d49050c912299.txt",
    "003_31b0b6772a087df9.txt",
    "004_2d94bd93b4abcc31.txt",
)

# (what the seed describes, seed, body area, tool used)
EXERCISES = [
    ("foot: ball under the arch (plantar fascia)", S000, "foot", "lacrosse_ball"),
    ("calves: ball under the calf, 1-2 inch sections", S000, "calf", "lacrosse_ball"),
    ("deep calf / soleus near the Achilles", S002, "calf", "lacrosse_ball"),
    ("calf with a massage stick, 60 s per direction", S001, "calf", "massage_stick"),
    ("hamstrings: side to side across the muscle", S000, "hamstring", "lacrosse_ball"),
    ("quads: face down on the ball", S000, "quad", "lacrosse_ball"),
    ("quads on a foam roller", S001, "quad", "foam_roller"),
    ("IT band with a massage stick", S001, "it_band", "massage_stick"),
    ("hips: side-lying, wall variant (soft ball default, 002)", S000, "hip", "soft_foam_ball"),
    ("hip flexor / psoas: face down, inside the front hip bone (safe version)", S002, "hip_flexor", "layered_foam_ball"),
    ("glutes: seated on the ball", S000, "glute", "lacrosse_ball"),
    ("piriformis: seated mini ball hold (softer ball, 15-30 s default, 002)", S001, "glute", "tennis_ball"),
    ("piriformis / deep hip rotators rock", S002, "glute", "lacrosse_ball"),
    ("lower back: peanut ball (000's exercise, 002/004's groove technique)", S000, "lower_back", "peanut_ball"),
    ("lower back: groove over the spine, never on the vertebrae", S002, "lower_back", "peanut_ball"),
    ("lower back: double ball technique", S004, "lower_back", "peanut_ball"),
    ("mid back: peanut ball horizontal", S000, "mid_back", "peanut_ball"),
    ("spine muscles on a foam roller", S001, "mid_back", "foam_roller"),
    ("thoracic paraspinals beside the spine", S002, "mid_back", "layered_foam_ball"),
    ("rhomboids between shoulder blade and spine", S002, "upper_back", "tennis_ball"),
    ("ball above the shoulder blade, 30-60 s hold (softer ball default, 002)", S001, "upper_back", "tennis_ball"),
    ("shoulders: wall, ball in a sock (softer ball default, 002)", S000, "shoulder", "tennis_ball"),
    ("upper trapezius against the wall", S002, "shoulder", "tennis_ball"),
    ("neck: below the skull beside the spine (softer ball default, 002)", S000, "neck", "tennis_ball"),
    ("forearms: ball on a table", S000, "forearm", "lacrosse_ball"),
    ("chest: facing the wall (soft ball default, 002)", S000, "chest", "soft_foam_ball"),
    ("pec minor sweep below the collarbone", S002, "chest", "tennis_ball"),
]

# the comparison table's six ball types plus the other tools the seeds describe
TOOLS = [
    ("tennis_ball", S002),
    ("lacrosse_ball", S002),
    ("layered_foam_ball", S002),
    ("cork_ball", S002),
    ("soft_foam_ball", S002),
    ("peanut_ball", S002),
    ("diy_double_ball", S002),
    ("spiky_ball", S002),
    ("handheld_ball", S002),
    ("foam_roller", S001),
    ("massage_stick", S001),
]

ROUTINES = [("neck_upper_back_reset", 5, 7), ("mid_back_hips_glutes", 7, 10), ("feet_and_calves", 5, 8)]

# (safety rule, level, seed it comes from)
SAFETY_RULES = [
    ("recent_surgery_or_injury", "refer", S002),
    ("recent_injection", "refer", S002),
    ("bone_joint_disease", "refer", S002),
    ("blood_thinners_or_clots", "refer", S002),
    ("skin_wound_or_infection", "refer", S002),
    ("unexplained_swelling", "refer", S002),
    ("severe_varicose_veins", "refer", S002),
    ("diabetes_reduced_sensation", "refer", S002),
    ("nerve_symptoms", "refer", S002),
    ("persistent_or_worsening", "refer", S002),
    ("severe_persistent_pain", "refer", S002),
    ("structural_back_problem", "refer", S004),
    ("avoid_bone_and_spine", "caution", S002),
    ("pressure_threshold", "caution", S002),
    ("time_limit_per_spot", "caution", S002),
    ("start_slow", "caution", S001),
]

# (dosing topic, default min, default max, seed)
DOSING = [
    ("frequency", 3, 7, S002),
    ("time_per_muscle_group", 1, 3, S002),
    ("session_length", 5, 15, S002),
    ("pressure", 5, 6, S002),
    ("pre_workout", 3, 5, S002),
    ("post_workout", 5, 10, S002),
    ("rest_day", 5, 15, S002),
]

FACT_TOPICS = [
    ("what_is", S001),
    ("benefits", S000),
    ("referred_pain", S004),
    ("back_pain_causes", S004),
    ("evidence", S002),
    ("evidence_limits", S002),
    ("when_to_do", S000),
    ("ball_choice", S002),
    ("pairing", S002),
    ("combining_care", S004),
]

# (fact, seed): single findings the seeds state, each kept as its own fact
FACTS = [
    ("when_stretching_is_not_enough", S001),
    ("evidence_sprint_power_readiness", S002),
    ("ball_choice_no_single_best", S002),
    ("ball_choice_two_balls", S002),
    ("pair_with_posture_and_strength", S002),
    ("referred_pain_psoas", S003),
]

# (alias the seeds use, canonical body area, seed that names it)
AREA_ALIASES = [("lats", "mid_back", S002), ("ribs", "mid_back", S002)]

# (tool, body areas a seed names for it, seed)
TOOL_AREAS = [
    ("peanut_ball", ("lower_back", "mid_back", "neck", "calf"), S002),
    ("peanut_ball", ("shoulder", "upper_back", "lower_back", "hip"), S004),
]

# (claim the seeds make, seed, entry whose note records why it is left out)
EXCLUDED_CLAIMS = [
    ("doesn't have any side effects", S001, "benefit_self_care_low_cost"),
    ("painkillers", S001, "benefit_self_care_low_cost"),
    ("endorphin", S004, "benefit_massage_back_pain"),
    ("reduce the risk of future injuries", S004, "benefit_massage_back_pain"),
    ("balance", S003, "benefit_massage_back_pain"),
]
CARE_TOPICS = ["cleaning", "heat", "travel", "replace", "cold"]


@pytest.mark.parametrize(("what", "seed", "area", "tool"), EXERCISES, ids=[e[0] for e in EXERCISES])
def test_every_seed_exercise_is_present(repo: KnowledgeRepository, what: str, seed: str, area: str, tool: str) -> None:
    matches = [e for e in repo.exercises_for_area(area) if e.tool == tool and seed in e.sources]
    assert matches, f"missing: {what} ({seed})"


def test_every_body_area_is_present(repo: KnowledgeRepository) -> None:
    assert {a.id for a in repo.body_areas()} == {e[2] for e in EXERCISES}


@pytest.mark.parametrize(("tool_id", "seed"), TOOLS)
def test_every_tool_with_its_attributes(repo: KnowledgeRepository, tool_id: str, seed: str) -> None:
    tool = repo.tool(tool_id)
    assert tool is not None and seed in tool.sources
    assert tool.size and tool.density and tool.material and tool.texture and tool.best_for


@pytest.mark.parametrize(("routine_id", "low", "high"), ROUTINES)
def test_every_routine_with_its_timing(repo: KnowledgeRepository, routine_id: str, low: int, high: int) -> None:
    routine = next(r for r in repo.routines() if r.id == routine_id)
    assert (routine.minutes.min, routine.minutes.max) == (low, high)
    assert S002 in routine.sources


@pytest.mark.parametrize(("rule_id", "level", "seed"), SAFETY_RULES)
def test_every_safety_rule_with_its_level(repo: KnowledgeRepository, rule_id: str, level: str, seed: str) -> None:
    rule = repo.safety_rule(rule_id)
    assert rule is not None and rule.level == level
    assert seed in repo.sources_of("safety_rule", rule_id)


@pytest.mark.parametrize(("topic", "low", "high", "seed"), DOSING)
def test_every_dosing_figure(repo: KnowledgeRepository, topic: str, low: float, high: float, seed: str) -> None:
    figure = repo.default_dosing()[topic]
    value = present(figure.value)
    assert (value.min, value.max) == (low, high)
    assert seed in figure.sources


def test_conflicting_hold_times_are_all_kept_with_sources(repo: KnowledgeRepository) -> None:
    holds = repo.dosing("hold_time")
    sources = {s for h in holds for s in h.sources}
    assert {S000, S001, S002} <= sources
    assert sum(h.default for h in holds) == 1


@pytest.mark.parametrize(("topic", "seed"), FACT_TOPICS)
def test_every_fact_topic(repo: KnowledgeRepository, topic: str, seed: str) -> None:
    facts = repo.facts(topic)
    assert facts and any(seed in f.sources for f in facts)


@pytest.mark.parametrize(("fact_id", "seed"), FACTS)
def test_every_seed_finding_is_a_fact(repo: KnowledgeRepository, fact_id: str, seed: str) -> None:
    fact = next((f for f in repo.facts() if f.id == fact_id), None)
    assert fact is not None and seed in fact.sources


@pytest.mark.parametrize(("alias", "area", "seed"), AREA_ALIASES)
def test_every_area_the_seeds_name_is_understood(repo: KnowledgeRepository, alias: str, area: str, seed: str) -> None:
    assert repo.vocabulary()["body_area"].get(alias) == area
    assert seed in repo.sources_of("body_area", area)


@pytest.mark.parametrize(("tool_id", "areas", "seed"), TOOL_AREAS)
def test_every_tool_area_the_seeds_name(repo: KnowledgeRepository, tool_id: str, areas: tuple, seed: str) -> None:
    tool = repo.tool(tool_id)
    assert tool is not None and seed in tool.sources
    assert set(areas) <= set(tool.best_for_areas)


@pytest.mark.parametrize(("claim", "seed", "entry_id"), EXCLUDED_CLAIMS, ids=[c[0] for c in EXCLUDED_CLAIMS])
def test_every_excluded_claim_is_recorded(claim: str, seed: str, entry_id: str) -> None:
    from knowledge.loader import CONTENT_DIR, load_content

    note = next(f for f in load_content(CONTENT_DIR).facts if f.id == entry_id).note or ""
    assert claim in note and seed[:3] in note, f"the note on {entry_id} should record {seed}'s claim"


def test_care_cleaning_and_travel_tips(repo: KnowledgeRepository) -> None:
    assert {t.topic for t in repo.care_tips()} >= set(CARE_TOPICS)


def test_psoas_uses_the_safe_version_and_records_why(repo: KnowledgeRepository) -> None:
    psoas = repo.exercises_for_area("hip_flexor")[0]
    text = " ".join(psoas.steps).lower()
    assert "face down" in text or "face-down" in text or "stomach" in text
    assert "groin" in " ".join(psoas.cautions + psoas.steps).lower()
    assert S003 in psoas.sources


def test_a_peanut_ball_can_be_home_made(repo: KnowledgeRepository) -> None:
    diy = repo.tool("diy_double_ball")
    assert diy is not None and diy.kind == "double_ball"
    assert all(repo.exercises_for_area(area, "diy_double_ball") for area in ("lower_back", "mid_back", "upper_back", "neck"))
