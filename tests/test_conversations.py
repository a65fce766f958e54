"""Runs every conversation in tests/conversations/*.yaml through the simulator, its NLU included.

A file is a list of conversations:

    - name: ijs of warmte, daarna meer
      launch: true                 # default; false for a one-shot start ("vraag hamstring hulp ...")
      steps:
        - say: moet ik ijs of warmte gebruiken
          intent: IceOrHeatIntent  # what the NLU made of it
          not_intent: AMAZON.StopIntent     # what it must not be
          slots: {onderwerp: faq_massage}   # resolved ids (or spoken values for numbers)
          content: [faq_ice_or_heat]        # content ids spoken in this turn, exactly
          speaks: [faq_ice_or_heat/0]       # these parts (0 = short answer) are spoken word for word
          speech: 48 tot 72 uur             # regular expression(s), searched case-insensitively
          not_speech: graad                 # regular expression(s) that must not occur
          reprompt: true                    # true/false, or a regular expression
          end: false                        # whether the session ends
          triage: {urgency: self_care, grade: 1, red_flags: []}   # the trace of the outcome turn
          coach: {routine: rehab_2}         # where the coach is (these keys of the --json trace)

`say: /stil` is silence, `say: /open` is "Alexa, open hamstring hulp". `after: 30` makes the step interrupt the previous answer 30 seconds in
("Alexa, herhaal" in the middle of an exercise); `wait: 600` lets ten minutes pass first.
Every response is also checked against the response rules.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from skill.adapters.simulator.session import Simulator
from tests.rules import assert_response_rules

FILES = sorted((Path(__file__).parent / "conversations").glob("*.yaml"))
STEP_KEYS = {"say", "intent", "slots", "content", "speaks", "speech", "not_speech", "reprompt", "end", "triage", "note",
             "after", "wait", "not_intent", "coach"}


def _conversations():
    for path in FILES:
        for i, conversation in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            yield pytest.param(conversation, id=f"{path.stem}:{conversation.get('name', i)}")


def _patterns(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def test_there_are_enough_conversations():
    count = sum(1 for _ in _conversations())
    assert count >= 30, f"only {count} conversations"


@pytest.mark.parametrize("conversation", list(_conversations()))
def test_conversation(conversation, skill, nlu, content):
    sim = Simulator(skill, nlu)
    transcript: list[str] = []
    if conversation.get("launch", True):
        turn = sim.launch()
        transcript.append(f"> (open)\n< {turn.speech}")
        assert_response_rules(turn)
    for number, step in enumerate(conversation["steps"], 1):
        unknown = set(step) - STEP_KEYS
        assert not unknown, f"step {number}: unknown keys {unknown}"
        said = step["say"]
        if "wait" in step:
            sim.wait(step["wait"])                 # time passes first (between sessions, say)
        if "after" in step:
            sim.interrupt_after(step["after"])     # cut into the last answer this many seconds in
        turn = sim.silence(said) if said == "/stil" else sim.launch() if said == "/open" else sim.say(said)
        assert turn is not None, f"step {number}: nothing happened for {said!r}"
        transcript.append(f"> {said}  [{turn.intent}]\n< {turn.speech}")
        where = f"step {number} ({said!r})\n" + "\n".join(transcript)
        assert_response_rules(turn)
        if "intent" in step:
            assert turn.intent == step["intent"], where
        if "not_intent" in step:
            assert turn.intent != step["not_intent"], where
        if "slots" in step:
            slots = turn.summary()["request"]["slots"]
            for name, expected in step["slots"].items():
                got = slots.get(name) or {}
                assert expected in (got.get("id"), got.get("value")), f"slot {name}: {got}\n{where}"
        if "content" in step:
            assert turn.content_ids == list(step["content"]), where
        for ref in _patterns(step.get("speaks")):
            topic_id, part = ref.split("/")
            text = content.topics[topic_id].parts[int(part)]
            assert " ".join(text.split()) in turn.speech.replace("\n", " "), f"{ref} not spoken\n{where}"
        for pattern in _patterns(step.get("speech")):
            assert re.search(pattern, turn.speech, re.IGNORECASE), f"{pattern!r} not in speech\n{where}"
        for pattern in _patterns(step.get("not_speech")):
            assert not re.search(pattern, turn.speech, re.IGNORECASE), f"{pattern!r} in speech\n{where}"
        if "reprompt" in step:
            expected = step["reprompt"]
            if isinstance(expected, bool):
                assert (turn.reprompt is not None) == expected, where
            else:
                assert turn.reprompt and re.search(expected, turn.reprompt, re.IGNORECASE), where
        if "end" in step:
            assert turn.end_session == step["end"], where
        if "triage" in step:
            assert turn.triage == step["triage"], where
        if "coach" in step:
            assert {k: (turn.coach or {}).get(k) for k in step["coach"]} == step["coach"], where
