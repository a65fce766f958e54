"""skill.voice.serializer.FastSerializer gives what the ASK SDK's DefaultSerializer gives: the same
request objects from the same JSON (every request kind, generated intents and slots, real and mutated
session attributes, timestamps in every form), the same error for what the SDK refuses, and the same
JSON from the same response objects; also when the web service hands it the body already parsed."""
from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.voice.serializer import FastSerializer
from tests.envelopes import envelope
from tests.test_fuzz import json_value, mutate, request

SDK = DefaultSerializer()

timestamps = st.one_of(
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)).flatmap(lambda moment: st.sampled_from([
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z", moment.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        moment.strftime("%Y-%m-%dT%H:%M:%S+02:00"), moment.strftime("%Y-%m-%d %H:%M:%S"), moment.strftime("%Y-%m-%d")])),
    st.sampled_from(["2026-02-30T10:00:00Z", "2026-11-30T24:00:00Z", "2026-11-30T10:00:60Z", "2026-11-30T10:00:00.1234567Z",
                     "2026-11-30T10:00:00z", "٢٠٢٦-11-30T10:00:00Z", "", "nu", 1732960000, None, [], {}]),
)


def _same(payload: str) -> None:
    try:
        expected = SDK.deserialize(payload, RequestEnvelope)
    except Exception as exc:
        with pytest.raises(type(exc)) as raised:
            FastSerializer().deserialize(payload, RequestEnvelope)
        assert str(raised.value) == str(exc)
        try:
            data = json.loads(payload)
        except ValueError:
            return
        with pytest.raises(type(exc)) as raised:
            FastSerializer().deserialize_parsed(data, RequestEnvelope, payload)
        assert str(raised.value) == str(exc)
        return
    made = FastSerializer().deserialize(payload, RequestEnvelope)
    assert made == expected
    assert repr(made) == repr(expected)              # the same types and time zones all the way down
    parsed = FastSerializer().deserialize_parsed(json.loads(payload), RequestEnvelope, payload)   # the web service's way
    assert repr(parsed) == repr(expected)
    attributes = getattr(getattr(made, "session", None), "attributes", None)
    if isinstance(attributes, dict):
        # The SDK's AttributesManager deep-copies these on every request: the copy is the same plain data.
        copied, expected_copy = copy.deepcopy(attributes), copy.deepcopy(expected.session.attributes)
        assert type(copied) is type(expected_copy) and copied == expected_copy
        assert json.dumps(copied) == json.dumps(expected_copy)
    assert json.dumps(FastSerializer().serialize(made)) == json.dumps(SDK.serialize(expected))


@settings(max_examples=300, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_requests_are_read_as_the_sdk_reads_them(data):
    event = envelope(data.draw(request()), data.draw(st.dictionaries(st.text(max_size=8), json_value, max_size=4)),
                     session=data.draw(st.booleans()), new=data.draw(st.booleans()))
    event["request"]["timestamp"] = data.draw(timestamps)
    if data.draw(st.booleans()):
        event = mutate(data, event)                   # a field of the wrong JSON type, one missing, one unknown
    _same(json.dumps(event))


def test_what_the_sdk_refuses_is_refused_alike():
    for payload in ("", "not json", "[]", "null", json.dumps({"request": {"type": "NoSuchRequest"}}),
                    json.dumps({"request": {"type": "IntentRequest", "intent": {"confirmationStatus": "PERHAPS"}}}),
                    json.dumps({"request": {"type": "LaunchRequest", "timestamp": "gisteren"}})):
        _same(payload)


def test_alexa_timestamps_keep_dateutils_time_zone(monkeypatch):
    """dateutil gives "...Z" tzlocal() where the local zone is called UTC (Lambda) and tzutc() elsewhere."""
    import time

    for zone in ("UTC", "Europe/Amsterdam", "America/New_York"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        for stamp in ("2026-01-15T08:30:00Z", "2026-07-15T23:59:59.123456Z", "2026-03-29T01:30:00Z"):
            event = envelope({"type": "LaunchRequest"})
            event["request"]["timestamp"] = stamp
            _same(json.dumps(event))
    monkeypatch.delenv("TZ")
    time.tzset()


def test_responses_are_written_as_the_sdk_writes_them(sim, content):
    """Every response of a conversation through the topics, the triage and the coach, as JSON."""
    from skill.voice.app import build_skill

    assert isinstance(sim.skill.serializer, FastSerializer)
    skill, fast = build_skill(content), FastSerializer()
    turns = [sim.launch(), sim.say("moet ik ijs of warmte gebruiken"), sim.say("ja"), sim.say("check mijn klachten"),
             sim.say("nee"), sim.say("ja"), sim.say("stop"), sim.launch(), sim.say("start de warming-up"),
             sim.say("verder"), sim.say("herhaal"), sim.say("hoe lang nog"), sim.end_session()]
    for turn in turns:
        response = skill.invoke(SDK.deserialize(json.dumps(turn.request), RequestEnvelope), None)
        written = json.dumps(SDK.serialize(response))
        assert json.dumps(fast.serialize(response)) == written
        assert repr(fast.deserialize(written, ResponseEnvelope)) == repr(SDK.deserialize(written, ResponseEnvelope))


def test_plans_are_made_once_per_type():
    fast = FastSerializer()
    payload = json.dumps(envelope({"type": "LaunchRequest"}))
    fast.deserialize(payload, RequestEnvelope)
    plans = len(fast._readers)
    for _ in range(3):
        fast.deserialize(json.dumps(envelope({"type": "LaunchRequest"})), RequestEnvelope)
    assert len(fast._readers) == plans


def test_it_imports_no_more_of_the_model_than_the_sdk_does(tmp_path):
    """The SDK imports a field's class only when a request has that field; a plan made for every
    field would import most of ask_sdk_model at the first request (cold start: time and memory)."""
    import subprocess
    import sys

    event = tmp_path / "launch.json"
    event.write_text(json.dumps(envelope({"type": "LaunchRequest"})), encoding="utf-8")
    script = ("import json, sys; from ask_sdk_model import RequestEnvelope; before = set(sys.modules); "
              "from {module} import {name}; {name}().deserialize(open(sys.argv[1]).read(), RequestEnvelope); "
              "print(json.dumps(sorted(m for m in set(sys.modules) - before if m.startswith('ask_sdk_model'))))")
    loaded = {}
    for module, name in (("ask_sdk_core.serialize", "DefaultSerializer"), ("skill.voice.serializer", "FastSerializer")):
        out = subprocess.run([sys.executable, "-c", script.format(module=module, name=name), str(event)],
                             capture_output=True, text=True, check=True).stdout
        loaded[name] = set(json.loads(out))
    assert loaded["FastSerializer"] <= loaded["DefaultSerializer"], sorted(loaded["FastSerializer"] - loaded["DefaultSerializer"])
