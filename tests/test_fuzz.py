"""Fuzzing the Lambda handler with Hypothesis: well-formed envelopes of every request type Alexa
sends, with generated intents, slots and resolutions, and session attributes that are empty,
captured from the simulator's conversations (real states of every dialogue), mutated from those,
or made up. Every response must be valid (JSON, size, SSML, pauses, reprompt, no speech where
Alexa allows none), no exception may escape, and nothing the listener said may be echoed.

`make test` runs a small, fixed profile (200 examples); `make fuzz` runs 10,000 new ones
(FUZZ_EXAMPLES=N sets another number).
"""
from __future__ import annotations

import copy
import json
import logging
import os
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill import lambda_function
from skill.adapters.storage import SqlitePersistenceAdapter
from skill.voice.app import build_skill
from tests.envelopes import EVENTS, SPOKEN, captured_attributes, envelope, intents_and_slots, response_problems, slot_ids

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
# `make test` draws the same 200 examples every time (a test run must not be flaky); `make fuzz`
# draws new ones on every run.
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ
STATS: Counter = Counter()
INTENTS = intents_and_slots()
IDS = slot_ids()
USERS = [f"amzn1.ask.account.fuzz{i}" for i in range(4)]
MARK = "qzx"                 # every generated piece of listener text carries this, so an echo is found


class CountFailures(logging.Handler):
    """Exceptions the skill's own exception handler caught (it logs "unhandled ..."): not escaped,
    but each one is a listener hearing "Sorry, er ging bij mij iets mis"."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("unhandled "):
            STATS["caught by the exception handler"] += 1
            STATS.setdefault("first caught", record.getMessage())


@pytest.fixture(scope="module", autouse=True)
def count_failures():
    handler = CountFailures()
    logger = logging.getLogger("hamstring.skill")
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)


@pytest.fixture(scope="module")
def fuzz_skill(content, tmp_path_factory):
    store = SqlitePersistenceAdapter(tmp_path_factory.mktemp("fuzz") / "store.sqlite")
    return build_skill(content, persistence_adapter=store)


@pytest.fixture(scope="module")
def seeds(skill, nlu):
    return [s for s in captured_attributes(skill, nlu) if s]


# ---------------------------------------------------------------- strategies

said = st.integers(0, 10 ** 6).map(lambda n: f"{MARK}{n}")
numbers = st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "-3", "-0", "0", "1", "2", "3", "4", "7", "10",
                           "11", "2.5", "65", "1e400", "1e-400", "99999999999999999999", "", " ", "?"])
slot_value = st.one_of(numbers, said, st.builds(lambda m, t: f"{m} {t}", said, st.text(max_size=20)))
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 12, 10 ** 12),
                      st.floats(allow_nan=False, allow_infinity=False), said,
                      st.sampled_from(["<speak><audio src='https://x.example/a.mp3'/></speak>", "warmup", "triage",
                                       "coach", "rehab_1", "unknown", "2026-01-01T00:00:00+00:00", ""]))


def _containers(inner):
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4))


json_value = st.recursive(json_leaf, _containers, max_leaves=12)


@st.composite
def slot(draw, name: str):
    value = draw(st.one_of(st.none(), slot_value))
    out = {"name": name, "confirmationStatus": "NONE"}
    if value is not None:
        out["value"] = value
    kind = draw(st.sampled_from(["none", "match", "no_match"]))
    if kind != "none":
        status = "ER_SUCCESS_MATCH" if kind == "match" else "ER_SUCCESS_NO_MATCH"
        authority = {"authority": f"amzn1.er-authority.echo-sdk.fuzz.{name}", "status": {"code": status}}
        if kind == "match":
            chosen = draw(st.one_of(st.sampled_from(IDS), said))
            authority["values"] = [{"value": {"name": value or chosen, "id": chosen}}]
        out["resolutions"] = {"resolutionsPerAuthority": [authority]}
    return out


# What moves the dialogues on: drawn as often as all the other intents together.
MOVES = ["AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.NextIntent", "AMAZON.RepeatIntent", "AMAZON.PreviousIntent",
         "AMAZON.ResumeIntent", "AMAZON.PauseIntent", "NumberAnswerIntent", "ChoiceAnswerIntent", "DurationAnswerIntent",
         "StartRoutineIntent", "ResumeRoutineIntent", "SkipIntent", "EasierIntent", "TimeLeftIntent", "DontKnowIntent"]


@st.composite
def intent(draw):
    name = draw(st.one_of(st.sampled_from(sorted(INTENTS)), st.sampled_from([m for m in MOVES if m in INTENTS]),
                          st.sampled_from(["UnknownIntent", "AMAZON.SendToPhoneIntent"])))
    names = INTENTS.get(name, [])
    chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    return {"name": name, "confirmationStatus": "NONE", "slots": {n: draw(slot(n)) for n in chosen}}


@st.composite
def request(draw):
    roll = draw(st.integers(0, 9))          # intents are where the dialogues are: most of the requests
    kind = "LaunchRequest" if roll == 0 else "IntentRequest" if roll <= 6 else draw(st.sampled_from(sorted(EVENTS)))
    if kind == "IntentRequest":
        return {"type": kind, "dialogState": draw(st.sampled_from(["STARTED", "IN_PROGRESS", "COMPLETED"])),
                "intent": draw(intent())}
    if kind == "LaunchRequest":
        return {"type": kind}
    fields = copy.deepcopy(EVENTS[kind])
    if kind == "SessionEndedRequest":
        fields["reason"] = draw(st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"]))
        if fields["reason"] == "ERROR":
            fields["error"] = {"type": "INVALID_RESPONSE", "message": draw(said)}
    if kind == "CanFulfillIntentRequest":
        fields["intent"] = draw(intent())
    return {"type": kind, **fields}


def mutate(data, value, depth: int = 0):
    """A copy of `value` with one change somewhere inside: replaced, removed, or added to."""
    if depth > 6 or not isinstance(value, (dict, list)) or not value or data.draw(st.integers(0, 3)) == 0:
        return data.draw(json_value)
    value = copy.deepcopy(value)
    if isinstance(value, dict):
        key = data.draw(st.sampled_from(sorted(value, key=str)))
        action = data.draw(st.sampled_from(["into", "into", "drop", "add"]))
        if action == "drop":
            value.pop(key)
        elif action == "add":
            value[data.draw(st.one_of(st.text(max_size=10), said))] = data.draw(json_value)
        else:
            value[key] = mutate(data, value[key], depth + 1)
    else:
        index = data.draw(st.integers(0, len(value) - 1))
        value[index] = mutate(data, value[index], depth + 1)
    return value


def _slot_values(request_: dict) -> list[str]:
    slots = (request_.get("intent") or {}).get("slots") or {}
    return [s["value"] for s in slots.values() if MARK in s.get("value", "")]


# ---------------------------------------------------------------- the property

@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=DERANDOMIZE,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_handler_answers_every_envelope_validly(fuzz_skill, seeds, data):
    req = data.draw(request())
    source = data.draw(st.sampled_from(["none", "seed", "seed", "mutated", "mutated", "mutated", "random"]))
    if source == "none":
        attributes = {}
    elif source == "seed":
        attributes = copy.deepcopy(data.draw(st.sampled_from(seeds)))
    elif source == "mutated":
        attributes = data.draw(st.sampled_from(seeds))
        for _ in range(data.draw(st.integers(1, 3))):
            attributes = mutate(data, attributes)
        if not isinstance(attributes, dict):
            attributes = {"x": attributes}
    else:
        attributes = data.draw(st.dictionaries(st.text(max_size=12), json_value, max_size=6))
    has_session = req["type"] == "SessionEndedRequest" or data.draw(st.integers(0, 9)) > 0
    stamp = datetime.now(timezone.utc) + timedelta(seconds=data.draw(st.integers(-10 ** 6, 10 ** 6)))
    event = envelope(req, attributes, session=has_session, new=data.draw(st.booleans()),
                     user_id=data.draw(st.sampled_from(USERS)), stamp=stamp)

    response = lambda_function.run(fuzz_skill, event)      # an exception here fails the run

    problems = response_problems(event, response, forbidden=tuple(_slot_values(req)))
    assert not problems, (problems, json.dumps(event)[:2000])
    STATS["examples"] += 1
    STATS[req["type"] if req["type"] in SPOKEN else "events"] += 1
    STATS[f"attributes:{source}"] += 1
    STATS["largest response"] = max(STATS["largest response"], len(json.dumps(response).encode("utf-8")))


def test_zz_fuzz_summary():
    """Runs after the property (file order) and prints what it covered (`make fuzz` shows it)."""
    if not STATS["examples"]:
        pytest.skip("the property did not run")
    print(f"\nfuzz: {STATS['examples']} envelopes through the Lambda handler: 0 exceptions escaped, "
          f"0 invalid responses, 0 echoes of listener text; "
          f"LaunchRequest {STATS['LaunchRequest']}, IntentRequest {STATS['IntentRequest']}, other events "
          f"{STATS['events']}; attributes none/seed/mutated/random {STATS['attributes:none']}/{STATS['attributes:seed']}/"
          f"{STATS['attributes:mutated']}/{STATS['attributes:random']}; largest response {STATS['largest response']} bytes; "
          f"caught by the skill's exception handler: {STATS['caught by the exception handler']}")
    if STATS["caught by the exception handler"]:
        print(f"first caught: {STATS['first caught']}")
    assert STATS["LaunchRequest"] and STATS["IntentRequest"] and STATS["events"]
