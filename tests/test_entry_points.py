"""Lambda, the web service and the simulator all run the same skill object (the package: test_package.py)."""
from __future__ import annotations

import json
import logging

import pytest

from skill import lambda_function
from skill.adapters import web
from skill.adapters.simulator.chat import make_simulator
from skill.adapters.simulator.session import SIMULATOR_SKILL_ID, Simulator
from skill.voice import app


@pytest.fixture
def fresh_skill(monkeypatch):
    """get_skill() reads ALEXA_SKILL_ID once; tests set it and start from a clean cache."""
    app.get_skill.cache_clear()
    yield
    app.get_skill.cache_clear()


def _event(skill_id: str, utterance_intent: str | None = None) -> dict:
    sim = Simulator(skill=None, nlu=None, skill_id=skill_id)
    sim._new_session()
    request = {"type": "LaunchRequest"} if utterance_intent is None else {
        "type": "IntentRequest", "intent": {"name": utterance_intent, "confirmationStatus": "NONE", "slots": {}}}
    return sim.envelope(request)


def test_lambda_handler_answers_an_alexa_event(fresh_skill, monkeypatch):
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    response = lambda_function.handler(_event(SIMULATOR_SKILL_ID, "IceOrHeatIntent"), None)
    assert "48 tot 72 uur" in response["response"]["outputSpeech"]["ssml"]
    assert response["response"]["shouldEndSession"] is False
    json.dumps(response)   # serialisable, as Lambda returns it


def test_lambda_refuses_another_skill_id(fresh_skill, monkeypatch):
    monkeypatch.setenv("ALEXA_SKILL_ID", "amzn1.ask.skill.ours")
    assert "Welkom" in lambda_function.handler(_event("amzn1.ask.skill.ours"), None)["response"]["outputSpeech"]["ssml"]
    with pytest.raises(Exception, match="Skill ID Verification failed"):
        lambda_function.handler(_event("amzn1.ask.skill.theirs"), None)


def test_one_skill_object_behind_every_entry_point(fresh_skill, monkeypatch):
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    skill = app.get_skill()
    flask_app = web.create_app()
    from flask_ask_sdk.skill_adapter import EXTENSION_NAME
    adapter = next(iter(flask_app.extensions[EXTENSION_NAME].values()))
    assert adapter._skill is skill
    assert make_simulator().skill is skill
    lambda_function.handler(_event(SIMULATOR_SKILL_ID), None)
    assert app.get_skill() is skill


def test_logs_name_request_intent_and_outcome_never_what_was_said(skill, nlu, caplog):
    sim = Simulator(skill, nlu)
    with caplog.at_level(logging.DEBUG):
        sim.launch()
        sim.say("vertel me iets over foamrollen")
        sim.say("vertel me over mijn zere tennisarm")
        sim.say("stop")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "intent=TopicIntent" in text and "outcome=ask" in text and "outcome=tell" in text
    for said in ("foamrollen", "tennisarm", "zere"):
        assert said not in text


def test_lambda_pins_match_the_main_lock_file():
    from pathlib import Path

    def pins(name):
        text = (Path(__file__).resolve().parent.parent / name).read_text(encoding="utf-8")
        return {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
                for line in text.splitlines() if "==" in line and not line.startswith("#")}

    main, lam = pins("requirements.lock"), pins("requirements-lambda.lock")
    assert {name: main.get(name) for name in lam} == lam
