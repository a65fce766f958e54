"""The SSML renderer: any text becomes valid SSML, pauses never exceed Alexa's limits."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.voice.speech import MAX_BREAK_SECONDS, Speech, estimate_seconds, inspect_ssml, plain_text

printable = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=300)


@given(printable)
@settings(max_examples=200)
def test_any_text_renders_to_valid_ssml_and_reads_back_the_same(text):
    speech = Speech().say(text)
    report = inspect_ssml(speech.ssml)
    assert report.ok, report.problems
    assert plain_text(speech.ssml) == " ".join(text.split())


@given(st.floats(min_value=0.001, max_value=600, allow_nan=False))
def test_long_pauses_are_split_into_breaks_of_at_most_ten_seconds(seconds):
    ssml = Speech().say("klaar").pause(seconds).say("en door").ssml
    report = inspect_ssml(ssml)
    assert report.ok, report.problems
    assert all(b <= MAX_BREAK_SECONDS for b in report.breaks)
    assert abs(sum(report.breaks) - seconds) < 0.01


def test_markup_characters_are_escaped_not_interpreted():
    ssml = Speech().say('5 < 6 & "7" > 3').ssml
    assert "&lt;" in ssml and "&amp;" in ssml
    assert inspect_ssml(ssml).ok


def test_the_checker_catches_what_alexa_refuses():
    assert not inspect_ssml("<speak>hallo <blink>x</blink></speak>").ok
    assert not inspect_ssml('<speak><break time="11s"/></speak>').ok
    assert not inspect_ssml("<speak>niet gesloten").ok
    assert not inspect_ssml("<p>geen speak</p>").ok
    assert not inspect_ssml("<speak>" + "a" * 8000 + "</speak>").ok
    assert inspect_ssml('<speak><amazon:effect name="whispered">zacht</amazon:effect></speak>').ok


def test_plain_text_shows_pauses_for_readers():
    ssml = Speech().say("Houd vast.").pause(25).say("Klaar.").ssml
    assert plain_text(ssml) == "Houd vast. [pauze 25 s] Klaar."
    assert plain_text(Speech().say("a").pause(1.5).ssml) == "a [pauze 1,5 s]"


def test_duration_estimate_counts_text_and_pauses():
    ssml = Speech().say("x" * 140).pause(20).ssml
    assert 29 < estimate_seconds(ssml) < 31


def test_the_emergency_number_is_spoken_digit_by_digit():
    ssml = Speech().say("Bel nu 112.").ssml
    assert '<sub alias="één één twee">112</sub>' in ssml
    assert inspect_ssml(ssml).ok
    assert plain_text(ssml) == "Bel nu 112."
    assert "sub" not in Speech().say("Kamer 1120 of 2112.").ssml


_segment = st.one_of(
    st.tuples(st.just("s"), st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
              | st.sampled_from(["Bel 112 nu.", "a & b < c > d", "  spaties\tEN\nregels ", ""])),
    st.tuples(st.just("p"), printable),
    st.tuples(st.just("b"), st.floats(min_value=0.001, max_value=25, allow_nan=False)),
)


@given(st.lists(_segment, max_size=25), st.lists(_segment, max_size=5))
@settings(max_examples=200, deadline=None)
def test_speech_counts_its_own_length_as_estimate_seconds_reads_it(segments, more):
    """The coach reads `Speech.seconds` while it builds a block instead of parsing the SSML again;
    the count must be the parse's figure exactly, and speech built this way is always valid SSML
    (the session check of "herhaal" relies on that)."""
    out = Speech.from_segments(segments).extend(Speech.from_segments(more))
    assert out.seconds == estimate_seconds(out.ssml)
    assert inspect_ssml(out.ssml).ok or len(out.ssml) > 8000


@given(st.lists(_segment, min_size=1, max_size=25), st.lists(_segment, max_size=3))
@settings(max_examples=200, deadline=None)
def test_the_fast_reader_of_speech_reads_what_the_xml_parser_reads(segments, lead):
    """`to_segments` scans what `Speech` writes (every turn keeps its speech for "herhaal"); it
    must give the XML parser's result, also for speech with a disclaimer put in front of it."""
    from skill.voice.speech import _scan_segments, _to_segments_xml, to_segments
    ssml = Speech.from_segments(segments).ssml
    if lead:
        ssml = Speech.from_segments(lead).ssml.removesuffix("</speak>") + " " + ssml.removeprefix("<speak>")
    assert _scan_segments(ssml) == _to_segments_xml(ssml)
    kept = to_segments(ssml)
    kept.append(["s", "changed by the caller"])
    assert to_segments(ssml) == _to_segments_xml(ssml), "a caller's change does not reach what is kept"


def test_the_fast_reader_hands_other_markup_to_the_xml_parser():
    from skill.voice.speech import _scan_segments, _to_segments_xml, to_segments
    for ssml in ['<speak>Een <emphasis level="strong">twee</emphasis> drie</speak>',
                 '<speak><p>a <sub alias="x">b</sub> c</p><break strength="strong"/>d &#233;&amp;</speak>',
                 "<speak>zo <break time='2s'/> door</speak>"]:
        assert _scan_segments(ssml) == to_segments(ssml) == _to_segments_xml(ssml)


def test_a_coach_script_is_spoken_the_same_from_the_cache(content):
    """`Speech.of_cues` keeps the speech of a script; what it gives is what saying the cues gives."""
    coach = content.coach
    for exercise in coach.routine("warmup").blocks[1].exercises:
        script = coach.exercise_script(exercise)
        for skip in (0, 2):
            fresh = Speech()
            for kind, value in script[skip:]:
                fresh.say(value) if kind == "say" else fresh.pause(value)
            for _ in range(2):
                kept = Speech.of_cues(script, skip)
                assert kept.ssml == fresh.ssml and kept.seconds == fresh.seconds
