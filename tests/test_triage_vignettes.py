"""Patient vignettes, run through the simulator and its NLU like a listener would talk.

Each vignette in tests/triage/vignettes.yaml is a patient profile: how the person would answer
each question (in their own words) and the urgency a careful clinician would give. The runner
answers whatever the skill asks, so the vignettes also show how many questions each path takes.
"""
from __future__ import annotations

import statistics
from pathlib import Path

import pytest
import yaml

from skill.adapters.simulator.session import Simulator
from skill.core.triage import RANK
from tests.rules import assert_response_rules

HERE = Path(__file__).parent / "triage"
VIGNETTES = yaml.safe_load((HERE / "vignettes.yaml").read_text(encoding="utf-8"))["vignettes"]
# Written by a helper who had not seen content/triage.yaml, tests/ or the interaction model, from the
# clinical criteria and the spoken questions only. First run, before looking at any miss: 21 of 44
# exact, 2 over-, 1 under-triaged, 20 not understood to the end.
BLIND = yaml.safe_load((HERE / "vignettes_blind.yaml").read_text(encoding="utf-8"))["vignettes"]
QUESTION_COUNTS: dict[str, int] = {}


def run_vignette(skill, nlu, vignette) -> tuple[dict, list[str], Simulator]:
    """Plays the vignette; returns the triage trace, the questions asked, and the simulator."""
    sim = Simulator(skill, nlu)
    if vignette.get("launch", True):
        sim.launch()
    turn = sim.say(vignette.get("start", "ik heb pijn aan m'n hamstring"))
    asked: list[str] = []
    while turn.triage is None:
        if turn.end_session and turn.emergency:
            # The listener named an emergency in their answer ("ja, ik ben benauwd"): 112 at once.
            return {"urgency": "emergency", "grade": None, "red_flags": [], "sign": turn.emergency}, asked, sim
        assert_response_rules(turn)
        state = turn.session_attributes.get("triage")
        assert state, f"the triage stopped without an outcome: {turn.speech}"
        current = state["current"]
        assert current in vignette["answers"], f"asked {current!r}, which the vignette does not answer ({turn.speech})"
        assert current not in asked or len(asked) < 20, "a question was asked twice"
        asked.append(current)
        turn = sim.say(str(vignette["answers"][current]))
    assert_response_rules(turn)
    return turn.triage, asked, sim


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["name"] for v in VIGNETTES])
def test_vignette(skill, nlu, vignette):
    triage, asked, sim = run_vignette(skill, nlu, vignette)
    expected = vignette["expect"]
    QUESTION_COUNTS[vignette["name"]] = len(asked)
    assert len(asked) <= 8, f"{len(asked)} questions: {asked}"
    assert len(set(asked)) == len(asked), f"a question was asked twice: {asked}"
    if vignette.get("red_flag"):
        assert RANK[triage["urgency"]] >= RANK[expected["urgency"]], \
            f"red flag {vignette['red_flag']} under-triaged: {triage} (asked {asked})"
    assert triage["urgency"] == expected["urgency"], f"{triage} (asked {asked})"
    if "grade" in expected:
        assert triage["grade"] == expected["grade"], f"{triage} (asked {asked})"
    if "red_flags" in expected:
        assert sorted(triage["red_flags"]) == sorted(expected["red_flags"]), f"{triage} (asked {asked})"
    if vignette.get("red_flag") and "sign" not in triage:
        assert vignette["red_flag"] in triage["red_flags"], f"{triage} (asked {asked})"
    speech = sim.turns[-1].speech
    assert "geen diagnose" in speech or "sign" in triage


@pytest.mark.parametrize("vignette", BLIND, ids=[v["name"] for v in BLIND])
def test_blind_vignette_is_never_under_triaged(skill, nlu, vignette):
    triage, asked, sim = run_vignette(skill, nlu, vignette)
    assert len(asked) <= 8, f"{len(asked)} questions: {asked}"
    assert RANK[triage["urgency"]] >= RANK[vignette["expect"]["urgency"]], \
        f"under-triaged: {triage}, expected {vignette['expect']['urgency']} (asked {asked})"


def test_blind_vignettes_mostly_get_the_clinicians_urgency(skill, nlu):
    exact = sum(run_vignette(skill, nlu, v)[0]["urgency"] == v["expect"]["urgency"] for v in BLIND)
    assert exact / len(BLIND) >= 0.9, f"{exact} of {len(BLIND)} exact"


def test_there_are_enough_vignettes_and_every_red_flag_has_one(content):
    assert len(VIGNETTES) + len(BLIND) >= 80
    flags = {rule.red_flag for rule in content.triage.rules if rule.red_flag}
    covered = {v.get("red_flag") for v in VIGNETTES}
    assert flags <= covered, f"red flags without a vignette: {flags - covered}"


def test_median_number_of_questions_is_at_most_six(skill, nlu):
    counts = [len(run_vignette(skill, nlu, v)[1]) for v in VIGNETTES + BLIND]
    assert max(counts) <= 8
    assert statistics.median(counts) <= 6, f"median {statistics.median(counts)}"
