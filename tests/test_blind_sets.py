"""The blind sets for understanding, written by helpers who had not seen the interaction model, the
triage protocol or the tests, from personas (athletes, older walkers, a parent for a teen, people who
hedge, people who volunteer information, people who pause and come back, questions the skill does not
cover, emergencies said in the middle of something else). Nine rounds, each written fresh:

| round | conversations (turns) | utterances | first run, before anyone looked at the misses |
|---|---|---|---|
| tests/blind/  | 79 (383) | 353 | tasks 81.0%, utterances 90.1% |
| tests/blind2/ | 85 (392) | 382 | tasks 51.8%, utterances 83.5% |
| tests/blind3/ | 77 (399) | 362 | tasks 83.1%, utterances 85.6% (emergencies 63.6%) |
| tests/blind4/ | 69 (350) | 336 | tasks 75.4%, utterances 84.2% (emergencies 85.7%) |
| tests/blind5/ | 67 (337) | 362 | tasks 88.1%, utterances 92.3% (emergencies 19 of 22) |
| tests/blind6/ | 68 (339) | 385 | tasks 82.4%, utterances 90.9% (emergencies 23 of 24) |
| tests/blind7/ | 64 (345) | 374 | tasks 92.2%, utterances 94.7% (emergencies 21 of 22) |
| tests/blind8/ | 69 (335) | 385 | tasks 92.8%, utterances 95.6% (emergencies all heard) |
| tests/blind9/ | 66 (413) | 377 | tasks 95.5%, utterances 95.2% (emergencies all heard) |

Each round was run once as it came, then the skill was improved while looking at its misses; so only
a round's first run is a blind figure. Round 9 was written at the same time as round 7 and kept
unread until it was run, last. The floors below guard what has been reached since (the figures now
are printed by `hamstring-skill tasks-eval` and `hamstring-skill nlu-eval`), so understanding can
only get better. The target is 95% on a fresh set.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from skill.adapters.simulator.evaluate import evaluate, load_examples
from skill.adapters.simulator.tasks import load, play

HERE = Path(__file__).parent
# (folder, floor for whole conversations, floor for single utterances)
ROUNDS = [("blind", 0.97, 0.97), ("blind2", 0.98, 0.96), ("blind3", 0.97, 0.96), ("blind4", 0.95, 0.95),
          ("blind5", 0.98, 0.95), ("blind6", 1.0, 0.95), ("blind7", 1.0, 0.98), ("blind8", 1.0, 0.98),
          ("blind9", 1.0, 0.98)]


@pytest.mark.parametrize("folder, floor", [(r[0], r[1]) for r in ROUNDS])
def test_the_blind_conversations_reach_their_goal(skill, nlu, folder, floor):
    conversations = load(HERE / folder / "conversations.yaml")
    assert len(conversations) >= 60 and sum(len(c["turns"]) for c in conversations) >= 300
    outcomes = [play(skill, nlu, c) for c in conversations]
    rate = sum(o.reached for o in outcomes) / len(outcomes)
    missed = "\n".join(f"{o.name}: {', '.join(o.missed)}" for o in outcomes if not o.reached)
    assert rate >= floor, f"{rate:.1%}\n{missed}"


@pytest.mark.parametrize("folder, floor", [(r[0], r[2]) for r in ROUNDS])
def test_the_blind_utterances_are_understood(nlu, folder, floor):
    examples = load_examples(HERE / folder / "utterances.yaml")
    assert len(examples) >= 200
    report = evaluate(examples, nlu)
    assert report.accuracy >= floor, f"accuracy {report.accuracy:.3f}"


def test_every_emergency_in_the_blind_utterances_is_heard(nlu):
    """Safety is not a percentage: every utterance a blind writer labelled as an emergency is heard
    as one, in every round."""
    missed = []
    for folder, _, _ in ROUNDS:
        for example in load_examples(HERE / folder / "utterances.yaml"):
            if example.intent == "EmergencyIntent" and nlu.understand(example.text).intent != "EmergencyIntent":
                missed.append(f"{folder}: {example.text}")
    assert not missed, "\n".join(missed)
