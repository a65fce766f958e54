"""The privacy statement and the terms: served by the web service at /privacy and /voorwaarden,
true to what the skill stores, and checked like every other content file."""
from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from skill import paths
from skill.adapters import documents, web
from skill.adapters.retention import RETENTION_DAYS
from skill.core.validation import ContentError
from skill.voice import app
from skill.voice.memory import STORED_KEYS


@pytest.fixture
def client(monkeypatch):
    monkeypatch.delenv("ALEXA_SKILL_ID", raising=False)
    monkeypatch.setenv("PRACTICE_NAME", "Fysiotherapie De Brug")
    monkeypatch.setenv("PRACTICE_CONTACT", "privacy@fysiodebrug.nl")
    app.get_skill.cache_clear()
    yield web.create_app().test_client()
    app.get_skill.cache_clear()


def _text(page: str) -> str:
    page = re.sub(r"<(style|title)>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_web_service_serves_the_privacy_statement(client):
    response = client.get("/privacy")
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = _text(response.get_data(as_text=True))
    assert "Privacyverklaring van Hamstring Hulp" in text
    assert "Fysiotherapie De Brug biedt Hamstring Hulp aan" in text and "privacy@fysiodebrug.nl" in text
    assert "{" not in text
    # What the statement promises is what the code does.
    assert f"Hooguit {RETENTION_DAYS} dagen" in text
    assert STORED_KEYS == {"coach", "disclaimer_heard"}       # the two things the statement lists
    assert "warming-up of de cooling-down" in text and "geen diagnose" in text
    assert "AVG" in text and "Autoriteit Persoonsgegevens" in text


def test_the_delete_command_in_the_statement_is_one_the_skill_understands(client, nlu):
    text = _text(client.get("/privacy").get_data(as_text=True))
    said = re.search(r'in de skill: "([^"]+)"', text).group(1)
    assert nlu.understand(said).intent == "DeleteDataIntent"
    one_shot = re.search(r'Zeg: "Alexa, vraag hamstring hulp om ([^"]+)"', text).group(1)
    assert nlu.understand(f"vraag hamstring hulp om {one_shot}").intent == "DeleteDataIntent"


def test_the_web_service_serves_the_terms(client):
    response = client.get("/voorwaarden")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert "Gebruiksvoorwaarden van Hamstring Hulp" in text
    assert "geen vervanging voor professioneel medisch advies" in text and "112" in text
    assert "Nederlands recht" in text


def test_the_pages_need_no_alexa_signature_but_the_skill_still_does(client):
    assert client.get("/privacy").status_code == 200
    assert client.post("/", data=json.dumps({"version": "1.0"}), content_type="application/json").status_code == 400


def test_without_the_practice_settings_the_pages_say_so_and_the_log_warns(monkeypatch, caplog):
    monkeypatch.delenv("PRACTICE_NAME", raising=False)
    monkeypatch.delenv("PRACTICE_CONTACT", raising=False)
    app.get_skill.cache_clear()
    page = web.create_app().test_client().get("/privacy").get_data(as_text=True)
    app.get_skill.cache_clear()
    assert "De praktijk die Hamstring Hulp aanbiedt" in _text(page)
    assert any("PRACTICE_NAME" in r.getMessage() for r in caplog.records)


def test_a_broken_document_names_file_line_and_key(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(paths.content_dir(), copy)
    path = copy / "privacy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ons via\n      {contact}", "ons via\n      {email}", 1), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        documents.load("privacy", copy)
    assert "content/privacy.yaml, regel" in str(error.value) and "{email}" in str(error.value)
    path.write_text("titel: Privacy\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        documents.load("privacy", copy)
    assert "inleiding" in str(error.value)


def test_the_documents_command_writes_the_pages_for_a_practice_website(tmp_path):
    import subprocess
    import sys
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    command = [sys.executable, "-m", "skill.adapters.cli", "documents", str(tmp_path / "site")]
    refused = subprocess.run(command, capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and "PRACTICE_NAME en PRACTICE_CONTACT ontbreekt" in refused.stderr
    done = subprocess.run(command, capture_output=True, text=True,
                          env={**env, "PRACTICE_NAME": "Fysiotherapie De Brug", "PRACTICE_CONTACT": "privacy@fysiodebrug.nl"})
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "privacy.html").read_text(encoding="utf-8")
    assert "Fysiotherapie De Brug biedt Hamstring Hulp aan" in _text(page)
    assert "112" in _text((tmp_path / "site" / "voorwaarden.html").read_text(encoding="utf-8"))
