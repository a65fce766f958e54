"""The return-to-sport check: criteria in order, the first one not met says what to work on. Pure Python."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from skill.core.validation import Document, Problem, check_schema, check_text


@dataclass(frozen=True)
class Criterion:
    id: str
    ask: str
    help: str
    work_on: str
    offer_routine: str | None = None


@dataclass(frozen=True)
class ReturnToSport:
    intro: str
    criteria: tuple[Criterion, ...]
    ready: str
    not_ready: str
    decide_together: str

    def next_criterion(self, met: int) -> Criterion | None:
        """After `met` criteria answered "ja", the next one to ask, or None when all are met."""
        return self.criteria[met] if met < len(self.criteria) else None


def parse_return_to_sport(doc: Document, routine_ids: Iterable[str] | None) -> tuple[ReturnToSport | None, list[Problem]]:

    problems = check_schema(doc, "return_to_sport")
    if problems:
        return None, problems
    data = doc.data
    flat = lambda text: " ".join(text.split())   # noqa: E731
    for key in ("intro", "ready", "not_ready", "decide_together"):
        problems += check_text(doc, (key,), data[key])
    criteria, seen = [], set()
    routines = set(routine_ids) if routine_ids is not None else None
    for i, raw in enumerate(data["criteria"]):
        if raw["id"] in seen:
            problems.append(doc.problem(("criteria", i, "id"), f"het criterium '{raw['id']}' staat er twee keer in"))
        seen.add(raw["id"])
        for key in ("ask", "help", "work_on"):
            problems += check_text(doc, ("criteria", i, key), raw[key], 400)
        if raw.get("offer_routine") and routines is not None and raw["offer_routine"] not in routines:
            problems.append(doc.problem(("criteria", i, "offer_routine"), f"onbekende oefensessie '{raw['offer_routine']}'"))
        criteria.append(Criterion(raw["id"], flat(raw["ask"]), flat(raw["help"]), flat(raw["work_on"]), raw.get("offer_routine")))
    if problems:
        return None, problems
    return ReturnToSport(flat(data["intro"]), tuple(criteria), flat(data["ready"]), flat(data["not_ready"]),
                         flat(data["decide_together"])), []
