"""An emergency said in one's own words is heard in every state: 112 (or the spoedeisende hulp) in
the first sentence of that same response, and the session ends.

The examples and states are data (tests/emergency/examples.yaml); a property test adds generated
conversations with the emergency volunteered at a random turn.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from skill.adapters.simulator.session import Simulator
from tests.rules import assert_response_rules

DATA = yaml.safe_load((Path(__file__).parent / "emergency" / "examples.yaml").read_text(encoding="utf-8"))
EXAMPLES, STATES = DATA["examples"], DATA["states"]


def first_sentence(speech: str) -> str:
    return re.split(r"(?<=[.!?])\s", speech.strip(), maxsplit=1)[0]


def reach(sim: Simulator, state: dict) -> None:
    if state["launch"]:
        sim.launch()
    for utterance in state["steps"]:
        turn = sim.say(utterance)
        assert not turn.end_session, f"the session ended before the state was reached: {utterance!r}"


def assert_emergency(turn, expected_first: str) -> None:
    assert_response_rules(turn)
    assert turn.intent == "EmergencyIntent", turn.intent
    assert expected_first.lower() in first_sentence(turn.speech).lower(), turn.speech
    assert "112" in turn.speech
    assert turn.end_session is True and turn.reprompt is None


@pytest.mark.parametrize("state", STATES, ids=[s["name"] for s in STATES])
@pytest.mark.parametrize("example", EXAMPLES, ids=[e["say"] for e in EXAMPLES])
def test_an_emergency_is_heard_in_every_state(skill, nlu, state, example):
    sim = Simulator(skill, nlu)
    reach(sim, state)
    if "after" in state:
        sim.interrupt_after(state["after"])
    said = example["say"] if state["launch"] else f"vraag hamstring hulp {example['say']}"
    assert_emergency(sim.say(said), example["first"])


def test_the_emergency_response_is_short_and_says_why(skill, nlu, content):
    """First what to do, then one sentence why, then that the skill stops: no disclaimer in front."""
    sim = Simulator(skill, nlu)
    sim.launch()
    turn = sim.say("ik hoest bloed op")
    sentences = re.split(r"(?<=[.!?])\s", turn.speech.strip())
    assert sentences[0] == "Bel nu 112."
    assert content.triage.emergency_signs["coughing_blood"].why in turn.speech
    assert len(sentences) <= 4, turn.speech


def test_a_denied_sign_is_no_emergency(skill, nlu):
    sim = Simulator(skill, nlu)
    sim.launch()
    sim.say("ja")
    sim.say("ja")                      # the calf is swollen, so the breathing question follows
    turn = sim.say("nee hoor")
    assert "Ben je kortademig" in turn.speech
    turn = sim.say("nee, ik ben niet benauwd")
    assert turn.intent == "AMAZON.NoIntent"
    assert not turn.end_session and "112" not in first_sentence(turn.speech)
    assert turn.session_attributes["triage"]["answers"]["breathless"] is False


# Anything a listener might say along the way: answers, questions, commands of the coach.
ORDINARY = ["ja", "nee", "weet ik niet", "geleidelijk", "gewoon", "help", "herhaal", "moet ik ijs of warmte gebruiken",
            "hoe lang duurt herstel", "check mijn klachten", "start de warming-up", "verder", "vorige vraag",
            "doe de sporttest", "zeven", "twee weken", "ik loop mank", "wat zijn de symptomen"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(st.sampled_from(ORDINARY), max_size=8), example=st.sampled_from(EXAMPLES),
       one_shot=st.booleans())
def test_an_emergency_volunteered_at_any_turn_gets_112(skill, nlu, before, example, one_shot):
    sim = Simulator(skill, nlu)
    if not one_shot:
        sim.launch()
    for utterance in before:
        turn = sim.say(utterance)
        if turn.end_session:
            break                      # a new session starts with the next utterance, as Alexa would
    said = example["say"] if sim.in_session else f"vraag hamstring hulp {example['say']}"
    assert_emergency(sim.say(said), example["first"])


def _at_the_breathing_question(skill, nlu) -> Simulator:
    sim = Simulator(skill, nlu)
    sim.launch()
    sim.say("ja")
    sim.say("ja")                      # a swollen calf
    turn = sim.say("nee")
    assert "Ben je kortademig" in turn.speech
    return sim


@pytest.mark.parametrize("said", ["nee, benauwd ben ik niet", "ik ben niet benauwd", "nee hoor", "niet echt",
                                  "ik krijg gewoon lucht", "nee, gelukkig niet kortademig",
                                  "nee, ik heb geen moeite met ademen", "ik heb geen pijn op de borst",
                                  "nee, ik hoest geen bloed op", "nee, benauwd, dat ben ik niet"])
def test_a_denial_on_the_breathing_question_is_a_no(skill, nlu, said):
    turn = _at_the_breathing_question(skill, nlu).say(said)
    assert turn.intent == "AMAZON.NoIntent", turn.intent
    assert not turn.end_session and turn.session_attributes["triage"]["answers"]["breathless"] is False


@pytest.mark.parametrize("said", ["nee, maar wel pijn op de borst", "ja, ik ben een beetje benauwd",
                                  "ik hoest wel bloed op", "nee, niet kortademig, wel pijn op de borst"])
def test_a_sign_named_in_the_answer_is_112(skill, nlu, said):
    turn = _at_the_breathing_question(skill, nlu).say(said)
    assert "112" in first_sentence(turn.speech) and turn.end_session, turn.speech


def test_words_that_only_look_like_a_sign_are_not_112(skill, nlu):
    """A carrier phrase without a sign in it: the open question again, never 112 and an ended session."""
    sim = Simulator(skill, nlu)
    sim.launch()
    sim.say("ja")
    turn = sim.say("mijn kuit is niet dik")
    assert not turn.end_session and "Bel nu 112" not in turn.speech


@pytest.mark.parametrize("said", ["ik moet op adem komen van het opstaan, niks ergs hoor", "nee, plassen gaat gewoon goed",
                                  "mijn billen voelen stijf"])
def test_words_near_a_sign_that_are_no_sign_are_not_112(skill, nlu, said):
    """The words a sign is made of, without the sign: catching more wordings must not turn ordinary
    sentences into 112."""
    sim = Simulator(skill, nlu)
    sim.launch()
    turn = sim.say(said)
    assert turn.intent != "EmergencyIntent" and not turn.end_session, (turn.intent, turn.speech)
