"""Turn budgets, in spoken seconds at the skill's own rate (skill.core.timing): the welcome, the
disclaimer, help, every reprompt, and what the coach says before the first exercise starts."""
from __future__ import annotations

import pytest

from skill.core.content import PHRASES
from skill.core.timing import speaking_seconds
from skill.voice.speech import Speech

WELCOME_FIRST, WELCOME_BACK, DISCLAIMER, HELP, REPROMPT, COACH_INTRO = 10, 5, 5, 15, 10, 12


def spoken(text: str) -> float:
    """Seconds as Alexa says it: "112" is "één één twee"."""
    import re
    ssml = Speech().say(text).ssml
    plain = re.sub(r"<[^>]+>", " ", re.sub(r'<sub alias="([^"]*)">[^<]*</sub>', r"\1", ssml))
    return speaking_seconds(plain)


def phrase(content, key: str) -> str:
    values = {name: "de warming-up" if name == "sessie" else "twee" for name in PHRASES[key]}
    return content.phrases(key, **values)


def test_the_welcome_for_a_new_listener(content):
    assert spoken(phrase(content, "welcome") + " " + phrase(content, "launch_options")) <= WELCOME_FIRST


def test_the_welcome_for_a_returning_listener(content):
    assert spoken(phrase(content, "welcome_back") + " " + phrase(content, "launch_options_back")) <= WELCOME_BACK
    resume = phrase(content, "welcome_back") + " " + phrase(content, "coach_offer_resume")
    assert spoken(resume) <= WELCOME_BACK, "the offer to go on is one short sentence"


def test_the_disclaimer(content):
    assert spoken(phrase(content, "disclaimer")) <= DISCLAIMER


def test_help(content):
    assert spoken(phrase(content, "help")) <= HELP


@pytest.mark.parametrize("key", sorted(k for k in PHRASES if "reprompt" in k))
def test_every_reprompt(content, key):
    assert spoken(phrase(content, key)) <= REPROMPT


START = {"warmup": "start de warming-up", "cooldown": "start de cooling-down", "rehab_1": "doe revalidatie fase één",
         "rehab_2": "doe revalidatie fase twee", "rehab_3": "doe revalidatie fase drie"}


@pytest.mark.parametrize("routine_id", sorted(START))
def test_the_coach_intro_before_the_first_exercise(content, sim, routine_id):
    """From the start of the answer to the first exercise's name: the introduction, the pain rule
    and the first part's title, as the listener hears them after the welcome."""
    assert set(START) == set(content.coach.routines), "every routine has a way to start it here"
    sim.launch()
    turn = sim.say(START[routine_id])
    assert turn.coach and turn.coach["routine"] == routine_id, turn.speech[:200]
    first_exercise_at = turn.session_attributes["coach"]["offsets"][0]
    routine = content.coach.routine(routine_id)
    heard = spoken(" ".join([routine.intro, content.coach.pain_rule_for(routine)]))
    assert heard < first_exercise_at, "the intro and the pain rule come before the first exercise"
    assert first_exercise_at <= COACH_INTRO, turn.speech[:300]
