"""Every kind of request Alexa sends gets a valid response, with a session or without, and the
Lambda handler never raises: events get an empty response, CanFulfill a NO, unknown intents the
fallback, numbers outside a question's range are asked again, forged session state is dropped."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest

from skill import lambda_function
from skill.adapters.storage import CORRUPT, SqlitePersistenceAdapter
from skill.voice.app import build_skill
from tests.envelopes import EVENTS, SPOKEN, envelope, intent_request, response_problems


def run(skill, event):
    response = lambda_function.run(skill, event)
    problems = response_problems(event, response)
    assert not problems, problems
    return response


def speech(response) -> str:
    return (response["response"].get("outputSpeech") or {}).get("ssml", "")


@pytest.mark.parametrize("kind, with_session", [(kind, with_session) for kind in sorted(EVENTS)
                                                 for with_session in (True, False)
                                                 if with_session or kind != "SessionEndedRequest"])   # always in a session
def test_events_get_an_empty_response(skill, kind, with_session):
    response = run(skill, envelope({"type": kind, **EVENTS[kind]}, session=with_session))
    body = response["response"]
    assert "outputSpeech" not in body and "reprompt" not in body
    if kind == "CanFulfillIntentRequest":
        assert body["canFulfillIntent"]["canFulfill"] == "NO"


def test_exception_encountered_logs_the_error_type_only(skill, caplog):
    event = envelope({"type": "System.ExceptionEncountered",
                      "error": {"type": "INVALID_RESPONSE", "message": "secret words from a listener"},
                      "cause": {"requestId": "amzn1.echo-api.request.1"}}, session=False)
    with caplog.at_level(logging.INFO):
        run(skill, event)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "INVALID_RESPONSE" in text and "secret words" not in text


@pytest.mark.parametrize("kind", SPOKEN)
def test_a_request_without_a_session_is_a_one_shot(skill, kind):
    request = intent_request("IceOrHeatIntent") if kind == "IntentRequest" else {"type": kind}
    response = run(skill, envelope(request, session=False))
    assert ("48 tot 72 uur" if kind == "IntentRequest" else "Welkom") in speech(response)


def test_an_unknown_intent_gets_the_fallback(skill, content):
    response = run(skill, envelope(intent_request("AMAZON.SendToPhoneIntent"), new=True))
    assert content.phrases("fallback")[:30] in speech(response).replace("\n", " ")
    assert response["response"]["shouldEndSession"] is False


class Exploding(Exception):
    pass


def test_the_exception_handler_never_raises(content, tmp_path, monkeypatch):
    """A handler fails, and then the phrases fail too: still a spoken answer, nothing escapes."""
    skill = build_skill(content, persistence_adapter=SqlitePersistenceAdapter(tmp_path / "s.sqlite"))
    from skill.voice.handlers import topics

    def explode(*args, **kwargs):
        raise Exploding("boom")

    monkeypatch.setattr(topics, "speak_part", explode)
    response = run(skill, envelope(intent_request("IceOrHeatIntent"), new=True))
    assert "er ging bij mij iets mis" in speech(response)
    monkeypatch.setattr(type(content.phrases), "__call__", explode)
    response = run(skill, envelope(intent_request("IceOrHeatIntent"), new=True))
    assert "er ging bij mij iets mis" in speech(response) and response["response"]["shouldEndSession"] is True
    response = run(skill, envelope({"type": "SessionEndedRequest", "reason": "ERROR"}))
    assert "outputSpeech" not in response["response"]


# ---------------------------------------------------------------- numbers

TRIAGE_AT_AGE = {"mode": "triage", "awaiting": "triage", "disclaimer_given": True,
                 "triage": {"answers": {"calf": False, "thigh": False, "nerve": False, "onset": "onset_fall"},
                            "asked": ["calf", "thigh", "nerve", "onset"], "current": "age", "misses": 0}}


@pytest.mark.parametrize("said", ["nan", "NaN", "inf", "-inf", "-3", "1e400", "121", "7.5e3", "12345678901234567890"])
def test_a_number_outside_the_question_is_asked_again(skill, said):
    response = run(skill, envelope(intent_request("NumberAnswerIntent", getal=said), json.loads(json.dumps(TRIAGE_AT_AGE))))
    attributes = response["sessionAttributes"]
    json.dumps(attributes, allow_nan=False)
    assert "age" not in attributes["triage"]["answers"]
    assert "Hoe oud ben je" in speech(response)


def test_a_number_inside_the_range_is_taken(skill):
    response = run(skill, envelope(intent_request("NumberAnswerIntent", getal="70"), json.loads(json.dumps(TRIAGE_AT_AGE))))
    assert response["sessionAttributes"]["triage"]["answers"]["age"] == 70


def _duration(amount: str) -> dict:
    request = intent_request("DurationAnswerIntent", aantal=amount, eenheid="weken")
    request["intent"]["slots"]["eenheid"]["resolutions"] = {"resolutionsPerAuthority": [{
        "authority": "amzn1.er-authority.echo-sdk.x.TIJDSEENHEID", "status": {"code": "ER_SUCCESS_MATCH"},
        "values": [{"value": {"name": "weken", "id": "week"}}]}]}
    return request


@pytest.mark.parametrize("amount", ["-3", "nan", "inf", "1e300"])
def test_a_duration_is_never_negative_or_endless(skill, content, amount):
    since = content.triage.question("history")       # a yes/no question a duration also answers
    attrs = {"mode": "triage", "awaiting": "triage", "disclaimer_given": True,
             "triage": {"answers": {}, "asked": [], "current": since.id, "misses": 0}}
    response = run(skill, envelope(_duration(amount), attrs))
    stored = response["sessionAttributes"].get("triage", {}).get("answers", {})
    assert since.id not in stored, stored
    assert "langer dan een week" in speech(response)      # asked again


@pytest.mark.parametrize("phase", ["inf", "nan", "-3", "2.5", "1e400", "0"])
def test_a_phase_that_is_no_phase_starts_nothing(skill, phase):
    response = run(skill, envelope(intent_request("StartRoutineIntent", fase=phase), new=True))
    assert response["response"]["shouldEndSession"] is False
    assert response["sessionAttributes"].get("mode") != "coach"


def test_the_number_slots_are_those_of_the_model():
    from skill.voice.slots import NUMBER_SLOTS
    from tests.envelopes import interaction_model
    numbers = {s["name"] for i in interaction_model()["intents"] for s in i.get("slots", []) if s["type"] == "AMAZON.NUMBER"}
    assert numbers == NUMBER_SLOTS


# ---------------------------------------------------------------- forged session attributes

def test_a_forged_repeat_is_said_as_text_not_markup(skill):
    forged = {"last": {"speech": "<speak><audio src='https://evil.example/x.mp3'/>Hoi</speak>",
                       "reprompt": "<speak>x</speak>", "content_ids": []}}
    response = run(skill, envelope(intent_request("AMAZON.RepeatIntent"), forged))
    assert "<audio" not in speech(response) and "evil.example" not in json.dumps(response)
    forged = {"last": {"speech": [["s", "<audio src='https://evil.example/x.mp3'/>"]], "reprompt": None, "content_ids": []}}
    response = run(skill, envelope(intent_request("AMAZON.RepeatIntent"), forged))
    assert "<audio" not in speech(response)


def test_forged_attributes_are_not_echoed(skill):
    forged = {"padding": "x" * 20000, "topic": {"id": "faq_ice_or_heat", "part": 0, "more": "y" * 20000}}
    response = run(skill, envelope(intent_request("AMAZON.HelpIntent"), forged))
    assert "padding" not in response["sessionAttributes"] and "xxxx" not in json.dumps(response)
    assert len(json.dumps(response)) < 8 * 1024


def test_a_forged_coach_block_does_not_break_launch_or_the_store(tmp_path, content):
    store = SqlitePersistenceAdapter(tmp_path / "s.sqlite")
    skill = build_skill(content, persistence_adapter=store)
    user = "amzn1.ask.account.forger"
    forged = {"mode": "coach", "coach": {"routine": "warmup", "block": "x", "first": 0, "offsets": [0], "end": 9,
                                         "at": datetime.now(timezone.utc).isoformat(), "easier": []}}
    response = run(skill, envelope({"type": "SessionEndedRequest", "reason": "USER_INITIATED"}, forged, user_id=user))
    response = run(skill, envelope(intent_request("AMAZON.PauseIntent"), forged, user_id=user))
    assert "iets mis" not in speech(response)
    for _ in range(2):                                  # and on every later visit
        response = run(skill, envelope({"type": "LaunchRequest"}, new=True, user_id=user))
        assert "Welkom" in speech(response) and "iets mis" not in speech(response)


def test_a_corrupted_stored_record_is_discarded_with_one_sentence_and_overwritten(tmp_path, content):
    store = SqlitePersistenceAdapter(tmp_path / "s.sqlite")
    skill = build_skill(content, persistence_adapter=store)
    user = "amzn1.ask.account.corrupt"
    store._connection().execute("INSERT INTO attributes VALUES (?, ?)", (user, '{"coach": {"routine": "warmup", "block": "x'))
    first = speech(run(skill, envelope({"type": "LaunchRequest"}, new=True, user_id=user)))
    assert first.count("Ik weet niet meer waar je was") == 1 and "iets mis" not in first
    record = store.raw()[user]
    assert CORRUPT not in record and "coach" not in record
    again = speech(run(skill, envelope({"type": "LaunchRequest"}, new=True, user_id=user)))
    assert "Ik weet niet meer waar je was" not in again


@pytest.mark.parametrize("spoken, phase", [("de tweede fase", "rehab_2"), ("fase drie", "rehab_3"),
                                           ("eerste fase van de revalidatie", "rehab_1")])
def test_a_phase_said_inside_the_routine_words_starts_that_phase(skill, spoken, phase):
    """Alexa resolves "de tweede fase" to the rehab routine and leaves the number slot empty: the
    phase is read from the routine's own words instead of asking for it again."""
    request = intent_request("StartRoutineIntent", routine=spoken)
    request["intent"]["slots"]["routine"]["resolutions"] = {"resolutionsPerAuthority": [{
        "authority": "amzn1.er-authority.echo-sdk.x.ROUTINE", "status": {"code": "ER_SUCCESS_MATCH"},
        "values": [{"value": {"name": "revalidatie", "id": "rehab"}}]}]}
    response = run(skill, envelope(request))
    assert response["sessionAttributes"]["coach"]["routine"] == phase, response["sessionAttributes"]
