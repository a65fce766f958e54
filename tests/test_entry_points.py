"""Lambda, the web service and the simulator all run the same skill object; the package loads."""
from __future__ import annotations

import json
import logging

import pytest

from skill import lambda_function
from skill.adapters import web
from skill.adapters.ask_package import write_package
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


def test_the_ask_package_loads_in_the_ask_layout(tmp_path, content):
    written = write_package(tmp_path)
    skill_json = json.loads((tmp_path / "skill-package" / "skill.json").read_text(encoding="utf-8"))
    model = json.loads((tmp_path / "skill-package" / "interactionModels" / "custom" / "nl-NL.json").read_text(encoding="utf-8"))
    assert len(written) == 2
    manifest = skill_json["manifest"]
    locale = manifest["publishingInformation"]["locales"]["nl-NL"]
    assert locale["name"] == "Hamstring Hulp"
    description = locale["description"].lower()
    assert "geen vervanging voor professioneel medisch advies" in description and "112" in description
    assert manifest["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesHealthInfo"] is False and privacy["usesPersonalInfo"] is False
    assert privacy["isChildDirected"] is False
    language = model["interactionModel"]["languageModel"]
    assert language["invocationName"] == "hamstring hulp"
    samples = {s for intent in language["intents"] for s in intent.get("samples", [])}
    phrases = locale["examplePhrases"]
    assert phrases[0] == "Alexa, open hamstring hulp"
    for phrase in phrases[1:]:
        said = phrase.split("hamstring hulp", 1)[1].strip()
        assert said in samples, phrase


def test_package_with_an_endpoint(tmp_path):
    write_package(tmp_path, endpoint="https://skill.example.org/")
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text(encoding="utf-8"))["manifest"]
    assert manifest["apis"]["custom"]["endpoint"]["uri"] == "https://skill.example.org/"


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
