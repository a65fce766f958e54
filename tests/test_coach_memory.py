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
from skill.adapters.retention import ExpiringSqliteAdapter
from skill.voice.memory import COACH_KEYS, STORED_KEYS
from tests.rules import assert_response_rules
from tests.test_triage_vignettes import VIGNETTES, run_vignette


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
        return ExpiringSqliteAdapter(tmp_path / "store.sqlite")
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
    assert "Zal ik verdergaan met de warming-up, bij onderdeel twee?" in turn.speech
    turn = sim.say("ja")
    assert "We gaan verder met de warming-up, bij onderdeel twee: soepel maken" in turn.speech


def test_a_finished_routine_is_not_offered_again(store, sim_for):
    sim = sim_for(store)
    sim.say("start de cooling-down")
    last = sim.say("verder")
    assert "Klaar" in last.speech and not last.end_session   # the last block; commands still work
    assert sim.silence() and sim.silence().end_session       # heard to the end, then no answer
    turn = sim.launch()
    assert "Zal ik verdergaan met" not in turn.speech and "Zal ik je de vragen stellen" in turn.speech


# ---------------------------------------------------------------- what is stored

# Stored words that would say something about the listener's health or a triage.
HEALTH_WORDS = ("rehab", "easier", "phase", "fase", "preferences", "triage", "urgency", "answers", "onset",
                "physio", "self_care", "doctor", "grade", "pain", "red_flag")
ROUTINES = {"warmup": "start de warming-up", "cooldown": "start de cooling-down",
            "rehab_1": "doe mijn revalidatie oefeningen fase een", "rehab_2": "start revalidatie fase twee",
            "rehab_3": "fase drie"}


def _assert_nothing_health_related(record: dict) -> None:
    assert set(record) <= STORED_KEYS, record
    if "disclaimer_heard" in record:
        assert record["disclaimer_heard"] is True
    if "coach" in record:
        assert set(record["coach"]) == COACH_KEYS
        assert record["coach"]["routine"] in ("warmup", "cooldown"), record
        assert isinstance(record["coach"]["block"], int) and isinstance(record["coach"]["exercise"], int)
    stored = repr(record).lower()
    for word in HEALTH_WORDS:
        assert word not in stored, f"{word!r} in {record}"


@pytest.mark.parametrize("routine_id", list(ROUTINES))
@pytest.mark.parametrize("ending", ["pauze", "stop", "silence", "done"])
def test_what_each_routine_leaves_in_the_store(routine_id, ending, tmp_path, sim_for, content):
    """Every routine, with "makkelijker" mid-exercise and every way of leaving it: the warm-up and the
    cooling-down leave exactly their position, a rehab phase leaves nothing at all."""
    store = ExpiringSqliteAdapter(tmp_path / "store.sqlite")
    sim = sim_for(store)
    sim.launch()
    routine = content.coach.routine(routine_id)
    turn = sim.say(ROUTINES[routine_id])
    assert "Onderdeel één" in turn.speech
    sim.interrupt_after(45)
    assert "Makkelijker" in sim.say("makkelijker").speech
    if ending == "done":
        for _ in routine.blocks:
            turn = sim.say("verder")
        assert turn.end_session and "Je bent klaar" in turn.speech
    elif ending == "silence":
        sim.silence()
        assert sim.silence().end_session              # the block heard to the end, then no answer
    else:
        sim.interrupt_after(30)
        assert sim.say(ending).end_session
    record = store.raw()[sim.user_id]
    _assert_nothing_health_related(record)
    if routine.kind == "rehab" or ending == "done" or (ending == "silence" and len(routine.blocks) == 1):
        assert record == {"disclaimer_heard": True}
    else:
        block = 1 if ending == "silence" else 0
        assert record == {"disclaimer_heard": True,
                          "coach": {"routine": routine_id, "block": block, "exercise": 0}}
    assert list(store.expiries()) == [sim.user_id]


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["name"] for v in VIGNETTES])
def test_no_triage_path_leaves_anything_in_the_store(vignette, tmp_path, content, nlu):
    """Every triage path, then "ja" to whatever the skill offers after it (the rehab phase for the
    outcome, or more about a topic), "makkelijker" and "stop": only the disclaimer flag is kept."""
    store = ExpiringSqliteAdapter(tmp_path / "store.sqlite")
    triage, _, sim = run_vignette(build_skill(content, persistence_adapter=store), nlu, dict(vignette, launch=True))
    offered = sim.turns[-1]
    if not offered.end_session:
        turn = sim.say("ja")
        if "Onderdeel één" in turn.speech:             # the rehab offered after this outcome
            sim.interrupt_after(45)
            sim.say("makkelijker")
        sim.say("stop")
    records = store.raw()
    assert records == {sim.user_id: {"disclaimer_heard": True}}, f"{triage['urgency']}: {records}"


def test_after_a_triage_the_offered_rehab_is_kept_in_the_session_only(tmp_path, content, nlu):
    store = ExpiringSqliteAdapter(tmp_path / "store.sqlite")
    light = next(v for v in VIGNETTES if v["expect"]["urgency"] == "self_care")
    _, _, sim = run_vignette(build_skill(content, persistence_adapter=store), nlu, dict(light, launch=True))
    assert "Wil je weten wat dit kan zijn" in sim.turns[-1].speech
    assert "fase één van de revalidatie" in sim.say("ja").speech   # the details, then the offered rehab
    assert "Onderdeel één" in sim.say("ja").speech
    turn = sim.say("stop")
    assert "Over je revalidatie bewaar ik niets" in turn.speech and "begin bij onderdeel" in turn.speech
    assert store.raw() == {sim.user_id: {"disclaimer_heard": True}}
    turn = sim.launch()
    assert "Zal ik verdergaan met" not in turn.speech


def test_an_old_record_with_health_keys_is_not_used_and_is_cleaned_on_the_next_write(tmp_path, sim_for):
    """Records written before this policy: a rehab position and preferences are ignored, and
    dropped as soon as anything is written."""
    store = ExpiringSqliteAdapter(tmp_path / "store.sqlite")
    sim = sim_for(store)
    store.save_attributes(sim.request_envelope(), {"coach": {"routine": "rehab_2", "block": 1, "exercise": 0},
                                                   "preferences": {"rehab_phase": 2, "easier": ["bridge"]}})
    turn = sim.launch()
    assert "Zal ik verdergaan met" not in turn.speech
    turn = sim.say("start de revalidatie")
    assert "In welke fase" in turn.speech
    assert store.raw()[sim.user_id] == {"disclaimer_heard": True}


def test_the_store_refuses_a_rehab_position_whoever_asks():
    from skill.voice import memory
    with pytest.raises(ValueError):
        memory.remember(None, coach={"routine": "rehab_1", "kind": "rehab", "block": 0, "exercise": 0})
    with pytest.raises(ValueError):
        memory.remember(None, preferences={"easier": ["bridge"]})


# ---------------------------------------------------------------- rehab: in the session, and by name

def test_rehab_resumes_within_the_session(store, sim_for):
    sim = sim_for(store)
    sim.say("start revalidatie fase twee")
    sim.interrupt_after(30)
    turn = sim.say("naar het begin")
    assert turn.intent == "AMAZON.NavigateHomeIntent" and not turn.end_session
    turn = sim.say("ga verder met de revalidatie")
    assert "We gaan verder met fase twee van de revalidatie, bij onderdeel één" in turn.speech
    assert store.get_attributes(sim.request_envelope()).get("coach") is None


def test_across_sessions_the_listener_names_the_phase_and_the_part(store, sim_for, content):
    sim = sim_for(store)
    sim.say("start revalidatie fase twee")
    sim.say("verder")
    sim.interrupt_after(30)
    turn = sim.say("pauze")
    assert turn.end_session and "fase twee, begin bij onderdeel twee" in turn.speech
    sim.wait(3600)
    turn = sim.say("ga verder met de revalidatie")
    assert "Over je revalidatie bewaar ik niets" in turn.speech and not turn.end_session
    turn = sim.say("fase twee, begin bij onderdeel drie")
    blocks = content.coach.routine("rehab_2").blocks
    assert turn.intent == "StartRoutineIntent"
    assert f"Onderdeel drie: {blocks[2].title}" in turn.speech
    assert blocks[0].exercises[0].normal.instruction not in turn.speech
    assert "Zeg dan makkelijker, of stop" in turn.speech                # the pain rule, also when starting later on
    assert_response_rules(turn)


def test_a_part_named_before_the_phase_is_kept_until_the_phase_is_known(tmp_path, sim_for, content):
    sim = sim_for(ExpiringSqliteAdapter(tmp_path / "store.sqlite"))
    sim.launch()
    turn = sim.say("begin bij onderdeel twee")
    assert "In welke fase" in turn.speech
    turn = sim.say("drie")
    assert f"Onderdeel twee: {content.coach.routine('rehab_3').blocks[1].title}" in turn.speech


def test_a_part_that_does_not_exist_starts_at_the_beginning(tmp_path, sim_for):
    sim = sim_for(ExpiringSqliteAdapter(tmp_path / "store.sqlite"))
    sim.launch()
    turn = sim.say("fase een vanaf onderdeel negen")
    assert "het zijn er drie" in turn.speech and "Onderdeel één" in turn.speech


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
    assert "We beginnen weer bij het begin" in turn.speech and "We gaan verder met" not in turn.speech


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


def test_dynamodb_at_most_one_read_and_one_write_per_turn(content, nlu, dynamodb_endpoint, aws_test_credentials):
    """Every turn of a listener's week costs DynamoDB at most one GetItem and one PutItem (a delete
    asked for is the one write of its turn), counted on the wire to the moto server."""
    store = dynamodb_adapter(f"hamstring-{uuid.uuid4().hex[:8]}", endpoint=dynamodb_endpoint, create_table=True)
    calls: list[str] = []
    store.dynamodb.meta.client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    sim = Simulator(build_skill(content, persistence_adapter=store), nlu)
    seen = set()
    for utterance in ["vraag hamstring hulp om de warming-up te starten", "verder", "herhaal", "makkelijker",
                      "hoe lang nog", "pauze", "ga verder met de warming-up", "verder", "verder", "verder", "stop",
                      "open hamstring hulp", "moet ik ijs of warmte gebruiken", "ja", "start de cooling-down",
                      "verder", "stop", "open hamstring hulp", "wis mijn gegevens", "ja"]:
        calls.clear()
        sim.say(utterance)
        assert calls.count("GetItem") <= 1 and len(calls) - calls.count("GetItem") <= 1, (utterance, calls)
        seen.update(calls)
    assert {"GetItem", "PutItem", "DeleteItem"} <= seen        # the count saw the store being used
