"""Content loads, and every kind of editing mistake is reported with file, line and key."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill import paths
from skill.core.content import PHRASES, REQUIRED_TOPICS, load_content
from skill.core.validation import ContentError


def test_real_content_loads_with_every_required_topic(content):
    assert set(REQUIRED_TOPICS) <= set(content.topics)
    assert set(PHRASES) == set(content.phrases.texts)


def test_every_spoken_part_fits_in_45_seconds(content):
    for topic in content.topics.values():
        for part in topic.parts:
            assert len(part) <= 600, (topic.id, len(part))
        assert len(topic.short) <= 300


def test_every_topic_offers_more_or_a_related_topic(content):
    for topic in content.topics.values():
        assert topic.more or topic.related, topic.id


@pytest.fixture
def broken(tmp_path):
    """A copy of content/ to break; returns a function that edits a file and loads the copy."""
    copy = tmp_path / "content"
    shutil.copytree(paths.content_dir(), copy)

    def edit(file_name: str, old: str, new: str, count: int = 1) -> ContentError:
        path = copy / file_name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file_name}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            load_content(copy)
        return caught.value

    edit.dir = copy
    return edit


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_unknown_key_is_named_with_file_line_and_a_suggestion(broken):
    error = broken("topics.yaml", "    short:", "    shrt:")
    problem = next(p for p in error.problems if "shrt" in p.message)
    assert problem.file == "content/topics.yaml"
    assert problem.key.endswith(".shrt")
    assert problem.line == _line_of(broken.dir / "topics.yaml", "shrt:")
    assert "bedoel je 'short'" in problem.message
    assert "regel" in str(error)


def test_missing_key_is_named(broken):
    error = broken("topics.yaml", "    related: [overload_vs_tear", "    relatd: [overload_vs_tear")
    assert any(p.key.startswith("topics[") and "'related' ontbreekt" in p.message for p in error.problems)


def test_removing_a_required_topic_is_an_error(broken):
    error = broken("topics.yaml", "id: faq_massage", "id: faq_massage_oud")
    assert any("'faq_massage' ontbreekt" in p.message for p in error.problems)


def test_ssml_unsafe_characters_are_refused(broken):
    error = broken("topics.yaml", "maakt veel uit.", "maakt veel uit & dat is <zo>.")
    messages = [p.message for p in error.problems]
    assert any("'&'" in m and "schrijf 'en'" in m for m in messages)
    assert any("'<'" in m for m in messages)
    assert all(p.line for p in error.problems)


def test_too_long_part_is_refused_with_its_length(broken):
    error = broken("topics.yaml", "maakt veel uit.", "maakt veel uit. " + "Dit is een hele lange zin. " * 30)
    assert any("het maximum is" in p.message for p in error.problems)


def test_short_answer_of_three_sentences_is_refused(broken):
    error = broken("topics.yaml", "maakt veel uit.", "maakt veel uit. Echt waar. Heus.")
    assert any("één of twee" in p.message for p in error.problems)


def test_unknown_related_topic_is_refused(broken):
    text = (broken.dir / "topics.yaml").read_text(encoding="utf-8")
    first_related = text.split("related: [", 1)[1].split("]", 1)[0].split(",")[0].strip()
    error = broken("topics.yaml", f"related: [{first_related}", "related: [bestaat_niet")
    assert any("onbekend onderwerp 'bestaat_niet'" in p.message for p in error.problems)


def test_yaml_syntax_error_names_the_line(broken):
    error = broken("topics.yaml", "  - id: causes", "  - id: causes\n\t  oops: tab")
    assert error.problems[0].line is not None
    assert "tab" in error.problems[0].message


def test_duplicate_key_is_reported(broken):
    error = broken("phrases.yaml", "  goodbye: Tot ziens", "  goodbye: Doei\n  goodbye: Tot ziens")
    assert any("twee keer" in p.message and p.key == "phrases.goodbye" for p in error.problems)


def test_missing_phrase_is_reported(broken):
    error = broken("phrases.yaml", "  goodbye:", "  goodby:")
    messages = [p.message for p in error.problems]
    assert any("'goodbye' ontbreekt" in m for m in messages)
    assert any("onbekende zin 'goodby'" in m for m in messages)


def test_wrong_placeholder_is_reported(broken):
    error = broken("phrases.yaml", "iets horen over {onderwerp}?", "iets horen over {titel}?")
    messages = [p.message for p in error.problems]
    assert any("onbekende invulplek {titel}" in m for m in messages)
    assert any("{onderwerp} ontbreekt" in m for m in messages)


def test_a_number_where_text_belongs_is_explained(broken):
    error = broken("phrases.yaml", "  okay: Oké.", "  okay: 12")
    assert any("hier hoort tekst" in p.message for p in error.problems)


def test_missing_file_is_reported(broken):
    (broken.dir / "phrases.yaml").unlink()
    with pytest.raises(ContentError) as caught:
        load_content(broken.dir)
    assert any(p.file == "content/phrases.yaml" and "ontbreekt" in p.message for p in caught.value.problems)


def test_all_problems_are_reported_at_once(broken):
    path = broken.dir / "phrases.yaml"
    text = path.read_text(encoding="utf-8").replace("  okay: Oké.", "  okay: A & B").replace("  goodbye:", "  goodbey:")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(broken.dir)
    assert len(caught.value.problems) >= 3


def test_a_topic_offering_two_things_at_its_end_is_refused(broken):
    error = broken("topics.yaml", "    offer_triage: true\n", "    offer_triage: true\n    offer_check: true\n")
    problem = next(p for p in error.problems if "hooguit één ding" in p.message)
    assert problem.file == "content/topics.yaml"
    assert problem.key.startswith("topics[") and problem.key.endswith(".offer_triage")
    assert "offer_check en offer_triage" in problem.message
