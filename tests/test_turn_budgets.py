"""Turn budgets, in spoken seconds at the skill's own rate (skill.core.timing): the welcome, the
disclaimer, help and every reprompt. (The coach's introduction is not yet within its 12 s.)"""
from __future__ import annotations

import pytest

from skill.core.content import PHRASES
from skill.core.timing import speaking_seconds
from skill.voice.speech import Speech

WELCOME_FIRST, WELCOME_BACK, DISCLAIMER, HELP, REPROMPT = 10, 5, 5, 15, 10


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
