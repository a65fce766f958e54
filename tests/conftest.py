"""Shared fixtures: the real content, the one skill object, and a simulator around it."""
from __future__ import annotations

import pytest

from skill.adapters.simulator.nlu import default_nlu
from skill.adapters.storage import SqlitePersistenceAdapter
from skill.adapters.simulator.session import Simulator
from skill.core.content import load_content
from skill.voice.app import build_skill


@pytest.fixture(scope="session")
def content():
    return load_content()


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    """The coach's store for the whole test run: SQLite in a temporary folder. Every simulator is a
    listener of its own, so tests do not see each other's positions."""
    return SqlitePersistenceAdapter(tmp_path_factory.mktemp("store") / "hamstring-hulp.sqlite")


@pytest.fixture(scope="session")
def skill(content, store):
    return build_skill(content, persistence_adapter=store)


@pytest.fixture(scope="session")
def nlu():
    return default_nlu()


@pytest.fixture
def sim(skill, nlu):
    return Simulator(skill, nlu)
