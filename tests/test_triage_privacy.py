"""Triage answers live only in the session: never in logs, on cards, or in what the skill keeps.

Runs every vignette with all log output captured (every logger, DEBUG and up, the ASK SDK's own
included) and looks for the answers, their interpreted values and the outcome in it.
"""
from __future__ import annotations

import logging
import re

import pytest

from tests.test_triage_vignettes import VIGNETTES, run_vignette


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    yield caplog
    root.setLevel(previous)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def test_no_answer_or_outcome_reaches_the_logs(skill, nlu, content, all_logs):
    said: set[str] = set()
    outcomes: set[str] = set()
    for vignette in VIGNETTES:
        triage, asked, sim = run_vignette(skill, nlu, vignette)
        for question in asked:
            said.add(str(vignette["answers"][question]).lower())
        outcomes |= {triage["urgency"], *triage["red_flags"]}
        for turn in sim.turns:
            assert turn.card is None or not turn.session_attributes.get("triage"), "a card during the triage"
            if turn.triage:
                assert turn.card is None, "the outcome must not be shown on a card"
    log = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in all_logs.records).lower()
    assert "intent=" in log, "the log is captured"      # the capture works
    log_words = _words(log)
    for answer in said:
        distinctive = [w for w in _words(answer) if len(w) > 3]
        assert not (distinctive and all(w in log_words for w in distinctive)), f"answer {answer!r} in the log"
    for value in outcomes:
        assert value not in log, f"{value!r} in the log"
    protocol = content.triage
    for question in protocol.questions:
        for choice in question.choices:
            assert choice.id not in log
    for rule in protocol.rules:
        assert rule.id not in log and rule.outcome not in log
    # Even the intent of an answer (ja, nee, a choice) would tell the answer: those are logged as
    # "(answer)", once for every answer given.
    for name in ("yesintent", "nointent", "dontknowintent", "choiceanswerintent", "numberanswerintent",
                 "durationanswerintent"):
        assert f"intent=amazon.{name}" not in log and f"intent={name}" not in log, name
    assert log.count("intent=(answer)") >= len(said) > 0


def test_answers_do_not_outlive_the_session(skill, nlu):
    """After the advice the answers stay in the session (so "vorige vraag" can change one); once the
    session ends they are gone: the next session starts without them."""
    triage, asked, sim = run_vignette(skill, nlu, VIGNETTES[0])
    assert set(sim.turns[-1].session_attributes["triage"]["answers"]) == set(asked)
    assert sim.say("stop").end_session
    fresh = sim.launch()
    assert "triage" not in fresh.session_attributes
    assert fresh.request["session"]["attributes"] == {}
