"""`hamstring-skill tasks-eval FILE`: whole conversations with a goal each, and how many reach it.

A file holds `conversations: [{name, launch, turns: [...], goal: {...}}]`. Every conversation is
played through the simulator (a new session starts by itself after the skill closes one, as
"Alexa, vraag hamstring hulp ..." would). Goals, all of which must hold:

- content: [topic ids]   each was spoken at some turn
- routine: id            the coach was running that routine at some turn
- urgency: code          the triage advice reached that urgency (a named emergency counts as emergency)
- emergency: true        112 or the spoedeisende hulp was said and the session ended in that turn
- ended: true            the session ended at the last turn
- out_of_scope: true     the skill said it does not cover it, and did not start the triage then
"""
from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, IO

import yaml

from skill.adapters.simulator.session import Simulator, Turn

GOALS = ("content", "routine", "urgency", "emergency", "ended", "out_of_scope")


@dataclass
class Outcome:
    name: str
    missed: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return not self.missed


def load(path: Path) -> list[dict[str, Any]]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    conversations = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(conversations, list):
        raise ValueError(f"{path}: verwacht 'conversations:' met een lijst gesprekken")
    for i, conversation in enumerate(conversations):
        unknown = set(conversation.get("goal") or {}) - set(GOALS)
        if not conversation.get("turns") or not conversation.get("goal") or unknown:
            raise ValueError(f"{path}: gesprek {i + 1} ({conversation.get('name')}) heeft turns en een goal nodig"
                             + (f"; onbekende doelen: {', '.join(sorted(unknown))}" if unknown else ""))
    return conversations


def play(skill, nlu, conversation: dict[str, Any]) -> Outcome:
    sim = Simulator(skill, nlu)
    outcome = Outcome(conversation.get("name", "?"))
    turns: list[Turn] = []
    if conversation.get("launch", True):
        turns.append(sim.launch())
    for utterance in conversation["turns"]:
        turn = sim.say(str(utterance))
        turns.append(turn)
        outcome.transcript.append(f"> {utterance}  [{turn.intent}]\n< {turn.speech}")
    goal = conversation["goal"]
    for topic in goal.get("content") or []:
        if not any(topic in t.content_ids for t in turns):
            outcome.missed.append(f"content {topic}")
    if goal.get("routine") and not any((t.coach or {}).get("routine") == goal["routine"] for t in turns):
        outcome.missed.append(f"routine {goal['routine']}")
    if goal.get("urgency"):
        reached = {t.triage["urgency"] for t in turns if t.triage} | {"emergency" for t in turns if t.emergency}
        if goal["urgency"] not in reached:
            outcome.missed.append(f"urgency {goal['urgency']} (kreeg {', '.join(sorted(reached)) or 'geen advies'})")
    if goal.get("emergency") and not any(
            t.end_session and (t.emergency or (t.triage or {}).get("urgency") == "emergency") for t in turns):
        outcome.missed.append("emergency")
    if goal.get("ended") and not turns[-1].end_session:
        outcome.missed.append("ended")
    if goal.get("out_of_scope") and not any(
            any(c.startswith("out_of_scope") for c in t.content_ids) and t.session_attributes.get("mode") != "triage"
            for t in turns):
        outcome.missed.append("out_of_scope")
    return outcome


def run_tasks(path: Path, skill=None, nlu=None, *, min_success: float | None = None, out: IO[str] = sys.stdout,
              show_misses: bool = True) -> int:
    from skill.adapters.simulator.nlu import default_nlu
    from skill.adapters.storage import SqlitePersistenceAdapter
    from skill.voice.app import build_skill
    nlu = nlu or default_nlu()
    conversations = load(path)
    with tempfile.TemporaryDirectory() as scratch:
        # The coach remembers positions as it does for a real listener: in a store of its own, so the
        # evaluation never touches `make chat`'s. Each conversation is a listener of its own.
        skill = skill or build_skill(persistence_adapter=SqlitePersistenceAdapter(Path(scratch) / "tasks.sqlite"))
        outcomes = [play(skill, nlu, c) for c in conversations]
    reached = sum(o.reached for o in outcomes)
    turns = sum(len(c["turns"]) for c in conversations)
    rate = reached / len(outcomes)
    print(f"Gesprekken: {len(outcomes)}, beurten: {turns}", file=out)
    print(f"Doel bereikt: {reached} van {len(outcomes)} ({rate:.1%})", file=out)
    if show_misses:
        for o in outcomes:
            if not o.reached:
                print(f"\n- {o.name}: gemist {', '.join(o.missed)}", file=out)
                for line in o.transcript:
                    print("    " + line.replace("\n", "\n    "), file=out)
    if min_success is not None and rate < min_success:
        return 1
    return 0
