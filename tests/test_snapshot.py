"""The compiled content snapshot (skill.adapters.snapshot): the same content as a full load, used only
while fresh, and what lets the web service, Lambda and the simulator start without reading YAML
against the schemas or walking the triage."""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

from skill import paths
from skill.adapters import snapshot
from skill.core.content import load_content


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return snapshot.write_snapshot(tmp_path_factory.mktemp("snapshot") / "content.pickle")


def test_the_snapshot_is_the_full_load(written, content):
    loaded = snapshot.read_snapshot(target=written)
    assert loaded is not None
    assert loaded == content
    assert loaded.triage == content.triage and loaded.coach == content.coach
    assert loaded.return_to_sport == content.return_to_sport and dict(loaded.phrases.texts) == dict(content.phrases.texts)
    # The same behaviour, not only equal fields: a walk through the triage and a coach script.
    assert list(loaded.triage.paths())[:50] == list(content.triage.paths())[:50]
    warmup = content.coach.routine("warmup").blocks[0].exercises[0]
    assert loaded.coach.exercise_script(warmup) == content.coach.exercise_script(warmup)


def test_a_changed_content_file_makes_the_snapshot_stale(tmp_path):
    import shutil
    copy = tmp_path / "content"
    shutil.copytree(paths.content_dir(), copy)
    target = snapshot.write_snapshot(tmp_path / "content.pickle", copy)
    assert snapshot.read_snapshot(copy, target) is not None
    phrases = copy / "phrases.yaml"
    phrases.write_text(phrases.read_text(encoding="utf-8").replace("Welkom", "Hallo en welkom", 1), encoding="utf-8")
    assert snapshot.read_snapshot(copy, target) is None
    (copy / "extra.yaml").write_text("a: 1\n", encoding="utf-8")      # a new file counts too
    assert snapshot.source_hash(copy) != snapshot.source_hash(paths.content_dir())


def test_a_stale_or_unreadable_snapshot_means_a_full_load(tmp_path, monkeypatch, content):
    target = tmp_path / "content.pickle"
    target.write_bytes(pickle.dumps({"stamp": "from other sources", "content": "wrong"}))
    assert snapshot.read_snapshot(target=target) is None
    target.write_bytes(b"not a pickle")
    assert snapshot.read_snapshot(target=target) is None
    monkeypatch.setenv("HAMSTRING_SNAPSHOT", str(target))
    assert snapshot.production_content() == content


# What a production start loads: one fresh process per entry point, with the triage walk made to fail.
_START = """
import json, sys
import skill.core.triage as triage
def walked(self):
    raise AssertionError("the triage was walked")
triage.Protocol.paths = walked
entry = sys.argv[1]
event = json.loads(sys.argv[2])
if entry == "lambda":
    from skill.lambda_function import handler
    speech = handler(event, None)["response"]["outputSpeech"]["ssml"]
elif entry == "web":
    from skill.adapters.web import create_app
    create_app()
    from skill.voice.app import get_skill
    from skill.lambda_function import run
    speech = run(get_skill(), event)["response"]["outputSpeech"]["ssml"]
else:
    from skill.adapters.simulator.chat import make_simulator
    speech = make_simulator().launch().speech
print(json.dumps({"speech": speech, "modules": sorted(m for m in sys.modules if m.split(".")[0] in ("jsonschema", "num2words"))}))
"""


def _start(entry: str, snapshot_path, tmp_path) -> dict:
    from skill.adapters.simulator.session import SIMULATOR_SKILL_ID, Simulator
    sim = Simulator(skill=None, nlu=None)
    sim._new_session()
    event = sim.envelope({"type": "LaunchRequest"})
    env = {**os.environ, "HAMSTRING_SNAPSHOT": str(snapshot_path), "HAMSTRING_STORE": "none",
           "ALEXA_SKILL_ID": SIMULATOR_SKILL_ID, "PYTHONPATH": str(paths.ROOT)}
    env.pop("HAMSTRING_CONTENT_DIR", None)
    result = subprocess.run([sys.executable, "-c", _START, entry, json.dumps(event)], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    return {"returncode": result.returncode, "stderr": result.stderr[-2000:],
            **(json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else {})}


@pytest.mark.parametrize("entry", ["lambda", "web", "simulator"])
def test_production_starts_read_the_snapshot_not_the_schemas(entry, written, tmp_path):
    report = _start(entry, written, tmp_path)
    assert report["returncode"] == 0, report["stderr"]
    assert "Welkom" in report["speech"]
    assert report["modules"] == [], "jsonschema or num2words was imported for a launch"


def test_without_a_snapshot_the_start_validates_everything(tmp_path):
    """The control: the same start without a fresh snapshot loads the schemas and walks the triage."""
    report = _start("lambda", tmp_path / "missing.pickle", tmp_path)
    assert report["returncode"] != 0 and "the triage was walked" in report["stderr"]
