"""`hamstring-skill chat`: --script and --json as a developer or editor uses them, in a real process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIELDS = {"turn", "user", "request", "speech", "ssml", "reprompt", "end_session", "content_ids", "triage", "emergency", "coach", "card"}
CLI = [sys.executable, "-m", "skill.adapters.cli"]
ROOT = Path(__file__).resolve().parent.parent


_STORE = None


def _env():
    """A fresh process environment: no skill id, and a store of its own so runs do not meet."""
    global _STORE
    import tempfile
    if _STORE is None:
        _STORE = tempfile.mkdtemp(prefix="hamstring-chat-")
    env = dict(os.environ)
    env.pop("ALEXA_SKILL_ID", None)
    env["HAMSTRING_STORE"] = f"sqlite:{_STORE}/{os.urandom(4).hex()}.sqlite"
    return env


def test_json_mode_flushes_one_object_per_turn_as_it_happens():
    process = subprocess.Popen(CLI + ["chat", "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env())
    try:
        line = process.stdout.readline()
        assert line, process.stderr.read()
        first = json.loads(line)                                 # the launch, before any input
        assert set(first) == FIELDS
        assert first["request"]["type"] == "LaunchRequest" and "Welkom" in first["speech"]
        process.stdin.write("moet ik ijs of warmte gebruiken\n")
        process.stdin.flush()
        second = json.loads(process.stdout.readline())         # answered while stdin is still open
        assert second["turn"] == 2
        assert second["user"] == "moet ik ijs of warmte gebruiken"
        assert second["request"] == {"type": "IntentRequest", "intent": "IceOrHeatIntent", "slots": {}}
        assert second["content_ids"] == ["faq_ice_or_heat"]
        assert second["triage"] is None
        assert second["end_session"] is False and second["reprompt"]
        assert second["ssml"].startswith("<speak>") and "<" not in second["speech"]
        assert second["card"]["title"] == "IJs of warmte"
    finally:
        process.stdin.close()
        process.wait(timeout=20)
    assert process.returncode == 0


def test_script_mode_reads_a_file_skipping_comments(tmp_path):
    script = tmp_path / "gesprek.txt"
    script.write_text("# een gesprek\nvertel me iets over massage  # met slot\n\nstop\nhoe lang duurt herstel\n",
                      encoding="utf-8")
    result = subprocess.run(CLI + ["chat", "--json", "--script", str(script)], capture_output=True, text=True,
                            cwd=ROOT, env=_env(), timeout=60)
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["user"] for t in turns] == ["open hamstring hulp", "vertel me iets over massage", "stop", "hoe lang duurt herstel"]
    assert turns[1]["request"]["slots"] == {"onderwerp": {"value": "massage", "resolved": "massage", "id": "faq_massage"}}
    assert turns[2]["end_session"] is True and turns[2]["reprompt"] is None
    # after the session closed, the next line opens a new one: the disclaimer comes first again
    assert turns[3]["content_ids"] == ["recovery_time"] and "geen diagnose" in turns[3]["speech"]


def test_plain_mode_shows_speech_reprompt_card_and_session_end(tmp_path):
    script = tmp_path / "kort.txt"
    script.write_text("moet ik ijs of warmte gebruiken\n/stil\n/stil\n", encoding="utf-8")
    result = subprocess.run(CLI + ["chat", "--script", str(script)], capture_output=True, text=True, cwd=ROOT,
                            env=_env(), timeout=60)
    out = result.stdout
    assert "Alexa: Welkom bij Hamstring Hulp." in out
    assert "(begrepen als IceOrHeatIntent)" in out
    assert "(als je niets zegt: Wil je er meer over horen? Zeg ja of nee.)" in out
    assert "[kaart in de Alexa-app: IJs of warmte]" in out
    assert out.count("Alexa: Wil je er meer over horen?") == 1       # the reprompt replayed once
    assert "de sessie is afgesloten" in out
