"""Patient vignettes, run through the simulator and its NLU like a listener would talk.

Each vignette in tests/triage/vignettes.yaml is a patient profile: how the person would answer
each question (in their own words) and the urgency a careful clinician would give. The runner
answers whatever the skill asks, so the vignettes also show how many questions each path takes.
"""
from __future__ import annotations

import statistics
from functools import lru_cache

import pytest

from skill.adapters.simulator import vignettes
from skill.adapters.simulator.session import Simulator
from skill.core.content import load_content
from skill.core.triage import RANK
from tests.rules import assert_response_rules

VIGNETTES = vignettes.load("team")
# Written by a helper who had not seen content/triage.yaml, tests/ or the interaction model, from the
# clinical criteria and the spoken questions only. First run, before looking at any miss: 21 of 44
# exact, 2 over-, 1 under-triaged, 20 not understood to the end (hedges, ages, answers with an
# explanation). After the understanding fixes: 44 of 44 exact.
BLIND = vignettes.load("blind")
TEAM_ADDED = ("Man (61), rood en warm bovenbeen met verhoging, nu ook kortademig",
              "Vrouw (39) na een keizersnede, warm dik bovenbeen en pijn bij het ademen",
              "Hockeyer (34), zitbot doet pijn en hij loopt mank, geen knak",
              "Turnster (27), kan na een spagaat niet op haar been staan",
              "Man (45), kan sinds vanochtend niet meer op zijn been staan, zonder val")


@lru_cache(maxsize=1)
def _protocol():
    return load_content().triage


def run_vignette(skill, nlu, vignette) -> tuple[dict, list[str], Simulator]:
    """Plays the vignette; returns the triage trace, the questions asked, and the simulator."""
    played = vignettes.play(skill, nlu, _protocol(), vignette, each_turn=assert_response_rules)
    return played.triage, played.asked, played.sim


_PLAYED: dict[tuple[int, str], vignettes.Played] = {}


def _played(skill, nlu, vignette) -> vignettes.Played:
    """Each vignette played once per skill in this module: the per-vignette tests and the tests over
    the whole set (exactness, median, coverage) read the same conversation."""
    key = (id(skill), vignette["name"])
    if key not in _PLAYED:
        _PLAYED[key] = vignettes.play(skill, nlu, _protocol(), vignette, each_turn=assert_response_rules)
    return _PLAYED[key]


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["name"] for v in VIGNETTES])
def test_vignette(skill, nlu, vignette):
    played = _played(skill, nlu, vignette)
    triage, asked, sim = played.triage, played.asked, played.sim
    expected = vignette["expect"]
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
    played = _played(skill, nlu, vignette)
    triage, asked = played.triage, played.asked
    assert len(asked) <= 8, f"{len(asked)} questions: {asked}"
    assert RANK[triage["urgency"]] >= RANK[vignette["expect"]["urgency"]], \
        f"under-triaged: {triage}, expected {vignette['expect']['urgency']} (asked {asked})"


def test_blind_vignettes_mostly_get_the_clinicians_urgency(skill, nlu):
    exact = sum(_played(skill, nlu, v).triage["urgency"] == v["expect"]["urgency"] for v in BLIND)
    assert exact / len(BLIND) >= 0.9, f"{exact} of {len(BLIND)} exact"


def test_there_are_enough_vignettes_and_most_new_ones_are_blind():
    """At least 80 in all; of the vignettes added for the reviewed protocol, the blind ones are the
    larger half (the team added five, for rules that had fewer than two)."""
    assert len(VIGNETTES) + len(BLIND) >= 80
    added_by_team = sum(1 for v in VIGNETTES if v["name"] in TEAM_ADDED)
    assert added_by_team == len(TEAM_ADDED) and len(BLIND) > added_by_team


def test_median_number_of_questions_is_at_most_seven(skill, nlu):
    """The reviewed protocol asks calf and thigh apart and adds weakness, blood thinners and night pain:
    a sprint strain with no warning sign now takes 8 questions and the median over all vignettes is 7
    (it was 6 before the review). The cap of 8 holds by construction."""
    counts = [len(_played(skill, nlu, v).asked) for v in VIGNETTES + BLIND]
    assert max(counts) <= 8
    assert statistics.median(counts) <= 7, f"median {statistics.median(counts)}"


BARE = {"ja", "nee", "weet ik niet"}


def test_every_rule_and_red_flag_has_two_vignettes_in_different_words(skill, nlu, content):
    """Each rule, and each red flag, decides at least two vignettes; their answers differ, and at least
    one of them answers in other words than a bare ja, nee or weet ik niet."""
    decided: dict[str, list[dict]] = {}
    for vignette in VIGNETTES + BLIND:
        played = _played(skill, nlu, vignette)
        rule = played.decided_by
        decided.setdefault(rule, []).append(vignette)
        for flag in played.triage["red_flags"][:1]:
            decided.setdefault(f"flag:{flag}", []).append(vignette)
    wanted = [rule.id for rule in content.triage.rules]
    wanted += sorted({f"flag:{rule.red_flag}" for rule in content.triage.rules if rule.red_flag})
    short = []
    for key in wanted:
        cases = decided.get(key, [])
        answered = [{q: str(a).lower() for q, a in v["answers"].items()} for v in cases]
        distinct = len({tuple(sorted(a.items())) for a in answered})
        hedged = any(set(a.values()) - BARE for a in answered)
        if len(cases) < 2 or distinct < 2 or not hedged:
            short.append(f"{key}: {len(cases)} vignettes, {distinct} distinct, hedged={hedged}")
    assert not short, "\n".join(short)
