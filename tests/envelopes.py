"""Alexa request envelopes for the robustness tests: every request type Alexa sends, real session
attributes captured from the simulator's conversations, and the checks every response must pass.

Used by tests/test_request_types.py, tests/test_fuzz.py and tests/test_session_state.py.
"""
from __future__ import annotations

import json
import math
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from skill.adapters.simulator.session import SIMULATOR_SKILL_ID, Simulator
from skill.voice.speech import MAX_AUDIO_SECONDS, MAX_SPEECH_CHARS, estimate_seconds, inspect_ssml

CONVERSATIONS = sorted((Path(__file__).parent / "conversations").glob("*.yaml"))
MAX_RESPONSE_BYTES = 24 * 1024          # Alexa's limit on a whole response

# Requests Alexa may send a custom skill, with the fields each one carries besides type/requestId/
# timestamp/locale. Spoken answers are allowed only for LaunchRequest and IntentRequest.
EVENTS: dict[str, dict[str, Any]] = {
    "SessionEndedRequest": {"reason": "USER_INITIATED"},
    "CanFulfillIntentRequest": {"intent": {"name": "IceOrHeatIntent", "slots": {}}},
    "System.ExceptionEncountered": {"error": {"type": "INVALID_RESPONSE", "message": "bad"},
                                    "cause": {"requestId": "amzn1.echo-api.request.0"}},
    "AudioPlayer.PlaybackStarted": {"token": "t", "offsetInMilliseconds": 0},
    "AudioPlayer.PlaybackFinished": {"token": "t", "offsetInMilliseconds": 1000},
    "AudioPlayer.PlaybackStopped": {"token": "t", "offsetInMilliseconds": 500},
    "AudioPlayer.PlaybackNearlyFinished": {"token": "t", "offsetInMilliseconds": 900},
    "AudioPlayer.PlaybackFailed": {"token": "t", "error": {"type": "MEDIA_ERROR_UNKNOWN", "message": "x"},
                                   "currentPlaybackState": {"token": "t", "offsetInMilliseconds": 0,
                                                            "playerActivity": "PLAYING"}},
    "PlaybackController.PlayCommandIssued": {},
    "PlaybackController.PauseCommandIssued": {},
    "PlaybackController.NextCommandIssued": {},
    "PlaybackController.PreviousCommandIssued": {},
    "Alexa.Presentation.APL.UserEvent": {"token": "t", "arguments": ["x"], "source": {}},
    "Connections.Response": {"name": "Buy", "status": {"code": "200", "message": "OK"}, "payload": {}, "token": "t"},
    "Messaging.MessageReceived": {"message": {"x": 1}},
    "AlexaSkillEvent.SkillEnabled": {},
    "Display.ElementSelected": {"token": "t"},
    "SessionResumedRequest": {},
}
SPOKEN = ("LaunchRequest", "IntentRequest")


def interaction_model() -> dict:
    path = Path(__file__).resolve().parent.parent / "interaction_model" / "nl-NL.json"
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


def intents_and_slots() -> dict[str, list[str]]:
    """Every intent of the model with its slot names, plus built-ins the model leaves out."""
    found = {i["name"]: [s["name"] for s in i.get("slots", [])] for i in interaction_model()["intents"]}
    for extra in ("AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.RepeatIntent", "AMAZON.StartOverIntent",
                  "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent"):
        found.setdefault(extra, [])
    return found


def slot_ids() -> list[str]:
    """Every id of every custom slot value: resolutions a real request could carry."""
    return sorted({v["id"] for t in interaction_model().get("types", []) for v in t["values"] if "id" in v})


def envelope(request: dict[str, Any], attributes: dict[str, Any] | None = None, *, session: bool = True,
             new: bool = False, user_id: str | None = None, stamp: datetime | None = None) -> dict[str, Any]:
    """A well-formed envelope around `request` (type and fields), as Alexa sends it."""
    application = {"applicationId": SIMULATOR_SKILL_ID}
    user = {"userId": user_id or f"amzn1.ask.account.{uuid.uuid4().hex}"}
    now = (stamp or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = {
        "version": "1.0",
        "context": {"System": {"application": application, "user": user,
                               "device": {"deviceId": "amzn1.ask.device.FUZZ", "supportedInterfaces": {}},
                               "apiEndpoint": "https://api.eu.amazonalexa.com"}},
        "request": {"requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": now, "locale": "nl-NL",
                    **request},
    }
    if session:
        out["session"] = {"new": new, "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                          "application": application, "attributes": attributes or {}, "user": user}
    return out


def intent_request(name: str, **slots: str) -> dict[str, Any]:
    return {"type": "IntentRequest", "dialogState": "COMPLETED",
            "intent": {"name": name, "confirmationStatus": "NONE",
                       "slots": {k: {"name": k, "value": v, "confirmationStatus": "NONE"} for k, v in slots.items()}}}


def response_problems(event: dict[str, Any], response: dict[str, Any], forbidden: tuple[str, ...] = ()) -> list[str]:
    """Every rule a response to `event` breaks: valid JSON, size, SSML, pauses, length, reprompt,
    no speech where Alexa allows none, and none of the `forbidden` strings (what the listener said)."""
    problems = []
    try:
        text = json.dumps(response, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        return [f"response is not valid JSON: {exc}"]
    if len(text.encode("utf-8")) > MAX_RESPONSE_BYTES:
        problems.append(f"response is {len(text.encode('utf-8'))} bytes")
    body = response.get("response") or {}
    kind = event["request"]["type"]
    speech = (body.get("outputSpeech") or {}).get("ssml")
    reprompt = ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")
    if kind not in SPOKEN:
        if speech or reprompt or body.get("card"):
            problems.append(f"speech or card in answer to {kind}")
        if kind == "CanFulfillIntentRequest" and not body.get("canFulfillIntent"):
            problems.append("CanFulfillIntentRequest without canFulfillIntent")
    else:
        if not speech:
            problems.append(f"no speech for {kind}")
        for label, ssml in (("speech", speech), ("reprompt", reprompt)):
            if ssml is None:
                continue
            report = inspect_ssml(ssml)
            problems += [f"{label}: {p}" for p in report.problems]
            if report.ok and estimate_seconds(ssml) > MAX_AUDIO_SECONDS:
                problems.append(f"{label} longer than {MAX_AUDIO_SECONDS} s")
            if len(ssml) > MAX_SPEECH_CHARS:
                problems.append(f"{label} longer than {MAX_SPEECH_CHARS} characters")
        ends = body.get("shouldEndSession")
        if ends is False and not reprompt:
            problems.append("open session without reprompt")
        if ends is True and reprompt:
            problems.append("closed session with reprompt")
    shown = json.dumps(body, ensure_ascii=False).lower()
    for needle in forbidden:
        if needle.lower() in shown:
            problems.append("what the listener said is echoed in the response")
    return problems


def captured_attributes(skill, nlu) -> list[dict[str, Any]]:
    """Session attributes after every turn of every conversation in tests/conversations: real
    states of every dialogue, as Alexa would hand them back."""
    captured = []
    for path in CONVERSATIONS:
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            sim = Simulator(skill, nlu)
            if conversation.get("launch", True):
                captured.append(sim.launch().response.get("sessionAttributes") or {})
            for step in conversation["steps"]:
                if "wait" in step:
                    sim.wait(step["wait"])
                if "after" in step:
                    sim.interrupt_after(step["after"])
                said = step["say"]
                turn = sim.silence(said) if said == "/stil" else sim.say(said)
                if turn is not None:
                    captured.append(turn.response.get("sessionAttributes") or {})
    return captured


def finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)
