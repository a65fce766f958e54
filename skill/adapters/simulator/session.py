"""The offline simulator: turns Dutch text into real Alexa request envelopes for the one skill object.

It plays Alexa's part: opens sessions, carries session attributes from each response to the next
request, ends sessions when the skill says so, and passes an observer as the invocation context so
the skill can report which content it spoke. Lambda and the web service call the same
`skill.invoke` with their own context.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope

from skill.adapters.simulator.nlu import Nlu, Understanding, default_nlu
from skill.voice.speech import estimate_seconds, plain_text

REACTION_SECONDS = 1.5     # how long a listener takes to answer after Alexa has finished speaking

SIMULATOR_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-hamstringhulp"
SIMULATOR_USER_ID = "amzn1.ask.account.SIMULATOR"
LOCALE = "nl-NL"


@dataclass
class Turn:
    """One exchange: what the listener said, the request Alexa sent, what the skill answered."""

    number: int
    user: str
    request: dict[str, Any]
    response: dict[str, Any]
    trace: dict[str, Any]

    @property
    def _out(self) -> dict[str, Any]:
        return self.response.get("response") or {}

    @property
    def ssml(self) -> str:
        speech = self._out.get("outputSpeech") or {}
        return speech.get("ssml") or speech.get("text") or ""

    @property
    def speech(self) -> str:
        return plain_text(self.ssml) if self.ssml else ""

    @property
    def reprompt_ssml(self) -> str | None:
        reprompt = (self._out.get("reprompt") or {}).get("outputSpeech") or {}
        return reprompt.get("ssml") or reprompt.get("text")

    @property
    def reprompt(self) -> str | None:
        return plain_text(self.reprompt_ssml) if self.reprompt_ssml else None

    @property
    def end_session(self) -> bool:
        if self.request["request"]["type"] == "SessionEndedRequest":
            return True
        return bool(self._out.get("shouldEndSession"))

    @property
    def card(self) -> dict[str, Any] | None:
        card = self._out.get("card")
        if not card:
            return None
        return {"title": card.get("title"), "content": card.get("content") or card.get("text")}

    @property
    def content_ids(self) -> list[str]:
        return list(self.trace.get("content_ids", []))

    @property
    def triage(self) -> dict[str, Any] | None:
        return self.trace.get("triage")

    @property
    def emergency(self) -> str | None:
        """The emergency sign the listener named this turn ("ik krijg geen lucht"), if any."""
        return self.trace.get("emergency")

    @property
    def coach(self) -> dict[str, Any] | None:
        """Where the coach is after this turn: routine, block and the exercise the block started at."""
        state = self.session_attributes.get("coach")
        if not isinstance(state, dict) or "routine" not in state:
            return None
        return {"routine": state.get("routine"), "block": state.get("block"), "exercise": state.get("first")}

    @property
    def session_attributes(self) -> dict[str, Any]:
        return self.response.get("sessionAttributes") or {}

    @property
    def intent(self) -> str | None:
        return (self.request["request"].get("intent") or {}).get("name")

    def summary(self) -> dict[str, Any]:
        """The simulator's --json record for this turn."""
        request = self.request["request"]
        intent = request.get("intent") or {}
        slots = {}
        for name, slot in (intent.get("slots") or {}).items():
            resolved = resolved_id = None
            for authority in (slot.get("resolutions") or {}).get("resolutionsPerAuthority", []):
                if authority["status"]["code"] == "ER_SUCCESS_MATCH":
                    resolved = authority["values"][0]["value"]["name"]
                    resolved_id = authority["values"][0]["value"]["id"]
            slots[name] = {"value": slot.get("value"), "resolved": resolved, "id": resolved_id}
        return {
            "turn": self.number,
            "user": self.user,
            "request": {"type": request["type"], "intent": intent.get("name"), "slots": slots},
            "speech": self.speech,
            "ssml": self.ssml,
            "reprompt": self.reprompt,
            "end_session": self.end_session,
            "content_ids": self.content_ids,
            "triage": self.triage,
            "emergency": self.emergency,
            "coach": self.coach,
            "card": self.card,
        }


class _Observer:
    """Passed to skill.invoke as the context; the skill hands it this turn's trace."""

    def __init__(self) -> None:
        self.trace: dict[str, Any] = {}

    def record_trace(self, trace: dict[str, Any]) -> None:
        self.trace = json.loads(json.dumps(trace))


@dataclass
class Simulator:
    skill: CustomSkill
    nlu: Nlu = field(default_factory=default_nlu)
    skill_id: str = SIMULATOR_SKILL_ID
    # Every simulator is a listener of its own, unless told otherwise: `make chat` uses one fixed id,
    # so that what the coach remembers carries over from one run to the next.
    user_id: str = field(default_factory=lambda: f"{SIMULATOR_USER_ID}.{uuid.uuid4().hex[:12]}")
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    silences: int = 0
    clock: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))
    _last_request_at: datetime | None = None

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    # ------------------------------------------------------------------ what the listener does

    def launch(self, user: str = "open hamstring hulp") -> Turn:
        self._new_session()
        return self._send(user, {"type": "LaunchRequest"})

    def say(self, utterance: str) -> Turn:
        """One utterance, routed as a device would: within the session, or starting a new one."""
        understanding = self.nlu.understand(utterance)
        if understanding.kind == "empty":
            return self.silence(utterance)
        if understanding.kind == "launch":
            return self.launch(utterance)
        if not self.in_session or understanding.one_shot:
            # "Alexa, vraag hamstring hulp ..." or a new line after the session closed.
            self._new_session()
        return self.send_intent(understanding, utterance)

    def send_intent(self, understanding: Understanding, user: str) -> Turn:
        if not self.in_session:
            self._new_session()
        slots = {name: fill.envelope(f"amzn1.er-authority.echo-sdk.{self.skill_id}")
                 for name, fill in understanding.slots.items()}
        request = {"type": "IntentRequest",
                   "intent": {"name": understanding.intent, "confirmationStatus": "NONE", "slots": slots}}
        return self._send(user, request)

    def intent(self, name: str, user: str | None = None, **slot_values: str) -> Turn:
        """Sends an intent directly, bypassing understanding (for tests that walk the model)."""
        from skill.adapters.simulator.nlu import SlotFill
        slots = {}
        for slot_name, slot_type in self.nlu.intent_slots.get(name, {}).items():
            fill = SlotFill(slot_name, type=slot_type)
            if slot_name in slot_values:
                fill.value = slot_values[slot_name]
                value = self.nlu.types.resolve(slot_type, fill.value) if slot_type in self.nlu.types.values else None
                if value is not None:
                    fill.resolved, fill.id, fill.matched = value.name, value.id, True
            slots[slot_name] = fill
        return self.send_intent(Understanding("intent", name, slots), user or f"<{name}>")

    def wait(self, seconds: float) -> None:
        """Time passes before the next thing the listener says (after a pause, between sessions)."""
        self.clock += timedelta(seconds=seconds)

    def interrupt_after(self, seconds: float) -> None:
        """The next utterance comes `seconds` into the last response, cutting it off ("Alexa, herhaal")."""
        if self._last_request_at is not None:
            self.clock = self._last_request_at + timedelta(seconds=seconds)

    def silence(self, user: str = "") -> Turn | None:
        """The listener says nothing: Alexa plays the reprompt once, then ends the session."""
        if not self.in_session:
            return None
        self.silences += 1
        if self.silences == 1 and self.turns and self.turns[-1].reprompt_ssml:
            last = self.turns[-1]
            replay = {"version": "1.0", "sessionAttributes": self.attributes,
                      "response": {"outputSpeech": {"type": "SSML", "ssml": last.reprompt_ssml},
                                   "reprompt": last.response["response"].get("reprompt"),
                                   "shouldEndSession": False}}
            turn = Turn(len(self.turns) + 1, user, {"request": {"type": "Reprompt"}}, replay, {})
            self.turns.append(turn)
            return turn
        return self.end_session("EXCEEDED_MAX_REPROMPTS", user)

    def end_session(self, reason: str = "USER_INITIATED", user: str = "") -> Turn | None:
        if not self.in_session:
            return None
        turn = self._send(user, {"type": "SessionEndedRequest", "reason": reason})
        self._close()
        return turn

    # ------------------------------------------------------------------ plumbing

    def _new_session(self) -> None:
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        self.attributes = {}
        self._new = True
        self.silences = 0

    def _close(self) -> None:
        self.session_id = None
        self.attributes = {}

    def envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        now = self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "version": "1.0",
            "session": {"new": self._new, "sessionId": self.session_id, "application": application,
                        "attributes": self.attributes, "user": user},
            "context": {"System": {"application": application, "user": user,
                                   "device": {"deviceId": "amzn1.ask.device.SIMULATOR", "supportedInterfaces": {}},
                                   "apiEndpoint": "https://api.eu.amazonalexa.com"}},
            "request": {"requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": now,
                        "locale": LOCALE, **request},
        }

    def request_envelope(self, request: dict[str, Any] | None = None) -> RequestEnvelope:
        """A request envelope of this listener as the SDK sees it (to look in the store, say)."""
        opened = self.in_session
        if not opened:
            self._new_session()
        envelope = self.envelope(request or {"type": "LaunchRequest"})
        if not opened:
            self._close()
        return self.skill.serializer.deserialize(json.dumps(envelope), RequestEnvelope)

    def _send(self, user: str, request: dict[str, Any]) -> Turn:
        envelope = self.envelope(request)
        self._new = False
        if request["type"] != "SessionEndedRequest":
            self.silences = 0
        observer = _Observer()
        request_envelope = self.skill.serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        response_envelope = self.skill.invoke(request_envelope=request_envelope, context=observer)
        response = self.skill.serializer.serialize(response_envelope)
        turn = Turn(len(self.turns) + 1, user, envelope, response, observer.trace)
        self.turns.append(turn)
        # Alexa speaks the answer; the listener's next words come after it, unless they interrupt.
        self._last_request_at = self.clock
        if turn.ssml:
            self.clock += timedelta(seconds=estimate_seconds(turn.ssml) + REACTION_SECONDS)
        if request["type"] != "SessionEndedRequest":
            self.attributes = response.get("sessionAttributes") or {}
            if turn.end_session:
                self._close()
        return turn
