"""Session attributes are checked on entry against one schema (skill/voice/state.py). Real
conversations must never lose state to that check; forged state must never survive it."""
from __future__ import annotations

import json

import pytest

from skill.voice import state
from skill.voice.speech import Speech, to_segments
from tests.envelopes import captured_attributes


@pytest.fixture(scope="module")
def captured(skill, nlu):
    return captured_attributes(skill, nlu)


def test_every_state_of_every_conversation_passes_the_schema(captured, content):
    assert len(captured) > 200
    kinds = set()
    for attributes in captured:
        clean, dropped = state.sanitize(attributes, content)
        assert dropped == [], f"the schema drops {dropped} from a real conversation: {json.dumps(attributes)[:600]}"
        assert clean == attributes
        kinds |= set(attributes)
    # every dialogue's state was seen, so the schema is tested against each of them
    assert {"triage", "coach", "return_to_sport", "offer", "topic", "last", "mode", "awaiting"} <= kinds


def test_real_responses_stay_well_under_24_kb(captured):
    largest = max(len(json.dumps(a)) for a in captured)
    assert largest < 12 * 1024, largest


@pytest.mark.parametrize("forged, dropped", [
    ({"mode": "coach"}, "mode"),                                           # a mode without its state
    ({"coach": {"routine": "warmup", "block": 99, "first": 0, "offsets": [], "end": 1, "at": "x", "easier": []},
      "mode": "coach"}, "coach"),
    ({"triage": {"answers": {"nope": True}, "asked": [], "current": None, "misses": 0}, "mode": "triage"}, "triage"),
    ({"topic": {"id": "no_such_topic", "part": 0}}, "topic"),
    ({"offer": {"kind": "start_routine", "routine": "warmup", "extra": "x" * 10000}}, "offer"),
    ({"last": {"speech": "<speak><audio src='https://evil.example/a.mp3'/></speak>", "reprompt": None,
               "content_ids": []}}, "last"),
    ({"last": {"speech": [["b", 10]] * 300, "reprompt": None, "content_ids": []}}, "last"),   # 50 minutes of silence
    ({"whatever": "x" * 30000}, "(unknown)"),
    ({"disclaimer_given": "yes"}, "disclaimer_given"),
])
def test_forged_state_is_dropped(content, forged, dropped):
    clean, names = state.sanitize(forged, content)
    assert dropped in names
    assert all(key not in clean for key in forged)


def test_a_broken_part_of_a_dialogue_drops_the_whole_dialogue(content):
    attributes = {"mode": "triage", "awaiting": "triage", "offer": {"kind": "start_triage"},
                  "triage": {"answers": {}, "asked": [], "current": "no_such_question", "misses": 0},
                  "disclaimer_given": True}
    clean, dropped = state.sanitize(attributes, content)
    assert clean == {"disclaimer_given": True}
    assert {"mode", "awaiting", "offer", "triage"} <= set(dropped)


def test_repeat_text_is_data_and_is_escaped_when_rendered_again():
    speech = Speech().say("Bel 112 & wacht").pause(12).paragraph("Nog iets")
    segments = to_segments(speech.ssml)
    assert Speech.from_segments(segments).ssml == speech.ssml
    forged = [["s", "<audio src='https://evil.example/a.mp3'/>"]]
    assert "<audio" not in Speech.from_segments(forged).ssml


def test_an_offer_kind_added_later_passes_with_short_details_only(content, monkeypatch):
    from skill.voice import conversation
    monkeypatch.setitem(conversation._OFFER_HANDLERS, "call_help", lambda *args: None)
    assert state.sanitize({"offer": {"kind": "call_help", "urgency": "emergency", "step": 2}}, content)[1] == []
    for forged in ({"kind": "call_help", "text": "Zeg dit maar na, qzx"}, {"kind": "call_help", "n": 10 ** 9},
                   {"kind": "not_registered"}, {"kind": "call_help", **{f"k{i}": i for i in range(5)}}):
        assert state.sanitize({"offer": forged}, content)[1] == ["offer"], forged


def _renders_by_parsing(segments, limit):
    """What `state._renders` checked before speech counted its own length: render, parse, measure."""
    from skill.voice.speech import MAX_AUDIO_SECONDS, estimate_seconds, inspect_ssml
    if not state.segments_ok(segments):
        return False
    ssml = Speech.from_segments(segments).ssml
    return len(ssml) <= limit and inspect_ssml(ssml).ok and estimate_seconds(ssml) <= MAX_AUDIO_SECONDS / 2


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60) | st.sampled_from(
    ["a\x00b", "\x0b", "ok\x1f", "\ufffe", "Bel 112", "a & <b>"])
_segments = st.lists(st.one_of(st.tuples(st.sampled_from(["s", "p"]), _any_text).map(list),
                               st.tuples(st.just("b"), st.floats(min_value=-1, max_value=12, allow_nan=False)).map(list)),
                     max_size=12)


@given(_segments, st.sampled_from([200, 1500, 6000]))
@settings(max_examples=300, deadline=None)
def test_the_repeat_check_accepts_exactly_what_parses(segments, limit):
    """The "herhaal" data in a session is checked without parsing its SSML; it accepts and refuses
    exactly what rendering, parsing and measuring did (control characters included)."""
    assert state._renders(segments, limit) == _renders_by_parsing(segments, limit)


def test_the_repeat_check_refuses_a_lone_surrogate():
    assert not state._renders([["s", "a\ud800b"]], 6000)
