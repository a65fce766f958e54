"""Patient vignettes played through the simulator, as a listener would answer.

A vignette is a patient profile: how the person answers each triage question in their own words
(`answers`, by question id) and the urgency a careful clinician expects (`expect`). The runner
answers whatever the skill asks, so a vignette also shows how many questions its path takes and
which rule decided. Used by the tests and by `hamstring-skill clinical-basis`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from skill import paths
from skill.adapters.simulator.session import Simulator, Turn

VIGNETTE_DIR = paths.ROOT / "tests" / "triage"
FILES = {"team": "vignettes.yaml", "blind": "vignettes_blind.yaml"}
MAX_TURNS = 20


class VignetteError(AssertionError):
    """The conversation went wrong before an outcome: a question not understood, or asked twice."""


@dataclass
class Played:
    triage: dict[str, Any]        # the outcome trace: urgency, grade, red_flags (and sign for a named emergency)
    asked: list[str]              # question ids, in the order asked
    decided_by: str               # the rule id, or "sign:<id>" when the listener named an emergency
    sim: Simulator


def load(kind: str, directory: Path = VIGNETTE_DIR) -> list[dict[str, Any]]:
    return yaml.load((directory / FILES[kind]).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["vignettes"]


def play(skill, nlu, protocol, vignette: dict[str, Any],
         each_turn: Callable[[Turn], None] = lambda turn: None) -> Played:
    """Plays one vignette; `protocol` (content.triage) names the rule that decided."""
    sim = Simulator(skill, nlu)
    if vignette.get("launch", True):
        sim.launch()
    turn = sim.say(vignette.get("start", "ik heb pijn aan m'n hamstring"))
    asked: list[str] = []
    while turn.triage is None:
        each_turn(turn)
        if turn.end_session and turn.emergency:
            # The listener named an emergency in an answer ("ja, ik ben benauwd"): 112 at once.
            trace = {"urgency": "emergency", "grade": None, "red_flags": [], "sign": turn.emergency}
            return Played(trace, asked, f"sign:{turn.emergency}", sim)
        state = turn.session_attributes.get("triage")
        if not state:
            raise VignetteError(f"the triage stopped without an outcome: {turn.speech}")
        current = state["current"]
        if current not in vignette["answers"]:
            raise VignetteError(f"asked {current!r}, which the vignette does not answer ({turn.speech})")
        if len(asked) >= MAX_TURNS:
            raise VignetteError(f"no outcome after {MAX_TURNS} answers; {current!r} keeps being asked")
        asked.append(current)
        turn = sim.say(str(vignette["answers"][current]))
    each_turn(turn)
    answers = (turn.session_attributes.get("triage") or {}).get("answers", {})
    return Played(turn.triage, asked, protocol.conclude(answers, asked=len(asked)).rule.id, sim)
