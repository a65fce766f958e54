"""Routines as spoken: durations from the SSML within the stated range, Alexa's limits in every
response, and validation of broken routine files."""
from __future__ import annotations


import pytest

from skill.adapters.simulator.session import Simulator
from skill.adapters.storage import SqlitePersistenceAdapter
from skill.core.timing import CHARS_PER_SECOND
from skill.voice.app import build_skill
from skill.voice.handlers.coach import EASIER
from skill.voice.speech import MAX_AUDIO_SECONDS, MAX_BREAK_SECONDS, estimate_seconds, inspect_ssml
from tests.conftest import assert_reported
from tests.rules import assert_response_rules

START = {"warmup": "start de warming-up", "cooldown": "start de cooling-down", "rehab_1": "fase een",
         "rehab_2": "doe mijn revalidatie oefeningen fase twee", "rehab_3": "start fase drie"}


def _walk(sim: Simulator, routine_id: str, content, one_shot: bool = True):
    """The whole routine, saying only "verder" between blocks. Returns every coach response."""
    turns = [sim.say(f"vraag hamstring hulp {START[routine_id]}" if one_shot else START[routine_id])]
    while content.phrases("coach_finished") not in turns[-1].speech:
        turns.append(sim.say("verder"))
        assert len(turns) < 20
    return turns


def test_speaking_rate_is_stated():
    assert CHARS_PER_SECOND == 14.0          # about 150 Dutch words a minute; see skill/core/timing.py


@pytest.mark.parametrize("routine_id", list(START))
def test_each_routine_lasts_what_it_says(routine_id, skill, nlu, content):
    routine = content.coach.routine(routine_id)
    sim = Simulator(skill, nlu)
    turns = _walk(sim, routine_id, content)
    assert len(turns) == len(routine.blocks)
    for number, (turn, block) in enumerate(zip(turns, routine.blocks), 1):
        assert block.title in turn.speech
        assert_response_rules(turn)
    seconds = sum(estimate_seconds(turn.ssml) for turn in turns)
    low, high = routine.minutes
    assert low * 60 <= seconds <= high * 60, f"{routine_id}: {seconds / 60:.1f} min, stated {low}-{high}"
    assert routine.outro in turns[-1].speech and not turns[-1].end_session
    assert "Onderdeel" not in turns[-1].speech.split(routine.blocks[-1].title, 1)[1]
    done = sim.say("verder")                         # after the last block: done, nothing to resume
    assert done.end_session and "Je bent klaar" in done.speech
    assert "Zal ik verdergaan met" not in sim.launch().speech


@pytest.mark.parametrize("routine_id", list(START))
def test_the_easier_variant_also_keeps_alexas_limits(routine_id, content, nlu, tmp_path):
    store = SqlitePersistenceAdapter(tmp_path / "store.sqlite")
    sim = Simulator(build_skill(content, persistence_adapter=store), nlu)
    everything = content.coach.routine(routine_id).exercise_ids()
    sim.launch()
    sim.attributes[EASIER] = everything          # "makkelijker" said for every exercise, this session
    turns = _walk(sim, routine_id, content, one_shot=False)
    easier_names = [e.easier.name for b in content.coach.routine(routine_id).blocks for e in b.exercises]
    spoken = " ".join(t.speech for t in turns)
    for name in easier_names:
        assert name[:1].upper() + name[1:] in spoken or name in spoken
    for turn in turns:
        report = inspect_ssml(turn.ssml)
        assert report.ok and all(b <= MAX_BREAK_SECONDS for b in report.breaks)
        assert estimate_seconds(turn.ssml) <= MAX_AUDIO_SECONDS


def test_counting_uses_dutch_number_words_and_cues(skill, nlu):
    turn = Simulator(skill, nlu).say("vraag hamstring hulp start de warming-up")
    for cue in ("Begin maar.", "Nog dertig seconden.", "Laatste. Zestien.", "Goed zo.", "En stop."):
        assert cue in turn.speech, cue
    second = Simulator(skill, nlu)
    second.say("start de warming-up")
    assert "Wissel van been." in second.say("verder").speech


# ---------------------------------------------------------------- broken routine files

@pytest.fixture
def broken(broken_copy):
    return lambda old, new: broken_copy("routines.yaml", old, new)


def test_a_block_longer_than_one_response(broken):
    assert_reported(broken("            duration_seconds: 60\n", "            duration_seconds: 200\n"),
         "content/routines.yaml, regel", "routines[0].blocks[0]", "het maximum is 240")


def test_a_routine_outside_its_stated_minutes(broken):
    assert_reported(broken("    minutes: {min: 8, max: 12}", "    minutes: {min: 15, max: 20}"), "routines[0].minutes", "niet 15 tot 20")


def test_an_exercise_with_both_reps_and_a_hold(broken):
    assert_reported(broken("            reps: 16\n            tempo_seconds: 1\n", "            reps: 16\n            tempo_seconds: 1\n            hold_seconds: 10\n"),
         "precies één van reps, hold_seconds of duration_seconds")


def test_a_cue_with_a_wrong_placeholder(broken):
    assert_reported(broken("  seconds_left: Nog {seconden} seconden.", "  seconds_left: Nog {tijd} seconden."),
         "cues.seconds_left", "onbekende invulplek {tijd}")


def test_a_missing_easier_variant(broken):
    assert_reported(broken("            easier:\n              name: stevig wandelen\n              instruction: Wandel stevig door, met grote passen.\n", ""),
         "de sleutel 'easier' ontbreekt")


def test_a_comma_inside_flow_braces_is_explained(broken):
    assert_reported(broken("            easier:\n              name: stevig wandelen\n              instruction: Wandel stevig door, met grote passen.\n",
                "            easier: {name: stevig wandelen, instruction: Wandel stevig door, met grote passen.}\n"),
         "tekst na een komma binnen { }")


def test_a_routine_of_its_own_pain_rule_is_checked_like_the_general_one(broken):
    assert_reported(broken("    pain_rule: >-\n      Alles gaat pijnvrij. Doet", "    pain_rule: >-\n      Alles gaat pijnvrij & doet"),
                    "content/routines.yaml, regel", ".pain_rule", "schrijf 'en'")
