"""The store fails in every way we know of, and the coach still answers sensibly in Dutch.

Scenarios: DynamoDB hung (a loopback socket that accepts and never answers), closed (nothing
listening), a missing table and a corrupted item (moto on loopback); SQLite with the file or its
folder deleted, read-only, locked by another connection, and a corrupted row. Every turn must be
a proper spoken answer; a failed save never claims the place was remembered, and a position that
was not saved is never offered. With a hung store no turn may take 1.5 s or more (Alexa allows 8 s,
and a cold start can take several of them): that bound is what the hung-store test is for.
"""
from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
import uuid

import pytest

from skill.adapters.storage import SqlitePersistenceAdapter, dynamodb_adapter
from skill.adapters.simulator.session import Simulator
from skill.voice.app import build_skill
from tests.rules import assert_response_rules
from tests.test_coach_memory import aws_test_credentials, dynamodb_endpoint  # noqa: F401  (fixtures)

HUNG_TURN_LIMIT = 1.5
UNSAVED = "kan ik nu helaas niet onthouden"


def _sim(content, nlu, store) -> Simulator:
    return Simulator(build_skill(content, persistence_adapter=store), nlu, user_id=f"amzn1.ask.account.{uuid.uuid4().hex}")


def _timed(action):
    started = time.monotonic()
    turn = action()
    return turn, time.monotonic() - started


def _sensible(turn) -> None:
    assert turn is not None and turn.speech.strip()
    assert "iets mis" not in turn.speech
    assert_response_rules(turn)


def coach_session_with_a_failing_store(sim) -> list[tuple[object, float]]:
    """Open, start the warm-up, go on, pause; then open again in a new session."""
    timed = [_timed(sim.launch), _timed(lambda: sim.say("start de warming-up")), _timed(lambda: sim.say("verder"))]
    sim.interrupt_after(30)
    timed.append(_timed(lambda: sim.say("pauze")))
    sim.wait(600)
    timed.append(_timed(sim.launch))
    launch, start, more, pause, again = (t for t, _ in timed)
    for turn in (launch, start, more, pause, again):
        _sensible(turn)
    assert "Welkom" in launch.speech
    assert "Onderdeel één: inlopen" in start.speech and "kan nu niet onthouden" in start.speech
    assert "Onderdeel twee" in more.speech and "kan nu niet onthouden" not in more.speech   # said once
    assert pause.end_session and UNSAVED in pause.speech and "onthoud waar je was" not in pause.speech
    assert "Zal ik verdergaan met" not in again.speech             # nothing was saved, so nothing is offered
    return timed


# ---------------------------------------------------------------- DynamoDB

@pytest.fixture
def hung_endpoint():
    """A loopback server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    server.settimeout(0.1)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except socket.timeout:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    for connection in held:
        connection.close()
    server.close()


@pytest.fixture
def closed_endpoint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"                      # nothing listens there any more


def test_hung_dynamodb_no_turn_takes_1_5_seconds(content, nlu, hung_endpoint, aws_test_credentials):
    store = dynamodb_adapter("hamstring-hung", endpoint=hung_endpoint)
    timed = coach_session_with_a_failing_store(_sim(content, nlu, store))
    slowest = max(seconds for _, seconds in timed)
    print(f"hung DynamoDB: {len(timed)} turns, slowest {slowest:.2f} s, each {[round(s, 2) for _, s in timed]}")
    assert slowest < HUNG_TURN_LIMIT, [round(s, 2) for _, s in timed]


def test_closed_dynamodb(content, nlu, closed_endpoint, aws_test_credentials):
    coach_session_with_a_failing_store(_sim(content, nlu, dynamodb_adapter("hamstring-closed", endpoint=closed_endpoint)))


def test_missing_dynamodb_table(content, nlu, dynamodb_endpoint, aws_test_credentials):
    store = dynamodb_adapter(f"missing-{uuid.uuid4().hex[:8]}", endpoint=dynamodb_endpoint)
    coach_session_with_a_failing_store(_sim(content, nlu, store))


def test_corrupted_dynamodb_item_is_discarded_and_overwritten(content, nlu, dynamodb_endpoint, aws_test_credentials):
    import boto3
    table = f"hamstring-{uuid.uuid4().hex[:8]}"
    store = dynamodb_adapter(table, endpoint=dynamodb_endpoint, create_table=True)
    sim = _sim(content, nlu, store)
    raw = boto3.resource("dynamodb", endpoint_url=dynamodb_endpoint).Table(table)
    raw.put_item(Item={"id": sim.user_id, "attributes": {"coach": {"routine": "warmup", "block": "drie"},
                                                         "disclaimer_heard": True}})
    launch = sim.launch()
    _sensible(launch)
    assert launch.speech.count("Ik weet niet meer waar je was") == 1 and "Zal ik verdergaan met" not in launch.speech
    item = raw.get_item(Key={"id": sim.user_id})["Item"]["attributes"]
    assert "coach" not in item and item["disclaimer_heard"] is True
    raw.put_item(Item={"id": sim.user_id, "attributes": "not a record"})
    sim.wait(600)
    _sensible(sim.launch())


# ---------------------------------------------------------------- SQLite

def _pause_in_block_two(sim):
    sim.say("start de warming-up")
    sim.say("verder")
    sim.interrupt_after(70)
    turn = sim.say("pauze")
    _sensible(turn)
    return turn


@pytest.mark.parametrize("what", ["file", "folder"])
def test_sqlite_file_or_folder_deleted_is_made_again(content, nlu, tmp_path, what):
    folder = tmp_path / "var"
    store = SqlitePersistenceAdapter(folder / "store.sqlite")
    sim = _sim(content, nlu, store)
    _sensible(sim.say("start de warming-up"))
    if what == "folder":
        shutil.rmtree(folder)
    else:
        (folder / "store.sqlite").unlink()          # the write-ahead log files stay behind
    pause = _pause_in_block_two(sim)
    assert "onthoud waar je was" in pause.speech and UNSAVED not in pause.speech
    sim.wait(600)
    turn = sim.say("ga verder met de warming-up")
    _sensible(turn)
    assert "bij onderdeel twee" in turn.speech
    assert (folder / "store.sqlite").exists()


class ReadOnlyWhenAsked(SqlitePersistenceAdapter):
    """Opens the database read-only once `read_only` is set (the tests run as root, for whom
    file permissions do not stop a write; SQLite's own read-only mode does)."""

    read_only_now = False

    def _open(self):
        if self.read_only_now:
            return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self.BUSY_TIMEOUT,
                                   isolation_level=None, check_same_thread=False)
        return super()._open()


def test_read_only_sqlite_never_claims_a_save_or_offers_a_stale_place(content, nlu, tmp_path):
    store = ReadOnlyWhenAsked(tmp_path / "store.sqlite")
    sim = _sim(content, nlu, store)
    sim.say("start de warming-up")
    assert "onthoud waar je was" in sim.say("pauze").speech        # a place is saved
    store.read_only_now = True
    store._local.connection = None                                # the next operation reopens
    sim.wait(600)
    coach_session_with_a_failing_store(sim)                       # and not offered while it may be stale
    store.read_only_now = False
    store._local.connection = None
    sim.wait(600)
    healed = sim.launch()
    _sensible(healed)
    assert "Zal ik verdergaan met de warming-up" in healed.speech      # writable again: the saved place is back


def test_locked_sqlite(content, nlu, tmp_path):
    path = tmp_path / "store.sqlite"
    store = SqlitePersistenceAdapter(path)
    store.raw()                                                   # create it
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        sim = _sim(content, nlu, store)
        _sensible(sim.launch())
        start = sim.say("start de warming-up")
        _sensible(start)
        assert "kan nu niet onthouden" in start.speech
        pause = sim.say("pauze")
        _sensible(pause)
        assert UNSAVED in pause.speech
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_corrupted_sqlite_row(content, nlu, tmp_path):
    store = SqlitePersistenceAdapter(tmp_path / "store.sqlite")
    sim = _sim(content, nlu, store)
    store._connection().execute("INSERT INTO attributes VALUES (?, ?)", (sim.user_id, "{not json"))
    launch = sim.launch()
    _sensible(launch)
    assert launch.speech.count("Ik weet niet meer waar je was") == 1
    assert store.raw()[sim.user_id] == {"disclaimer_heard": True}
    turn = sim.say("ga verder met de warming-up")
    _sensible(turn)
    assert "We beginnen weer bij het begin" in turn.speech and "We gaan verder met" not in turn.speech
    assert "Ik weet niet meer waar je was" not in turn.speech     # said once, at the launch
