"""Every intent the model defines obeys the response rules, in every state a listener can be in.

Rules: well-formed SSML with only tags Alexa supports, no <break> over 10 s, at most 8000
characters; an open session always has a reprompt, a closed one never.
"""
from __future__ import annotations

import json

import pytest

from skill import paths
from skill.adapters.simulator.session import Simulator
from tests.rules import assert_response_rules

MODEL = json.loads(paths.model_file().read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
INTENTS = [intent["name"] for intent in MODEL["intents"]]
TYPES = {t["name"]: t["values"][0]["name"]["value"] for t in MODEL.get("types", [])}


def _slot_values(intent_name: str) -> dict[str, str]:
    intent = next(i for i in MODEL["intents"] if i["name"] == intent_name)
    values = {}
    for slot in intent.get("slots", []):
        values[slot["name"]] = "vijf" if slot["type"] == "AMAZON.NUMBER" else TYPES.get(slot["type"], "iets")
    return values


# Ways to reach a state before the intent under test is sent.
def _at_launch(sim):
    sim.launch()


def _after_a_topic(sim):
    sim.launch()
    sim.intent("IceOrHeatIntent")


def _after_the_last_part_of_a_topic(sim):
    sim.launch()
    sim.intent("IceOrHeatIntent")
    for _ in range(6):
        if "Wil je meer weten" not in sim.turns[-1].speech:
            break
        sim.intent("AMAZON.YesIntent")


def _one_shot(sim):
    pass


def _in_the_triage(sim):
    sim.launch()
    sim.intent("AMAZON.YesIntent")                      # the launch offers the triage
    sim.intent("AMAZON.NoIntent")                       # first question answered


def _at_a_triage_choice_question(sim):
    sim.launch()
    sim.intent("StartTriageIntent")
    sim.intent("AMAZON.NoIntent")
    sim.intent("AMAZON.NoIntent")                       # now: how did it start (a choice)


def _after_a_triage_outcome(sim):
    sim.launch()
    sim.intent("StartTriageIntent")
    for _ in range(10):
        if sim.turns[-1].triage:
            break
        sim.intent("DontKnowIntent")


def _in_a_coach_block(sim):
    sim.launch()
    sim.intent("StartRoutineIntent", routine="warming-up")
    sim.interrupt_after(45)                             # the next intent cuts into the first exercise


def _between_coach_blocks(sim):
    sim.launch()
    sim.intent("StartRoutineIntent", routine="warming-up")


def _in_the_last_coach_block(sim):
    sim.launch()
    sim.intent("StartRoutineIntent", routine="cooling-down")
    sim.intent("AMAZON.NextIntent")
    sim.interrupt_after(20)


def _asked_for_a_phase(sim):
    sim.launch()
    sim.intent("StartRoutineIntent", routine="revalidatie")


def _in_the_return_to_sport_check(sim):
    sim.launch()
    sim.intent("ReturnToSportCheckIntent")


STATES = {"launch": _at_launch, "topic": _after_a_topic, "topic_end": _after_the_last_part_of_a_topic,
          "one_shot": _one_shot, "triage": _in_the_triage, "triage_choice": _at_a_triage_choice_question,
          "triage_outcome": _after_a_triage_outcome, "coach_block": _in_a_coach_block,
          "coach_between": _between_coach_blocks, "coach_last_block": _in_the_last_coach_block,
          "coach_phase": _asked_for_a_phase, "return_to_sport": _in_the_return_to_sport_check}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("intent", INTENTS)
@pytest.mark.parametrize("with_slots", [True, False], ids=["slots", "no_slots"])
def test_every_intent_obeys_the_response_rules(skill, nlu, intent, state, with_slots):
    sim = Simulator(skill, nlu)
    STATES[state](sim)
    turn = sim.intent(intent, **(_slot_values(intent) if with_slots else {}))
    assert_response_rules(turn)
    assert "Sorry, er ging bij mij iets mis" not in turn.speech, f"{intent} in state {state} raised an error"


def test_the_walk_covers_every_intent_of_the_model():
    assert len(INTENTS) >= 13 + 14


def test_the_coach_states_are_reached(skill, nlu):
    for state in ("coach_block", "coach_between", "coach_last_block"):
        sim = Simulator(skill, nlu)
        STATES[state](sim)
        assert sim.turns[-1].session_attributes.get("mode") == "coach", state
    sim = Simulator(skill, nlu)
    _asked_for_a_phase(sim)
    assert sim.turns[-1].session_attributes.get("mode") == "coach_phase"
    sim = Simulator(skill, nlu)
    _in_the_return_to_sport_check(sim)
    assert sim.turns[-1].session_attributes.get("mode") == "return_to_sport"


def test_the_triage_states_are_reached(skill, nlu):
    for state in ("triage", "triage_choice"):
        sim = Simulator(skill, nlu)
        STATES[state](sim)
        assert sim.turns[-1].session_attributes.get("mode") == "triage"
    sim = Simulator(skill, nlu)
    _after_a_triage_outcome(sim)
    assert sim.turns[-1].triage is not None
