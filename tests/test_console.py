"""The practice's console (/console): off in production, per tab, nothing kept, content read at request time.

The browser itself is tested in test_console_browser.py; these go through Flask's test client.
"""
from __future__ import annotations

import logging
import shutil

import pytest
from markupsafe import escape

from skill import paths
from skill.adapters.simulator.session import Simulator
from skill.adapters.web import create_app

CONSOLE_URLS = ("/console", "/console/", "/console/onderwerpen", "/console/triage", "/console/oefeningen",
                "/console/api/check", "/console/static/chat.js", "/console/static/vendor/mermaid/mermaid.min.js")


@pytest.fixture(scope="module")
def console_app(skill):
    """One console for the module; the content folder and the remote flag are read per request,
    so a test can still point them elsewhere with monkeypatch."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HAMSTRING_CONSOLE", "1")
        patch.delenv("HAMSTRING_CONSOLE_REMOTE", raising=False)
        app = create_app(skill)
    yield app
    app.extensions["hamstring_console"]["checks"].stop()


def _start(client):
    response = client.post("/console/api/sessions")
    assert response.status_code == 200
    return response.get_json()


def _say(client, session_id, text):
    response = client.post(f"/console/api/sessions/{session_id}/say", json={"text": text})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("flag", [None, "", "0", "true", "yes"])
def test_the_production_configuration_serves_no_console(skill, monkeypatch, flag):
    if flag is None:
        monkeypatch.delenv("HAMSTRING_CONSOLE", raising=False)
    else:
        monkeypatch.setenv("HAMSTRING_CONSOLE", flag)
    client = create_app(skill).test_client()
    for url in CONSOLE_URLS:
        assert client.get(url).status_code == 404, url
    assert client.post("/console/api/sessions").status_code == 404
    assert client.post("/console/api/sessions/abc/say", json={"text": "ja"}).status_code == 404
    assert client.get("/health").status_code == 200          # the app itself is there


def test_the_flag_turns_the_console_on(console_app):
    client = console_app.test_client()
    page = client.get("/console/")
    assert page.status_code == 200
    assert 'id="why"' in page.get_data(as_text=True)
    assert client.get("/console/static/vendor/mermaid/mermaid.min.js").status_code == 200


def test_the_console_answers_only_this_machine(console_app, monkeypatch):
    remote = console_app.test_client()
    remote.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert remote.get("/console/").status_code == 403
    assert remote.post("/console/api/sessions").status_code == 403
    local6 = console_app.test_client()
    local6.environ_base["REMOTE_ADDR"] = "::1"
    assert local6.get("/console/").status_code == 200
    rebound = console_app.test_client()          # a page elsewhere whose name now points at 127.0.0.1
    assert rebound.get("/console/", headers={"Host": "evil.example:5050"}).status_code == 403
    assert local6.get("/console/", headers={"Host": "127.0.0.1:5050"}).status_code == 200
    monkeypatch.setenv("HAMSTRING_CONSOLE_REMOTE", "1")
    assert remote.get("/console/").status_code == 200


def test_each_tab_has_its_own_conversation(console_app):
    client = console_app.test_client()
    first, second = _start(client), _start(client)
    assert first["session"] != second["session"]
    turn = _say(client, first["session"], "ik heb pijn aan m'n hamstring")["turn"]
    assert turn["triage_state"]["current"]
    other = _say(client, second["session"], "hoe lang duurt herstel")["turn"]
    assert other["triage_state"] is None and other["content_ids"]     # the other tab is not in the triage
    again = _say(client, first["session"], "nee")["turn"]
    assert again["triage_state"]["answers"][0]["question"] == turn["triage_state"]["current"]
    gone = client.post("/console/api/sessions/not-a-session/say", json={"text": "ja"})
    assert gone.status_code == 410


def test_the_why_data_is_the_simulators_json_plus_the_nlu_score(console_app, skill, nlu):
    """The same utterances through `make chat`'s simulator and through the console give the same
    --json records; the console adds what the NLU made of each utterance."""
    lines = ["ik heb pijn aan m'n hamstring", "nee", "ja, het is rood", "weet ik niet"]
    sim = Simulator(skill, nlu)
    expected = [sim.launch().summary()] + [sim.say(line).summary() for line in lines]
    client = console_app.test_client()
    started = _start(client)
    got = [started["turn"]] + [_say(client, started["session"], line)["turn"] for line in lines]
    volatile = {"ssml"}           # identical text; only request ids differ between runs, and they are not shown
    for mine, theirs in zip(got, expected):
        for key, value in theirs.items():
            if key not in volatile:
                assert mine[key] == value, key
    understood = got[3]["understanding"]
    assert understood["intent"] == nlu.understand("ja, het is rood").intent
    assert 0 < understood["score"] <= 1 and understood["method"]
    answers = got[-1]["triage_state"]["answers"]
    assert [a["question"] for a in answers] == got[-1]["triage_state"]["asked"][:len(answers)]


def test_suggested_answers_come_from_the_vignettes(console_app):
    from skill.adapters.simulator import vignettes
    client = console_app.test_client()
    session = _start(client)["session"]
    data = _say(client, session, "ik heb pijn aan m'n hamstring")
    current = data["turn"]["triage_state"]["current"]
    offered = [s["text"] for s in data["suggestions"] if s["group"] == "Antwoorden"]
    said = {str(v["answers"][current]) for v in vignettes.load("team") if current in v.get("answers", {})}
    assert offered and set(offered[:-1]) <= said          # the last one is "weet ik niet"


def test_wait_and_interrupt_move_the_simulators_clock(console_app):
    client = console_app.test_client()
    session = _start(client)["session"]
    before = client.post(f"/console/api/sessions/{session}/wait", json={"seconds": 0}).get_json()["clock"]
    after = client.post(f"/console/api/sessions/{session}/wait", json={"seconds": 3600}).get_json()["clock"]
    assert int(after[:2]) == (int(before[:2]) + 1) % 24 and after[2:] == before[2:]
    bad = client.post(f"/console/api/sessions/{session}/interrupt", json={"seconds": "lang"})
    assert bad.status_code == 400
    silence = client.post(f"/console/api/sessions/{session}/silence").get_json()
    assert silence["turn"]["request"]["type"] == "Reprompt"


def test_nothing_said_in_the_console_is_logged(console_app, caplog):
    client = console_app.test_client()
    caplog.set_level(logging.DEBUG)
    session = _start(client)["session"]
    words = ["ik heb pijn aan m'n hamstring", "ja, het is rood", "mijn kuit glimt een beetje"]
    for text in words:
        _say(client, session, text)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in words:
        assert text not in logged
    assert "calf" not in logged


def test_review_pages_follow_the_saved_content(console_app, tmp_path, monkeypatch, content):
    copy = tmp_path / "content"
    shutil.copytree(paths.content_dir(), copy)
    monkeypatch.setenv("HAMSTRING_CONTENT_DIR", str(copy))
    client = console_app.test_client()
    topic = next(iter(content.topics.values()))
    page = client.get("/console/onderwerpen").get_data(as_text=True)
    assert str(escape(topic.title)) in page and "De inhoud laadt zonder fouten" in page

    topics_file = copy / "topics.yaml"
    text = topics_file.read_text(encoding="utf-8")
    topics_file.write_text(text.replace(f"title: {topic.title}", "title: Een nieuwe titel van de redactie", 1),
                           encoding="utf-8")
    page = client.get("/console/onderwerpen").get_data(as_text=True)
    assert "Een nieuwe titel van de redactie" in page

    topics_file.write_text(text.replace(f"id: {topic.id}", "id: bestaat niet", 1), encoding="utf-8")
    for url in ("/console/onderwerpen", "/console/triage", "/console/oefeningen"):
        page = client.get(url).get_data(as_text=True)
        assert "content/topics.yaml, regel" in page, url


def test_the_routines_page_shows_each_block_as_the_coach_times_it(console_app, content):
    from skill.core.coach import script_seconds
    from skill.core.timing import speaking_seconds
    page = console_app.test_client().get("/console/oefeningen").get_data(as_text=True)
    coach = content.coach
    for routine in coach.routines.values():
        assert f'id="routine-{routine.id}"' in page
        for number, block in enumerate(routine.blocks, 1):
            seconds = (speaking_seconds(coach.cue("block_start", nummer=number, titel=block.title))
                       + sum(script_seconds(coach.exercise_script(e)) for e in block.exercises))
            assert f"Onderdeel {number}: {escape(block.title)} <span class=\"muted\">· {round(seconds, 1)} s" in page


def test_the_chat_says_when_content_changed_since_the_start(skill, tmp_path, monkeypatch):
    copy = tmp_path / "content"
    shutil.copytree(paths.content_dir(), copy)
    monkeypatch.setenv("HAMSTRING_CONSOLE", "1")
    monkeypatch.setenv("HAMSTRING_CONTENT_DIR", str(copy))
    client = create_app(skill).test_client()
    session = _start(client)
    assert session["content_changed"] is False
    phrases = copy / "phrases.yaml"
    phrases.write_text(phrases.read_text(encoding="utf-8") + "\n# een opmerking van de redactie\n", encoding="utf-8")
    assert _say(client, session["session"], "help")["content_changed"] is True


def test_the_full_check_runs_beside_the_pages_and_names_file_and_line(console_app, broken_copy, monkeypatch):
    """`hamstring-skill check` as a whole runs in a child process; its findings reach /console/api/check."""
    import time
    import json
    broken_copy("routines.yaml", "title: de warming-up", "title: ''")
    monkeypatch.setenv("HAMSTRING_CONTENT_DIR", str(broken_copy.dir))
    # A small interaction model keeps the child quick (the real one's conflict search takes ~15 s);
    # what it lacks is reported too.
    model_dir = broken_copy.dir.parent / "model"
    model_dir.mkdir()
    (model_dir / "nl-NL.json").write_text(json.dumps({"interactionModel": {"languageModel": {
        "invocationName": "hamstring hulp", "intents": [{"name": "AMAZON.HelpIntent", "samples": []}], "types": []}}}),
        encoding="utf-8")
    monkeypatch.setenv("HAMSTRING_MODEL_DIR", str(model_dir))
    client = console_app.test_client()
    status = client.get("/console/api/check").get_json()
    assert status["state"] == "running"
    for _ in range(600):                     # a limit, not a speed check: the model's conflict search takes a while
        status = client.get("/console/api/check").get_json()
        if status["state"] != "running":
            break
        time.sleep(0.5)
    assert status["state"] == "done", status
    assert any(f["where"].startswith("content/routines.yaml, regel") for f in status["findings"]), status["findings"]
    assert any(f["where"].startswith("interaction_model") for f in status["findings"]), status["findings"]
    assert status["vignettes"] == []          # unusable content: nothing to play
