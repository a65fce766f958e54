"""The one schema for session attributes: every dialogue's state, checked on entry.

Alexa hands back whatever session attributes the last response carried, inside a signed request.
The service is stateless, so those attributes are input like any other: a key this module does
not know is dropped, and a dialogue whose state does not fit is dropped with its mode, offer and
open question, so that dialogue starts again politely instead of failing on every turn. Nothing
here logs a value; `sanitize` reports only which keys it dropped.

A dialogue that adds a key to its state adds it here too (tests/test_session_state.py walks
real conversations and fails on any state this schema would drop).
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Callable

from skill.core.content import Content

MAX_TEXT = 8000          # one segment of "herhaal" text; Alexa's outputSpeech limit
MAX_SEGMENTS = 400
MAX_LIST = 64            # answers, asked questions, content ids, easier exercises
MAX_ID = 80              # ids are short slugs
MAX_NUMBER = 1e6         # no state holds a larger number (days, seconds, counts)

Check = Callable[[Any, Content], bool]


def _str(value: Any, limit: int = MAX_ID) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def _int(value: Any, low: int = 0, high: int = 10_000) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _number(value: Any, low: float = 0.0, high: float = MAX_NUMBER) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and low <= value <= high)


def _bool(value: Any, content: Content) -> bool:
    return isinstance(value, bool)


def _exact_keys(value: Any, required: set[str], optional: set[str] = frozenset()) -> bool:
    return isinstance(value, dict) and required <= set(value) <= required | optional


# ---------------------------------------------------------------- "herhaal": speech as data

def segments_ok(value: Any) -> bool:
    """[["s", text] | ["p", text] | ["b", seconds], ...] as written by speech.to_segments."""
    if not isinstance(value, list) or not 0 < len(value) <= MAX_SEGMENTS:
        return False
    total = 0
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and item[0] in ("s", "p", "b")):
            return False
        kind, data = item
        if kind == "b":
            if not _number(data, 0.001, 10.0):
                return False
        elif not _str(data, MAX_TEXT):
            return False
        else:
            total += len(data)
    return total <= MAX_TEXT


# What "herhaal" may say again, rendered: well under Alexa's 8000 characters and 240 s, so that
# with the disclaimer in front, and the same data in the session again, a response stays small.
MAX_REPEAT_SSML = {"speech": 6000, "reprompt": 1500}


def _renders(segments: Any, limit: int) -> bool:
    """Speech rebuilt from checked segments escapes every text and splits every pause, so its SSML
    is valid once no text holds a character XML forbids (tests/test_session_state.py holds this to
    parsing it); what is left to check is its size and length."""
    from skill.voice.speech import MAX_AUDIO_SECONDS, NOT_XML, Speech

    if not segments_ok(segments):
        return False
    key = (limit, tuple((kind, value) for kind, value in segments))
    known = _RENDERS.get(key)
    if known is None:
        speech = Speech.from_segments(segments)
        ssml = speech.ssml
        known = len(ssml) <= limit and not NOT_XML.search(ssml) and speech.seconds <= MAX_AUDIO_SECONDS / 2
        if len(_RENDERS) >= 1024:
            _RENDERS.clear()
        _RENDERS[key] = known
    return known


_RENDERS: dict = {}      # checked repeat data -> whether it renders: most answers are the same for every listener


def _last(value: Any, content: Content) -> bool:
    return (_exact_keys(value, {"speech", "reprompt", "content_ids"})
            and _renders(value["speech"], MAX_REPEAT_SSML["speech"])
            and (value["reprompt"] is None or _renders(value["reprompt"], MAX_REPEAT_SSML["reprompt"]))
            and isinstance(value["content_ids"], list) and len(value["content_ids"]) <= MAX_LIST
            and all(_str(i) for i in value["content_ids"]))


# ---------------------------------------------------------------- topics and offers

def _topic(value: Any, content: Content) -> bool:
    return (_exact_keys(value, {"id", "part"}) and value["id"] in content.topics
            and _int(value["part"], 0, len(content.topics[value["id"]].parts) - 1))


def _offer(value: Any, content: Content) -> bool:
    if not isinstance(value, dict):
        return False
    kind = value.get("kind")
    details = {k: v for k, v in value.items() if k != "kind"}
    if kind == "more":
        return (set(details) == {"topic", "part"} and details["topic"] in content.topics
                and _int(details["part"], 0, len(content.topics[details["topic"]].parts) - 1))
    if kind == "related":
        return set(details) == {"topic"} and details["topic"] in content.topics
    if kind == "start_routine":
        return (set(details) <= {"routine", "then_topic"} and details.get("routine") in content.coach.routines
                and details.get("then_topic") in (None, *content.topics))
    if kind in ("start_triage", "resume_triage", "resume_routine", "delete_data", "start_check"):
        return not details
    # An offer kind added later: registered with conversation.offer_handler, and only a few short
    # ids or small numbers as details, so it cannot carry text or bulk.
    from skill.voice.conversation import _OFFER_HANDLERS
    return (kind in _OFFER_HANDLERS and len(details) <= 4
            and all(v is None or isinstance(v, bool) or _int(v, 0, 1000) or _id(v) for v in details.values()))


def _id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID and value.replace("_", "").replace("-", "").isalnum()


# ---------------------------------------------------------------- dialogues

MODES = (None, "triage", "coach", "coach_phase", "return_to_sport")
QUESTIONS = ("triage", "triage_outcome", "coach_phase", "return_to_sport")


def _mode(value: Any, content: Content) -> bool:
    return value in MODES


def _awaiting(value: Any, content: Content) -> bool:
    return value in QUESTIONS


def _answer(question, value: Any) -> bool:
    if value == "unknown":
        return True
    if question.kind == "yes_no":
        return isinstance(value, bool)
    if question.kind == "choice":
        return value in {c.id for c in question.choices}
    low = question.minimum if question.minimum is not None else 0
    high = question.maximum if question.maximum is not None else MAX_NUMBER
    return _number(value, low, high)


def _triage(value: Any, content: Content) -> bool:
    if not _exact_keys(value, {"answers", "asked", "current", "misses"}):
        return False
    protocol = content.triage
    questions = {q.id: q for q in protocol.questions}
    answers, asked = value["answers"], value["asked"]
    return (isinstance(answers, dict) and len(answers) <= MAX_LIST
            and all(k in questions and _answer(questions[k], v) for k, v in answers.items())
            and isinstance(asked, list) and len(asked) <= MAX_LIST and len(set(asked)) == len(asked)
            and all(q in questions for q in asked)
            and (value["current"] is None or value["current"] in questions)
            and _int(value["misses"], 0, 10))


def _coach(value: Any, content: Content) -> bool:
    if not _exact_keys(value, {"routine", "block", "first", "offsets", "end", "at", "easier"},
                       {"frozen", "cue", "frozen_cue"}):
        return False
    if not all(_int(value.get(k, 0), 0, 10_000) for k in ("cue", "frozen_cue")):
        return False
    routine = content.coach.routines.get(value["routine"]) if isinstance(value["routine"], str) else None
    if routine is None or not _int(value["block"], 0, len(routine.blocks) - 1):
        return False
    exercises = routine.blocks[value["block"]].exercises
    offsets = value["offsets"]
    if not (_int(value["first"], 0, len(exercises) - 1) and isinstance(offsets, list)
            and len(offsets) == len(exercises) - value["first"] and all(_number(o) for o in offsets)
            and _number(value["end"])):
        return False
    frozen = value.get("frozen", None)
    if frozen is not None and not _int(frozen, 0, len(exercises) - 1):
        return False
    known = content.coach.exercise_ids()
    easier = value["easier"]
    if not (isinstance(easier, list) and len(easier) <= MAX_LIST and all(e in known for e in easier)):
        return False
    try:
        at = datetime.fromisoformat(value["at"])
    except (TypeError, ValueError):
        return False
    return at.tzinfo is not None


def _place(value: Any, content: Content) -> bool:
    """This session's place in a routine, for "ga verder" (a rehab place is never stored)."""
    if not _exact_keys(value, {"routine", "block", "exercise"}):
        return False
    routine = content.coach.routines.get(value["routine"]) if isinstance(value["routine"], str) else None
    return (routine is not None and _int(value["block"], 0, len(routine.blocks) - 1)
            and _int(value["exercise"], 0, len(routine.blocks[value["block"]].exercises) - 1))


def _easier(value: Any, content: Content) -> bool:
    known = content.coach.exercise_ids()
    return isinstance(value, list) and len(value) <= MAX_LIST and all(e in known for e in value)


def _return_to_sport(value: Any, content: Content) -> bool:
    return _exact_keys(value, {"met"}) and _int(value["met"], 0, MAX_LIST)


# Every session attribute the skill writes, with the check its value must pass.
SCHEMA: dict[str, Check] = {
    "disclaimer_given": _bool,
    "memory_failed": _bool,
    "memory_told": _bool,
    "topic": _topic,
    "offer": _offer,
    "last": _last,
    "mode": _mode,
    "awaiting": _awaiting,
    "triage": _triage,
    "coach": _coach,
    "return_to_sport": _return_to_sport,
    "coach_place": _place,
    "coach_easier": _easier,
    "coach_from_block": lambda value, content: _int(value, 1, 99),
}

# What each mode needs in the session; without it the mode is dropped.
MODE_STATE = {"triage": "triage", "coach": "coach", "return_to_sport": "return_to_sport"}
DIALOGUE_KEYS = ("mode", "offer", "awaiting", "topic", "triage", "coach", "return_to_sport")


def sanitize(attributes: Any, content: Content) -> tuple[dict[str, Any], list[str]]:
    """The attributes that pass the schema, and the names of the keys dropped (never values)."""
    if not isinstance(attributes, dict):
        return {}, ["(not an object)"]
    clean: dict[str, Any] = {}
    dropped: list[str] = []
    for key, value in attributes.items():
        check = SCHEMA.get(key) if isinstance(key, str) else None
        try:
            ok = check is not None and check(value, content)
        except Exception:          # a check must never be the thing that breaks a turn
            ok = False
        if ok:
            clean[key] = value
        else:
            dropped.append(key if isinstance(key, str) and key in SCHEMA else "(unknown)")
    mode = clean.get("mode")
    needed = MODE_STATE.get(mode)
    broken_dialogue = any(k in DIALOGUE_KEYS for k in dropped) or (needed is not None and needed not in clean)
    if broken_dialogue:
        # One part of the dialogue is gone: the rest no longer fits it. Start it again.
        for key in DIALOGUE_KEYS:
            if key in clean:
                clean.pop(key)
                dropped.append(key)
    return clean, sorted(set(dropped))


# ---------------------------------------------------------------- the persistent record

def _position(value: Any) -> bool:
    return (_exact_keys(value, {"routine", "block", "exercise"}, {"kind"}) and _str(value["routine"])
            and value.get("kind", "warmup") in ("warmup", "cooldown")
            and _int(value["block"], 0, 100) and _int(value["exercise"], 0, 100))


def _preferences(value: Any) -> bool:
    return (_exact_keys(value, set(), {"easier", "rehab_phase"})
            and (not "easier" in value or (isinstance(value["easier"], list) and len(value["easier"]) <= MAX_LIST
                                           and all(_str(e) for e in value["easier"])))
            and (not "rehab_phase" in value or _int(value["rehab_phase"], 1, 9)))


STORED_SCHEMA: dict[str, Callable[[Any], bool]] = {
    "coach": _position,
    "preferences": _preferences,
    "disclaimer_heard": lambda value: isinstance(value, bool),
}


def sanitize_stored(record: Any) -> tuple[dict[str, Any], list[str]]:
    """What may stay of a stored record (skill.voice.memory), and the keys dropped."""
    if not isinstance(record, dict):
        return {}, ["(not an object)"]
    clean, dropped = {}, []
    for key, value in record.items():
        check = STORED_SCHEMA.get(key) if isinstance(key, str) else None
        if check is not None and check(value):
            clean[key] = value
        else:
            dropped.append(key if key in STORED_SCHEMA else "(unknown)")
    return clean, sorted(set(dropped))
