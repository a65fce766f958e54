"""The triage engine and its data: validation of broken protocols, and properties over every path."""
from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill import paths
from skill.core.content import load_content
from skill.core.triage import RANK, UNKNOWN
from tests.conftest import assert_reported


@pytest.fixture(scope="module")
def protocol():
    return load_content().triage


def test_every_path_asks_at_most_eight_distinct_questions_and_ends_in_an_outcome(protocol):
    count = 0
    for asked, result in protocol.paths():
        count += 1
        ids = [q for q, _ in asked]
        assert len(ids) <= 8 and len(ids) == len(set(ids)), ids
        assert result is not None
    assert count > 100


def test_every_outcome_and_every_rule_is_reachable(protocol):
    outcomes, rules = set(), set()
    for _, result in protocol.paths():
        outcomes.add(result.outcome)
        rules.add(result.rule.id)
    assert outcomes == set(protocol.outcomes)
    assert rules == {r.id for r in protocol.rules}


@pytest.mark.parametrize("answers", [
    {"calf": True, "thigh": False, "breathless": True},
    {"calf": False, "thigh": True, "breathless": True},
    {"calf": False, "thigh": True, "breathless": False, "out_of_proportion": True},
    {"calf": False, "thigh": False, "nerve": True, "saddle": True},
], ids=["calf_breathless", "thigh_breathless", "compartment", "saddle"])
def test_an_emergency_answer_ends_the_questions_at_once(protocol, answers):
    assert protocol.next_question(answers) is None
    assert protocol.result(answers).urgency == "emergency"


def test_red_flags_are_asked_first(protocol):
    first = protocol.next_question({})
    assert first.id == "calf"
    assert protocol.next_question({"calf": False}).id == "thigh"
    after_no = protocol.next_question({"calf": False, "thigh": False})
    assert after_no.id == "nerve"          # breathlessness only matters with a swollen, red or warm leg
    for swollen in ({"calf": True, "thigh": False}, {"calf": False, "thigh": True}):
        assert protocol.next_question(swollen).id == "breathless", swollen


def _play(protocol, profile):
    """Answers every question the engine asks from a full profile; returns what the skill would
    conclude (at the question limit, rules still open count as unknown)."""
    answers = {}
    while (question := protocol.next_question(answers)) is not None:
        answers[question.id] = profile[question.id]
    return protocol.conclude(answers)


def _profiles(protocol):
    return st.fixed_dictionaries({q.id: st.sampled_from(protocol.answer_domain(q)) for q in protocol.questions})


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_dont_know_never_lowers_urgency(protocol, data):
    """Replacing any definite answer by "weet ik niet" never gives less urgent advice than the least
    urgent definite answer to that question would."""
    profile = data.draw(_profiles(protocol))
    question = data.draw(st.sampled_from(protocol.questions))
    unknown = RANK[_play(protocol, {**profile, question.id: UNKNOWN}).urgency]
    definite = [RANK[_play(protocol, {**profile, question.id: v}).urgency]
                for v in protocol.answer_domain(question) if v != UNKNOWN]
    assert unknown >= min(definite)


EMERGENCY_PROFILES = [
    {"calf": True, "breathless": True},
    {"thigh": True, "breathless": True},
    {"thigh": True, "out_of_proportion": True},
    {"nerve": True, "saddle": True},
    {"onset": "onset_fall", "age": 65, "weight_bearing": "walk_cannot"},
]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_red_flag_answer_is_never_outweighed(protocol, data):
    """Whatever else is answered, a fired emergency rule gives an emergency."""
    profile = data.draw(_profiles(protocol))
    profile.update(data.draw(st.sampled_from(EMERGENCY_PROFILES)))
    assert _play(protocol, profile).urgency == "emergency"


# ---------------------------------------------------------------- broken copies

@pytest.fixture
def broken(broken_copy):
    return lambda old, new: broken_copy("triage.yaml", old, new)


def test_a_rule_about_a_question_that_does_not_exist(broken):
    assert_reported(broken("when: {saddle: true}", "when: {zadel: true}"), "content/triage.yaml, regel", "de vraag 'zadel' bestaat niet")


def test_a_rule_with_a_choice_the_question_does_not_have(broken):
    assert_reported(broken("when: {weight_bearing: walk_limp}", "when: {weight_bearing: walk_slow}"), "'walk_slow' is geen keuze van 'weight_bearing'")


def test_a_rule_pointing_to_a_missing_outcome(broken):
    assert_reported(broken("    outcome: nerve_root\n", "    outcome: zenuw\n"), "de uitkomst 'zenuw' bestaat niet")


def test_an_outcome_no_path_reaches(broken):
    problems = broken("  - id: light_overload\n    estimate:", "  - id: never_reached\n    estimate: >-\n      Deze uitkomst komt nooit voor.\n  - id: light_overload\n    estimate:")
    assert_reported(problems, "'never_reached' wordt door geen enkel gesprek bereikt")


def test_a_question_listed_twice(broken):
    assert_reported(broken("  - id: serious\n", "  - id: history\n"), "de vraag 'history' staat er twee keer in")


def test_a_cycle_between_questions(broken):
    problems = broken("  - id: nerve\n    kind: yes_no\n", "  - id: nerve\n    kind: yes_no\n    ask_if: {saddle: false}\n")
    assert_reported(problems, "kringverwijzing", "nerve", "saddle")


NINE_QUESTIONS = """
max_questions: 8
questions:
""" + "".join(f"""
  - id: q{i}
    kind: yes_no
    ask: Vraag {i}?
    help: Uitleg bij vraag {i}.
    examples: Zeg ja of nee.
""" for i in range(1, 10)) + """
rules:
  - id: all_nine
    when: {""" + ", ".join(f"q{i}: true" for i in range(1, 10)) + """}
    urgency: emergency
    outcome: all_nine
  - id: rest
    when: {}
    urgency: self_care
    outcome: rest
urgencies: {emergency: Bel nu 112., doctor_today: Vandaag., doctor_soon: Binnenkort., physio: Fysio., self_care: Zelf.}
safety_nets: {emergency: Opnieuw 112., doctor_today: Anders 112., doctor_soon: Anders vandaag., physio: Anders huisarts., self_care: Anders huisarts.}
outcomes:
  - {id: all_nine, estimate: Alle negen vragen waren ja.}
  - {id: rest, estimate: Niet alle vragen waren ja.}
"""


def test_a_path_longer_than_eight_questions(tmp_path):
    """A protocol whose longest path would need nine questions still loads: the engine stops at
    eight, and then every rule still open counts as if answered "weet ik niet", so the outcome is
    more urgent than the answers alone would give, and says it is capped."""
    from skill.core.triage import parse_protocol
    from skill.core.validation import load_document

    path = tmp_path / "triage.yaml"
    path.write_text(NINE_QUESTIONS, encoding="utf-8")
    doc, problems = load_document(path)
    assert not problems
    small, problems = parse_protocol(doc)
    assert small is not None and not problems, problems
    lengths = []
    for asked, result in small.paths():
        lengths.append(len(asked))
        assert len(asked) <= 8
    assert max(lengths) == 8
    eight_yes = {f"q{i}": True for i in range(1, 9)}
    assert small.next_question(eight_yes) is None          # q9 is never asked
    settled = small.result(eight_yes)
    assert settled.urgency == "self_care"
    capped = small.conclude(eight_yes)
    assert capped.capped and capped.unsure
    assert capped.urgency == "emergency" and capped.outcome == "all_nine"
    assert RANK[capped.urgency] > RANK[settled.urgency]
    # Below the limit nothing is capped: a "nee" settles it.
    early = small.conclude({"q1": True, "q2": False})
    assert not early.capped and early.urgency == "self_care"


def test_the_real_protocol_concludes_capped_paths_on_the_careful_side(protocol):
    capped = 0
    for asked, result in protocol.paths():
        if result.capped:
            capped += 1
            answers = dict(asked)
            assert len(asked) == protocol.max_questions, asked
            assert result.unsure
            assert RANK[result.urgency] > RANK[protocol.result(answers).urgency], asked
    assert capped > 0


def test_a_yes_no_condition_written_as_text(broken):
    assert_reported(broken("when: {saddle: true}", "when: {saddle: misschien}"), "ja/nee-vraag", "true (ja) of false (nee)")


def test_a_protocol_without_a_default_rule(broken):
    assert_reported(broken("  - id: light_overload\n    when: {}", "  - id: light_overload\n    when: {history: false}"), "de laatste regel heeft geen voorwaarden")


def test_unsafe_text_in_a_question(broken):
    assert_reported(broken("ask: Hoe oud ben je?", "ask: Hoe oud ben je? <18?"), "questions[", ".ask", "'<'")


def test_unsure_advice_more_urgent_than_sure_advice(broken):
    assert_reported(broken("    urgency: doctor_today\n    outcome: thrombosis", "    urgency: doctor_today\n    if_unsure: emergency\n    outcome: thrombosis"),
         "bij twijfel kan het advies niet dringender zijn")


def test_the_readme_shows_the_current_triage_graph():
    from skill.adapters.triage_graph import mermaid

    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert "```mermaid\n" + mermaid(load_content().triage) + "```" in readme, "run make triage-graph: it updates the README too"


def test_the_graph_names_every_question_and_rule(protocol):
    import re

    from skill.adapters.triage_graph import mermaid

    diagram = mermaid(protocol)
    lines = diagram.splitlines()
    assert lines[0] == "flowchart TD"
    for line in lines[1:]:
        assert line.count('"') % 2 == 0, f"unbalanced label quotes: {line}"
    node_ids = {f"q_{q.id}" for q in protocol.questions} | {f"r_{r.id}" for r in protocol.rules} \
        | {f"o_{r.id}" for r in protocol.rules} | {"start", "rules"}
    for line in lines[1:]:
        if "-->" in line or ".->" in line:
            unlabelled = re.sub(r'"[^"]*"', "", line)
            for endpoint in re.findall(r"\b([a-z][a-z0-9_]*)\b", unlabelled):
                if endpoint not in ("style",):
                    assert endpoint in node_ids, f"{endpoint} in {line}"
    for question in protocol.questions:
        assert f"q_{question.id}[" in diagram
    for rule in protocol.rules:
        assert f"r_{rule.id}[" in diagram and f"o_{rule.id}(" in diagram
