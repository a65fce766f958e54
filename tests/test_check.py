"""`hamstring-skill check` passes on the real files and names each kind of problem in broken copies."""
from __future__ import annotations

import copy
import json
import shutil

import pytest

from skill import paths
from skill.adapters.cli import main
from skill.adapters.simulator.modelcheck import run_checks

MODEL = json.loads(paths.model_file().read_text(encoding="utf-8"))


def test_the_real_files_pass(capsys):
    assert main(["check"]) == 0
    assert "Alles in orde" in capsys.readouterr().out


def _intent(model, name):
    return next(i for i in model["interactionModel"]["languageModel"]["intents"] if i["name"] == name)


def _check(tmp_path, change=None, content_change=None):
    model = copy.deepcopy(MODEL)
    if change:
        change(model)
    model_path = tmp_path / "nl-NL.json"
    model_path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    content_dir = tmp_path / "content"
    shutil.copytree(paths.content_dir(), content_dir)
    if content_change:
        content_change(content_dir)
    return [str(f) for f in run_checks(content_dir, model_path)]


def _one(findings, *needles):
    hits = [f for f in findings if all(n in f for n in needles)]
    assert hits, f"nothing with {needles} in:\n" + "\n".join(findings)
    return hits[0]


def test_the_same_sample_in_two_intents_is_a_conflict(tmp_path):
    findings = _check(tmp_path, lambda m: _intent(m, "IceOrHeatIntent")["samples"].append("helpt massage"))
    _one(findings, "IceOrHeatIntent", "'helpt massage' botst met", "MassageIntent")


def test_a_near_identical_sample_in_another_intent_is_a_conflict(tmp_path):
    findings = _check(tmp_path, lambda m: _intent(m, "IceOrHeatIntent")["samples"].append("helpt massages"))
    _one(findings, "lijkt bijna gelijk", "MassageIntent")


def test_a_sample_equal_to_a_slot_value_of_another_intent_is_a_conflict(tmp_path):
    findings = _check(tmp_path, lambda m: _intent(m, "MassageIntent")["samples"].append("sportmassage"))
    _one(findings, "botst met", "'sportmassage'", "'{onderwerp}'", "TopicIntent", "MassageIntent")


@pytest.mark.parametrize("sample, problem", [
    ("is het graad 2", "cijfers"),
    ("helpt ijs?", "tekens die Alexa's build weigert: ?"),
    ("Helpt IJS", "kleine letters"),
    ("vertel over{onderwerp}", "zet spaties om"),
    ("vertel {onderwerp over", "losse { of }"),
])
def test_samples_alexas_build_would_reject(tmp_path, sample, problem):
    findings = _check(tmp_path, lambda m: _intent(m, "TopicIntent")["samples"].append(sample))
    _one(findings, "TopicIntent", problem)


def test_a_slot_reference_without_a_slot(tmp_path):
    findings = _check(tmp_path, lambda m: _intent(m, "MassageIntent")["samples"].append("helpt {techniek} massage"))
    _one(findings, "MassageIntent", "slot '{techniek}'", "heeft dat slot niet")


def test_an_unused_slot_type(tmp_path):
    def add_type(model):
        model["interactionModel"]["languageModel"]["types"].append(
            {"name": "SPORT", "values": [{"id": "voetbal", "name": {"value": "voetbal"}}]})
    _one(_check(tmp_path, add_type), "types.SPORT", "door geen enkel slot gebruikt")


def test_a_content_id_no_intent_reaches(tmp_path):
    def remove_massage(model):
        language = model["interactionModel"]["languageModel"]
        language["intents"] = [i for i in language["intents"] if i["name"] != "MassageIntent"]
        onderwerp = next(t for t in language["types"] if t["name"] == "ONDERWERP")
        onderwerp["values"] = [v for v in onderwerp["values"] if v["id"] != "faq_massage"]
    findings = _check(tmp_path, remove_massage)
    _one(findings, "faq_massage", "geen enkele intent bereikt dit onderwerp")


def test_an_intent_without_a_handler(tmp_path):
    def add_intent(model):
        model["interactionModel"]["languageModel"]["intents"].append(
            {"name": "DansIntent", "samples": ["leer me dansen", "ik wil dansen"]})
    _one(_check(tmp_path, add_intent), "DansIntent", "geen enkele handler")


def test_a_missing_built_in_intent(tmp_path):
    def drop_help(model):
        language = model["interactionModel"]["languageModel"]
        language["intents"] = [i for i in language["intents"] if i["name"] != "AMAZON.HelpIntent"]
    _one(_check(tmp_path, drop_help), "AMAZON.HelpIntent ontbreekt")


def test_an_invocation_name_of_one_word(tmp_path):
    def rename(model):
        model["interactionModel"]["languageModel"]["invocationName"] = "hamstring"
    _one(_check(tmp_path, rename), "invocationName", "minstens twee woorden")


def test_content_problems_are_reported_too(tmp_path):
    def break_phrase(content_dir):
        path = content_dir / "phrases.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("  okay: Oké.", "  okay: A & B"), encoding="utf-8")
    _one(_check(tmp_path, content_change=break_phrase), "content/phrases.yaml, regel", "phrases.okay", "'&'")


def test_an_example_phrase_that_is_no_sample(tmp_path):
    def change_listing(content_dir):
        path = content_dir / "listing.yaml"
        text = path.read_text(encoding="utf-8").replace("hoe lang duurt herstel", "hoeveel dagen rust moet ik nemen")
        path.write_text(text, encoding="utf-8")
    _one(_check(tmp_path, content_change=change_listing), "example_phrases[2]", "geen voorbeeldzin")


def test_the_command_exits_non_zero_and_names_the_problem(tmp_path, capsys):
    model = copy.deepcopy(MODEL)
    _intent(model, "IceOrHeatIntent")["samples"].append("helpt massage")
    path = tmp_path / "nl-NL.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    assert main(["check", "--model", str(path)]) == 1
    assert "'helpt massage' botst met" in capsys.readouterr().out


def test_a_triage_choice_the_model_cannot_hear(tmp_path):
    def drop_choice(model):
        keuze = next(t for t in model["interactionModel"]["languageModel"]["types"] if t["name"] == "TRIAGE_KEUZE")
        keuze["values"] = [v for v in keuze["values"] if v["id"] != "walk_limp"]
    _one(_check(tmp_path, drop_choice), "weight_bearing.choices.walk_limp", "het model kent deze keuze niet")


def test_a_slot_value_that_is_no_triage_choice(tmp_path):
    def add_choice(model):
        keuze = next(t for t in model["interactionModel"]["languageModel"]["types"] if t["name"] == "TRIAGE_KEUZE")
        keuze["values"].append({"id": "walk_crawl", "name": {"value": "ik kruip", "synonyms": []}})
    _one(_check(tmp_path, add_choice), "walk_crawl", "hoort bij geen enkele keuze")
