"""Shared fixtures: the real content, the one skill object, and a simulator around it."""
from __future__ import annotations

import pytest

from skill.adapters.simulator.nlu import default_nlu
from skill.adapters.storage import SqlitePersistenceAdapter
from skill.adapters.simulator.session import Simulator
from skill.core.content import load_content
from skill.voice.app import build_skill


@pytest.fixture(autouse=True)
def dispatch_checked():
    """Every request any test sends through a skill is also mapped by the SDK's scan of all handlers
    (skill.voice.app.CHECK_DISPATCH): the dispatch index must choose the same handler every time."""
    from skill.voice import app

    app.CHECK_DISPATCH = True
    app.DISPATCH_MISMATCHES.clear()
    yield
    mismatches = list(app.DISPATCH_MISMATCHES)
    app.DISPATCH_MISMATCHES.clear()
    assert not mismatches, f"the dispatch index chose another handler than the scan: {mismatches[:5]}"


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


@pytest.fixture
def broken_copy(tmp_path):
    """A copy of content/ to break. `edit(file, old, new)` replaces text once, loads the copy, and
    returns every problem reported, as the lines an editor reads."""
    import shutil

    from skill import paths
    from skill.core.validation import ContentError

    copy = tmp_path / "content"
    shutil.copytree(paths.content_dir(), copy)

    def edit(file_name: str, old: str, new: str) -> list[str]:
        path = copy / file_name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file_name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            load_content(copy)
        return [str(problem) for problem in caught.value.problems]

    edit.dir = copy
    return edit


def assert_reported(problems: list[str], *needles: str) -> None:
    """Some problem line contains every needle."""
    assert any(all(needle in line for needle in needles) for line in problems), "\n".join(problems)
