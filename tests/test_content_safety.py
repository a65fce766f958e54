"""Content files are refused quickly and clearly when they are hostile or broken: a YAML alias
bomb is refused before anything is built from it, and parser errors name the right line in Dutch."""
from __future__ import annotations

import re
import time

from skill.core.validation import load_document
from tests.conftest import assert_reported

BOMB = """phrases:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_an_alias_bomb_is_refused_within_a_second(broken_copy):
    started = time.monotonic()
    problems = broken_copy("phrases.yaml", "phrases:\n", BOMB + "  x_rest:\n    ")
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"{elapsed:.2f} s"            # the point of this test: it used to hang for minutes
    assert_reported(problems, "content/phrases.yaml, regel 7", "anker of -verwijzing")   # the first line of the bomb


def test_an_anchor_is_refused_even_when_harmless(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: &naam tekst\nb: *naam\n", encoding="utf-8")
    doc, problems = load_document(path, "x.yaml")
    assert doc is None
    assert [p.line for p in problems] == [1, 2]


def test_an_unclosed_quote_is_reported_where_it_opens_in_dutch(broken_copy):
    problems = broken_copy("phrases.yaml", "  welcome: Welkom bij Hamstring Hulp.", '  welcome: "Welkom bij Hamstring Hulp.')
    assert len(problems) == 1
    assert_reported(problems, "content/phrases.yaml, regel 7", "aanhalingsteken")
    assert not re.search(r"\b(while|scanning|found|expected|stream)\b", problems[0])


def test_parser_messages_are_dutch(tmp_path):
    broken = ["a: [1, 2\nb: 3\n", "a:\n  - x\n - y\n", "a: b: c\n", "a: \"\\q\"\n", "a:\n\tb: 1\n", "a: |\n x\ny\n z\n"]
    for number, text in enumerate(broken):
        path = tmp_path / f"{number}.yaml"
        path.write_text(text, encoding="utf-8")
        doc, problems = load_document(path, path.name)
        assert doc is None and len(problems) == 1, text
        message = str(problems[0])
        assert "YAML kan niet gelezen worden" in message and "regel" in message, message
        assert not re.search(r"\b(while|scanning|found|expected|mapping|could not)\b", message), message
