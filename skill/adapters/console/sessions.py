"""The console's conversations: one offline simulator per browser tab, in memory only.

Each tab gets a random id; its Simulator (the same one `make chat` uses, around the same skill
object and offline NLU) lives in this process until the tab is idle for a while or too many tabs
are open. Nothing of a conversation is written anywhere or logged: the why-pane data travels to
the tab that asked for it and is gone when the session is dropped.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from skill.adapters.simulator.nlu import Nlu, Understanding
from skill.adapters.simulator.session import Simulator, Turn
from skill.core.timing import speaking_seconds
from skill.voice.speech import to_segments

MAX_SESSIONS = 32               # open tabs kept at once; the least recently used goes first
IDLE_SECONDS = 2 * 60 * 60      # a tab unused this long is forgotten
MAX_UTTERANCE_CHARS = 500
MAX_WAIT_SECONDS = 7 * 24 * 60 * 60


class RecordingNlu:
    """The offline NLU, unchanged, remembering what it made of the last utterance (intent, slots,
    match score and method) so the why-pane can show it. Everything else is passed through."""

    def __init__(self, nlu: Nlu):
        self._nlu = nlu
        self.last: Understanding | None = None

    def understand(self, utterance: str) -> Understanding:
        self.last = self._nlu.understand(utterance)
        return self.last

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlu, name)


def segments(ssml: str | None) -> list[dict[str, Any]]:
    """The SSML as a timeline: speech ("s", "p") with its estimated length, pauses ("b") with theirs."""
    if not ssml:
        return []
    if not ssml.lstrip().startswith("<speak"):
        ssml = f"<speak>{ssml}</speak>"
    out = []
    try:
        parsed = to_segments(ssml)
    except Exception:            # not SSML this skill wrote: shown as one stretch of speech
        parsed = [["s", " ".join(ssml.split())]]
    for kind, value in parsed:
        if kind == "b":
            out.append({"kind": "pause", "seconds": round(float(value), 2)})
        else:
            out.append({"kind": "speech", "text": value, "seconds": round(speaking_seconds(value), 2),
                        "paragraph": kind == "p"})
    return out


def understanding_view(understanding: Understanding | None) -> dict[str, Any] | None:
    if understanding is None:
        return None
    return {
        "kind": understanding.kind,
        "intent": understanding.intent,
        "score": understanding.confidence,
        "method": understanding.method,
        "one_shot": understanding.one_shot,
        "slots": {name: {"value": fill.value, "resolved": fill.resolved, "id": fill.id, "type": fill.type,
                         "matched": fill.matched}
                  for name, fill in understanding.slots.items() if fill.value is not None},
    }


@dataclass
class ConsoleSession:
    id: str
    simulator: Simulator
    nlu: RecordingNlu
    used: float = field(default_factory=time.monotonic)

    def _view(self, turn: Turn | None, understanding: Understanding | None, protocol) -> dict[str, Any] | None:
        if turn is None:
            return None
        summary = turn.summary()
        triage_state = turn.session_attributes.get("triage")
        view = dict(summary)
        view["understanding"] = understanding_view(understanding)
        view["segments"] = segments(turn.ssml)
        view["reprompt_segments"] = segments(turn.reprompt_ssml)
        view["seconds"] = round(sum(part["seconds"] for part in view["segments"]), 1)
        view["triage_state"] = _triage_state(triage_state, protocol)
        view["mode"] = turn.session_attributes.get("mode")
        view["decided_by"] = None
        if turn.triage and isinstance(triage_state, dict) and protocol is not None:
            try:
                result = protocol.conclude(triage_state.get("answers", {}), asked=len(triage_state.get("asked", [])))
                view["decided_by"] = result.rule.id if result else None
            except Exception:        # the why-pane is for looking; a state it cannot read is simply not shown
                view["decided_by"] = None
        return view

    def run(self, action: str, protocol, value: Any = None) -> dict[str, Any]:
        """One thing the reviewer does: say, silence, new, wait, interrupt. Returns the new turn, if any."""
        sim = self.simulator
        self.used = time.monotonic()
        self.nlu.last = None
        if action == "say":
            text = str(value or "").strip()[:MAX_UTTERANCE_CHARS]
            turn = sim.say(text) if text else sim.silence("")
        elif action == "silence":
            turn = sim.silence("")
        elif action == "new":
            turn = sim.launch()
        elif action in ("wait", "interrupt"):
            seconds = min(max(float(value), 0.0), MAX_WAIT_SECONDS)
            sim.wait(seconds) if action == "wait" else sim.interrupt_after(seconds)
            turn = None
        else:
            raise ValueError(action)
        understanding = self.nlu.last if action == "say" else None
        return {"turn": self._view(turn, understanding, protocol), "in_session": sim.in_session,
                "clock": sim.clock.strftime("%H:%M:%S")}


def _triage_state(state: Any, protocol) -> dict[str, Any] | None:
    if not isinstance(state, dict):
        return None
    from skill.core.triage import show_answer
    asked = [q for q in state.get("asked", []) if isinstance(q, str)]
    answers = state.get("answers") if isinstance(state.get("answers"), dict) else {}
    view: dict[str, Any] = {"current": state.get("current"), "asked": asked, "misses": state.get("misses", 0),
                            "answers": []}
    for key in asked + sorted(k for k in answers if k not in asked):     # in the order they were asked
        if key not in answers:
            continue
        shown = show_answer(answers[key])
        try:
            question = protocol.question(key) if protocol is not None else None
            if question is not None and question.kind == "choice" and isinstance(answers[key], str):
                shown = question.choice_label(answers[key])
        except (KeyError, AttributeError):
            pass
        view["answers"].append({"question": key, "answer": shown})
    if protocol is not None and state.get("current"):
        try:
            view["question"] = protocol.question(state["current"]).ask
        except KeyError:
            view["question"] = None
    return view


class SessionStore:
    """The tabs' sessions, by random id. Thread-safe; bounded in number and in idle time."""

    def __init__(self, make_simulator, max_sessions: int = MAX_SESSIONS, idle_seconds: float = IDLE_SECONDS):
        self._make = make_simulator
        self._sessions: OrderedDict[str, ConsoleSession] = OrderedDict()
        self._lock = threading.Lock()
        self.max_sessions, self.idle_seconds = max_sessions, idle_seconds

    def create(self) -> ConsoleSession:
        simulator, nlu = self._make()
        session = ConsoleSession(secrets.token_urlsafe(18), simulator, nlu)
        with self._lock:
            self._expire()
            self._sessions[session.id] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return session

    def get(self, session_id: str) -> ConsoleSession | None:
        with self._lock:
            self._expire()
            session = self._sessions.get(session_id)
            if session is not None:
                self._sessions.move_to_end(session_id)
            return session

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._sessions)

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._sessions.items() if now - s.used > self.idle_seconds]:
            del self._sessions[key]
