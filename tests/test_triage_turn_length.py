"""Turn budgets for the triage, in spoken seconds at the skill's own rate (skill.core.timing):
the intro at most 8 s, and every first outcome response at most 25 s."""
from __future__ import annotations

import re

import pytest

from skill.core.timing import speaking_seconds
from skill.voice.handlers.triage import outcome_speech
from skill.voice.speech import Speech

INTRO_SECONDS = 8
OUTCOME_SECONDS = 25


def spoken(ssml: str) -> str:
    """What Alexa says: aliases as spoken ("één één twee"), tags gone."""
    text = re.sub(r'<sub alias="([^"]*)">[^<]*</sub>', r"\1", ssml)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_the_intro_is_short(content):
    assert speaking_seconds(content.phrases("triage_intro")) <= INTRO_SECONDS


def distinct_results(content):
    seen = {}
    for _, result in content.triage.paths():
        key = (result.rule.id, result.urgency, result.unsure, result.capped)
        seen.setdefault(key, result)
    return list(seen.values())


def test_every_first_outcome_response_fits_the_budget(content):
    results = distinct_results(content)
    outcomes = {r.outcome for r in results}
    assert outcomes == set(content.triage.outcomes), "every outcome is measured"
    too_long = []
    for result in results:
        text = spoken(outcome_speech(content, result).ssml)
        seconds = speaking_seconds(text)
        if seconds > OUTCOME_SECONDS:
            too_long.append(f"{result.rule.id} ({result.urgency}, unsure={result.unsure}): {seconds:.1f} s: {text}")
    assert not too_long, "\n".join(too_long)


@pytest.mark.parametrize("urgency", ["emergency", "doctor_today", "doctor_soon", "physio", "self_care"])
def test_the_first_sentence_says_who_and_how_soon(content, urgency):
    result = next(r for r in distinct_results(content) if r.urgency == urgency and not r.unsure)
    outcome = content.triage.outcomes[result.outcome]
    first = spoken(outcome_speech(content, result).ssml).strip()
    advice = outcome.advice or content.triage.advice[urgency]
    assert first.startswith(spoken(Speech().say(advice).ssml).split(".")[0]), first
