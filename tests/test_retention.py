"""Stored records expire 90 days after the last write: DynamoDB through its TTL attribute (and a
read that ignores what the TTL sweep has not removed yet), SQLite through the same purge."""
from __future__ import annotations

import uuid

import pytest

from skill.adapters.retention import RETENTION_DAYS, TTL_ATTRIBUTE, ExpiringSqliteAdapter
from skill.adapters.simulator.session import Simulator
from skill.adapters.storage import adapter_from_environment, dynamodb_adapter
from skill.voice.app import build_skill
from tests.test_coach_memory import aws_test_credentials, dynamodb_endpoint  # noqa: F401  (fixtures)

DAY = 24 * 3600


class Clock:
    def __init__(self, now: float = 1_800_000_000):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_period_is_ninety_days():
    assert RETENTION_DAYS == 90


def test_sqlite_purges_a_record_ninety_days_after_the_last_write(tmp_path, content, nlu):
    clock = Clock()
    store = ExpiringSqliteAdapter(tmp_path / "store.sqlite", clock=clock)
    sim = Simulator(build_skill(content, persistence_adapter=store), nlu)
    sim.say("start de warming-up")
    sim.say("stop")
    assert store.expiries() == {sim.user_id: int(clock.now) + 90 * DAY}
    clock.now += 60 * DAY
    sim.say("start de cooling-down")                 # a new write moves the expiry on
    sim.say("stop")
    assert store.expiries() == {sim.user_id: int(clock.now) + 90 * DAY}
    clock.now += 90 * DAY - 1
    assert store.raw()[sim.user_id]["coach"]["routine"] == "cooldown"
    clock.now += 1
    assert store.raw() == {} and store.expiries() == {}
    assert "Zal ik verdergaan met" not in sim.launch().speech


def test_sqlite_gives_a_record_from_before_the_purge_an_expiry(tmp_path):
    from skill.adapters.storage import SqlitePersistenceAdapter
    path = tmp_path / "store.sqlite"
    sim = Simulator(skill=None, nlu=None)
    plain = SqlitePersistenceAdapter(path)
    plain.save_attributes(_envelope(sim), {"disclaimer_heard": True})
    clock = Clock()
    store = ExpiringSqliteAdapter(path, clock=clock)
    assert store.expiries() == {sim.user_id: int(clock.now) + 90 * DAY}
    clock.now += 90 * DAY
    assert store.raw() == {}


def test_deleting_removes_the_expiry_too(tmp_path):
    store = ExpiringSqliteAdapter(tmp_path / "store.sqlite")
    sim = Simulator(skill=None, nlu=None)
    store.save_attributes(_envelope(sim), {"disclaimer_heard": True})
    store.delete_attributes(_envelope(sim))
    assert store.raw() == {} and store.expiries() == {}


def test_the_configured_sqlite_store_expires(tmp_path):
    assert isinstance(adapter_from_environment({"HAMSTRING_STORE": f"sqlite:{tmp_path}/x.sqlite"}), ExpiringSqliteAdapter)


def test_dynamodb_items_carry_the_ttl_attribute_and_expired_ones_read_as_gone(dynamodb_endpoint, aws_test_credentials):
    import boto3
    table = f"hamstring-{uuid.uuid4().hex[:8]}"
    adapter = dynamodb_adapter(table, endpoint=dynamodb_endpoint, create_table=True)
    clock = Clock()
    adapter.clock = clock
    sim = Simulator(skill=None, nlu=None)
    adapter.save_attributes(_envelope(sim), {"coach": {"routine": "warmup", "block": 1, "exercise": 0}})
    item = boto3.resource("dynamodb", endpoint_url=dynamodb_endpoint).Table(table).get_item(
        Key={"id": sim.user_id})["Item"]
    assert set(item) == {"id", "attributes", TTL_ATTRIBUTE}
    assert int(item[TTL_ATTRIBUTE]) == int(clock.now) + 90 * DAY
    assert adapter.get_attributes(_envelope(sim))["coach"]["routine"] == "warmup"
    clock.now += 90 * DAY
    assert adapter.get_attributes(_envelope(sim)) == {}


def _envelope(sim: Simulator):
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope
    import json
    sim._new_session()
    return DefaultSerializer().deserialize(json.dumps(sim.envelope({"type": "LaunchRequest"})), RequestEnvelope)
