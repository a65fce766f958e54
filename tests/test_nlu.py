"""The offline NLU: built from the interaction model, tolerant of how people really talk."""
from __future__ import annotations

from pathlib import Path

import pytest

from skill.adapters.simulator.evaluate import evaluate, load_examples, run_evaluation
from skill.adapters.simulator.nlu import Nlu, parse_number

ANNOTATIONS = Path(__file__).parent / "nlu" / "annotations.yaml"


def test_the_annotation_set_is_large_enough():
    assert len(load_examples(ANNOTATIONS)) >= 200


def test_intent_accuracy_on_the_independent_set_is_at_least_95_percent(nlu):
    report = evaluate(load_examples(ANNOTATIONS), nlu)
    misses = "\n".join(f"{m.example.text!r}: {m.example.intent} -> {m.intent}" for m in report.misses)
    assert report.accuracy >= 0.95, f"accuracy {report.accuracy:.3f}\n{misses}"


def test_nlu_eval_exits_non_zero_below_the_minimum(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("utterance\tintent\nmoet ik ijs of warmte gebruiken\tMassageIntent\nhelp\tAMAZON.HelpIntent\n", encoding="utf-8")
    assert run_evaluation(bad, min_accuracy=0.9) == 1
    out = capsys.readouterr().out
    assert "50.0%" in out and "verwacht MassageIntent, kreeg IceOrHeatIntent" in out
    assert run_evaluation(bad, min_accuracy=0.5) == 0


def test_tsv_slots_are_read_and_scored(tmp_path, capsys):
    tsv = tmp_path / "set.tsv"
    tsv.write_text("vertel me iets over massage\tTopicIntent\tonderwerp=faq_massage\n", encoding="utf-8")
    assert run_evaluation(tsv) == 0
    assert "Slot-nauwkeurigheid (uitspraken met slots): 100.0%" in capsys.readouterr().out


@pytest.mark.parametrize("utterance, intent", [
    ("Moet ik IJS of warmte gebruiken?!", "IceOrHeatIntent"),            # case and punctuation
    ("eh nou alexa moet ik ijs of warmte gebruiken", "IceOrHeatIntent"),  # fillers
    ("moet ik ijs of warmpte gebruike", "IceOrHeatIntent"),               # recognition slips
    ("hoe lang duurt het herstel van m'n hamstrig", "RecoveryTimeIntent"),
    ("jawel", "AMAZON.YesIntent"),
    ("klopt", "AMAZON.YesIntent"),
    ("hou op", "AMAZON.StopIntent"),
    ("wat kan ik vragen", "AMAZON.HelpIntent"),
    ("nog een keer", "AMAZON.RepeatIntent"),
    ("volgende", "AMAZON.NextIntent"),
    ("terug", "AMAZON.PreviousIntent"),
    ("ga door", "AMAZON.ResumeIntent"),
    ("opnieuw beginnen", "AMAZON.StartOverIntent"),
    ("speel een liedje van de beatles", "AMAZON.FallbackIntent"),
    ("wat kost een brood bij de bakker", "AMAZON.FallbackIntent"),
    ("qwerty asdf", "AMAZON.FallbackIntent"),
])
def test_understands(nlu, utterance, intent):
    assert nlu.understand(utterance).intent == intent


def test_slots_come_with_entity_resolution(nlu):
    result = nlu.understand("vertel me iets over de oorzaken")
    fill = result.slots["onderwerp"]
    assert (result.intent, fill.value, fill.resolved, fill.id, fill.matched) == \
        ("TopicIntent", "de oorzaken", "oorzaken", "causes", True)
    envelope = fill.envelope("amzn1.er-authority.echo-sdk.SKILL")
    authority = envelope["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"][0]["value"] == {"name": "oorzaken", "id": "causes"}
    assert authority["authority"].endswith(".ONDERWERP")


def test_a_synonym_resolves_to_its_canonical_value(nlu):
    fill = nlu.understand("vertel me over foamrollen").slots["onderwerp"]
    assert (fill.value, fill.resolved, fill.id) == ("foamrollen", "massage", "faq_massage")


def test_an_unknown_value_in_a_carrier_phrase_is_sent_unresolved(nlu):
    result = nlu.understand("vertel me over tennisarmen")
    assert result.intent == "TopicIntent"
    fill = result.slots["onderwerp"]
    assert fill.value == "tennisarmen" and not fill.matched
    assert fill.envelope("a")["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_NO_MATCH"


def test_one_shot_invocation_goes_straight_to_the_intent(nlu):
    result = nlu.understand("vraag hamstring hulp of ik ijs of warmte moet gebruiken")
    assert (result.kind, result.intent, result.one_shot) == ("intent", "IceOrHeatIntent", True)
    assert nlu.understand("Alexa, vraag aan hamstringhulp hoe lang herstel duurt").intent == "RecoveryTimeIntent"


@pytest.mark.parametrize("utterance", ["open hamstring hulp", "Alexa, start hamstring hulp", "hamstring hulp"])
def test_launch_phrases(nlu, utterance):
    assert nlu.understand(utterance).kind == "launch"


@pytest.mark.parametrize("spoken, number", [
    ("zeven", 7), ("een zeven", 7), ("ongeveer vijfentwintig", 25), ("eenentwintig", 21), ("nul", 0),
    ("tien", 10), ("12", 12), ("zo'n acht", 8),
])
def test_dutch_number_words(spoken, number):
    assert parse_number(spoken) == number


def test_number_slots_are_filled_from_words():
    model = {"interactionModel": {"languageModel": {"invocationName": "hamstring hulp", "types": [], "intents": [
        {"name": "ScoreIntent", "slots": [{"name": "getal", "type": "AMAZON.NUMBER"}],
         "samples": ["{getal}", "het is een {getal}", "ik geef het een {getal}"]}]}}}
    nlu = Nlu(model)
    assert nlu.understand("het is een zeven").slots["getal"].value == "7"
    assert nlu.understand("negen").slots["getal"].value == "9"
    assert nlu.understand("ik geef het eh een acht").slots["getal"].value == "8"


def test_built_only_from_the_model_a_new_sample_is_understood_at_once():
    model = {"interactionModel": {"languageModel": {"invocationName": "hamstring hulp", "types": [], "intents": [
        {"name": "WeatherIntent", "samples": ["wat voor weer wordt het"]},
        {"name": "AMAZON.FallbackIntent", "samples": []}]}}}
    assert Nlu(model).understand("wat voor weer wordt het").intent == "WeatherIntent"


@pytest.mark.parametrize("text, expected", [
    ("start revalidatie fase twee", {"routine": "rehab_2"}),
    ("start revalidatie fase twee", {"routine": "rehab", "fase": "2"}),
    ("ik wil de tweede fase doen", {"routine": "rehab_2"}),
])
def test_nlu_eval_counts_a_rehab_phase_as_that_routine_either_way_it_is_written(nlu, text, expected):
    from skill.adapters.simulator.evaluate import Example
    report = evaluate([Example(text, "StartRoutineIntent", expected)], nlu)
    assert report.results[0].slots_ok, report.results[0].slots


def test_nlu_eval_still_tells_another_phase_apart(nlu):
    from skill.adapters.simulator.evaluate import Example
    report = evaluate([Example("start revalidatie fase twee", "StartRoutineIntent", {"routine": "rehab_3"})], nlu)
    assert not report.results[0].slots_ok
