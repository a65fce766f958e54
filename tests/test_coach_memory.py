"""What the coach remembers across sessions: resume (SQLite and a real DynamoDB-compatible server),
the exact set of stored keys, deleting, and coaching on when the store fails."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from skill.adapters.simulator.session import Simulator
from skill.adapters.storage import SqlitePersistenceAdapter, adapter_from_environment, dynamodb_adapter
from skill.voice.app import build_skill
from skill.voice.memory import COACH_KEYS, PREFERENCE_KEYS, STORED_KEYS
from tests.rules import assert_response_rules


# ---------------------------------------------------------------- stores

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dynamodb_endpoint():
    """A DynamoDB-compatible server (moto) on loopback, started and stopped by the test itself."""
    port = _free_port()
    server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("moto_server did not start")
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def aws_test_credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")


def _make_store(kind, tmp_path, request):
    if kind == "sqlite":
        return SqlitePersistenceAdapter(tmp_path / "store.sqlite")
    request.getfixturevalue("aws_test_credentials")
    endpoint = request.getfixturevalue("dynamodb_endpoint")
    table = f"hamstring-{uuid.uuid4().hex[:8]}"
    return dynamodb_adapter(table, endpoint=endpoint, create_table=True)


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request, tmp_path):
    return _make_store(request.param, tmp_path, request)


@pytest.fixture
def sim_for(content, nlu):
    def make(store, user_id=None):
        kwargs = {"user_id": user_id} if user_id else {}
        return Simulator(build_skill(content, persistence_adapter=store), nlu, **kwargs)
    return make


# ---------------------------------------------------------------- resume

def test_resume_across_sessions(store, sim_for, content):
    """Start the warm-up, go to block two, pause in the middle of an exercise; minutes later, in a
    new session, "ga verder met de warming-up" starts at that exercise."""
    sim = sim_for(store)
    turn = sim.say("vraag hamstring hulp om de warming-up te starten")
    assert "Onderdeel één: inlopen" in turn.speech and not turn.end_session
    turn = sim.say("verder")
    assert "Onderdeel twee: soepel maken" in turn.speech
    block = content.coach.routine("warmup").blocks[1]
    sim.interrupt_after(70)                          # well into the second exercise of block two
    turn = sim.say("pauze")
    assert turn.end_session and "pauze" in turn.speech
    sim.wait(600)
    turn = sim.say("ga verder met de warming-up")
    assert turn.request["session"]["new"] is True
    assert "We gaan verder met de warming-up, bij onderdeel twee: soepel maken" in turn.speech
    name = block.exercises[1].normal.name
    assert f"We beginnen bij de oefening waar je was. {name[:1].upper() + name[1:]}." in turn.speech
    assert block.exercises[0].normal.instruction not in turn.speech
    assert_response_rules(turn)
    turn = sim.say("verder")
    assert "Onderdeel drie: kracht en balans" in turn.speech


def test_resume_after_the_session_times_out_between_blocks(store, sim_for):
    sim = sim_for(store)
    sim.say("start de warming-up")
    sim.silence()
    assert sim.silence().end_session                  # no answer after the block: Alexa closes
    sim.wait(3600)
    turn = sim.launch()
    assert "Je was bezig met de warming-up, bij onderdeel twee" in turn.speech
    turn = sim.say("ja")
    assert "We gaan verder met de warming-up, bij onderdeel twee: soepel maken" in turn.speech


def test_a_finished_routine_is_not_offered_again(store, sim_for):
    sim = sim_for(store)
    sim.say("start de cooling-down")
    last = sim.say("verder")
    assert "Klaar" in last.speech and not last.end_session   # the last block; commands still work
    assert sim.silence() and sim.silence().end_session       # heard to the end, then no answer
    turn = sim.launch()
    assert "Je was bezig" not in turn.speech and "Zal ik je de vragen stellen" in turn.speech


# ---------------------------------------------------------------- what is stored

def test_only_coach_position_preferences_and_disclaimer_are_stored(tmp_path, sim_for):
    store = SqlitePersistenceAdapter(tmp_path / "store.sqlite")
    sim = sim_for(store)
    sim.launch()                                      # hears the disclaimer
    sim.say("check mijn klachten")                    # a whole triage, which must leave nothing behind
    for answer in ("nee", "ja", "nee", "plotseling tijdens het sprinten", "ik loop mank", "ja", "ja", "ja"):
        turn = sim.say(answer)
        if turn.triage:
            break
    sim.say("start mijn revalidatie oefeningen fase twee")
    sim.interrupt_after(60)
    sim.say("makkelijker")
    sim.say("stop")
    records = store.raw()
    assert list(records) == [sim.user_id]
    record = records[sim.user_id]
    assert set(record) == STORED_KEYS
    assert set(record["coach"]) == COACH_KEYS
    assert set(record["preferences"]) <= PREFERENCE_KEYS and record["preferences"]["rehab_phase"] == 2
    assert record["disclaimer_heard"] is True
    stored = repr(record)
    for word in ("triage", "urgency", "answers", "onset", "physio", "self_care", "doctor", "grade"):
        assert word not in stored


def test_wis_mijn_gegevens_deletes_the_record(store, sim_for):
    sim = sim_for(store)
    sim.say("start de warming-up")
    assert sim.say("stop").end_session
    turn = sim.say("vraag hamstring hulp om mijn gegevens te wissen")
    assert turn.intent == "DeleteDataIntent" and "Zal ik alles wissen" in turn.speech
    turn = sim.say("ja")
    assert "gewist" in turn.speech
    assert store.get_attributes(sim.request_envelope()) == {}
    turn = sim.say("ga verder met de warming-up")
    assert "Ik weet niet waar je was gebleven" in turn.speech


# ---------------------------------------------------------------- when the store fails

class BrokenStore(SqlitePersistenceAdapter):
    def get_attributes(self, request_envelope):
        raise ConnectionError("store down")

    def save_attributes(self, request_envelope, attributes):
        raise ConnectionError("store down")

    def delete_attributes(self, request_envelope):
        raise ConnectionError("store down")


def test_the_coach_goes_on_when_the_store_fails_and_says_so_once(tmp_path, sim_for, caplog):
    sim = sim_for(BrokenStore(tmp_path / "unused.sqlite"))
    launch = sim.launch()
    assert "Welkom bij Hamstring Hulp" in launch.speech          # no crash, no resume offer
    first = sim.say("start de warming-up")
    assert "Onderdeel één: inlopen" in first.speech
    assert "kan nu niet onthouden" in first.speech
    second = sim.say("verder")
    assert "Onderdeel twee" in second.speech and "kan nu niet onthouden" not in second.speech
    assert "er ging bij mij iets mis" not in first.speech + second.speech
    for turn in (launch, first, second):
        assert_response_rules(turn)
    assert sim.say("wis mijn gegevens") and "lukt nu niet" in sim.say("ja").speech
    assert any("persistent store unavailable" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------- configuration

def test_the_store_is_chosen_by_configuration(tmp_path):
    assert isinstance(adapter_from_environment({"HAMSTRING_STORE": f"sqlite:{tmp_path}/x.sqlite"}), SqlitePersistenceAdapter)
    assert adapter_from_environment({"HAMSTRING_STORE": "none"}) is None
    assert isinstance(adapter_from_environment({}), SqlitePersistenceAdapter)
    with pytest.raises(ValueError):
        adapter_from_environment({"HAMSTRING_STORE": "redis:x"})


def test_lambda_defaults_to_dynamodb(aws_test_credentials):
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    adapter = adapter_from_environment({"AWS_LAMBDA_FUNCTION_NAME": "hamstring", "HAMSTRING_TABLE": "t1"})
    assert isinstance(adapter, DynamoDbAdapter) and adapter.table_name == "t1"
