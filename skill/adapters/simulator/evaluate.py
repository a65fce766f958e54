"""`hamstring-skill nlu-eval FILE`: how well the offline NLU understands an annotated set.

The file is YAML (`utterances: [{text, intent, slots: {name: id or value}}]`) or TSV
(`utterance<TAB>intent<TAB>slot=value,slot=value`, a header line allowed). Reports intent
accuracy, precision and recall per intent, slot accuracy and every miss.
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml

from skill.adapters.simulator.nlu import Nlu, default_nlu
from skill.voice.slots import phase_named


@dataclass
class Example:
    text: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    example: Example
    intent: str
    slots: dict[str, str]

    @property
    def intent_ok(self) -> bool:
        return self.intent == self.example.intent

    @property
    def slots_ok(self) -> bool:
        return all(self.slots.get(k) == str(v) for k, v in self.example.slots.items())


@dataclass
class Report:
    results: list[Result]

    @property
    def accuracy(self) -> float:
        return sum(r.intent_ok for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def slot_accuracy(self) -> float | None:
        with_slots = [r for r in self.results if r.example.slots]
        if not with_slots:
            return None
        return sum(r.intent_ok and r.slots_ok for r in with_slots) / len(with_slots)

    def per_intent(self) -> dict[str, tuple[float | None, float | None, int]]:
        """intent -> (precision, recall, support)."""
        predicted = Counter(r.intent for r in self.results)
        expected = Counter(r.example.intent for r in self.results)
        correct = Counter(r.intent for r in self.results if r.intent_ok)
        table = {}
        for intent in sorted(set(predicted) | set(expected)):
            precision = correct[intent] / predicted[intent] if predicted[intent] else None
            recall = correct[intent] / expected[intent] if expected[intent] else None
            table[intent] = (precision, recall, expected[intent])
        return table

    @property
    def misses(self) -> list[Result]:
        return [r for r in self.results if not (r.intent_ok and r.slots_ok)]


def load_examples(path: Path) -> list[Example]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".tsv", ".txt"):
        examples = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if number == 1 and cells[0].strip().lower() in ("utterance", "text", "uitspraak"):
                continue
            if len(cells) < 2:
                raise ValueError(f"{path}, regel {number}: verwacht 'uitspraak<TAB>intent[<TAB>slot=waarde,...]'")
            slots = {}
            if len(cells) > 2 and cells[2].strip():
                for pair in cells[2].split(","):
                    name, _, value = pair.partition("=")
                    slots[name.strip()] = value.strip()
            examples.append(Example(cells[0].strip(), cells[1].strip(), slots))
        return examples
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    items = data.get("utterances", data) if isinstance(data, dict) else data
    examples = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "text" not in item or "intent" not in item:
            raise ValueError(f"{path}, item {i}: verwacht 'text' en 'intent'")
        examples.append(Example(str(item["text"]), item["intent"], {k: str(v) for k, v in (item.get("slots") or {}).items()}))
    return examples




def _one_routine(slots: dict[str, str], phases: dict[str, str]) -> dict[str, str]:
    """"revalidatie fase twee" (routine rehab, fase 2) starts the routine rehab_2: counted as that
    routine on either side of the comparison, whichever way it was written."""
    if slots.get("routine") in (None, "rehab") and str(slots.get("fase")) in phases:
        slots["routine"] = phases[str(slots.pop("fase"))]
    return slots


def evaluate(examples: list[Example], nlu: Nlu | None = None) -> Report:
    from skill.adapters.snapshot import production_content
    nlu = nlu or default_nlu()
    content = production_content()                  # what the simulator speaks from
    by_topic = {topic.id: topic.intent for topic in content.topics.values()}
    phases = {str(r.phase): r.id for r in content.coach.routines.values() if r.kind == "rehab"}   # "2" -> "rehab_2"
    by_intent = {intent: topic for topic, intent in by_topic.items()}
    results = []
    for example in examples:
        understanding = nlu.understand(example.text)
        intent = "LaunchRequest" if understanding.kind == "launch" else (understanding.intent or "-")
        slots = {}
        for name, fill in understanding.slots.items():
            if fill.value is not None:
                slots[name] = fill.id if fill.id is not None else fill.value
        # "vertel over {onderwerp}" with a topic named is answered as that topic's own intent: both
        # count as the topic's intent with its id as "onderwerp", on either side of the comparison.
        if intent == "TopicIntent" and slots.get("onderwerp") in by_topic:
            intent = by_topic[slots["onderwerp"]]
        elif intent in by_intent:
            slots.setdefault("onderwerp", by_intent[intent])
        spoken = understanding.slots.get("routine")
        if slots.get("routine") == "rehab" and "fase" not in slots and spoken is not None:
            phase = phase_named(spoken.value)       # "de tweede fase", read as the handler reads it
            if phase is not None:
                slots["fase"] = str(phase)
        slots = _one_routine(slots, phases)
        wanted = example
        if example.slots:
            wanted = Example(example.text, example.intent, _one_routine(dict(example.slots), phases))
        if example.intent == "TopicIntent" and example.slots.get("onderwerp") in by_topic:
            wanted = Example(example.text, by_topic[example.slots["onderwerp"]], example.slots)
        results.append(Result(wanted, intent, slots))
    return Report(results)


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def print_report(report: Report, out: IO[str] | None = None) -> None:
    out = out or sys.stdout
    print(f"Uitspraken: {len(report.results)}", file=out)
    print(f"Intent-nauwkeurigheid: {_pct(report.accuracy)}", file=out)
    if report.slot_accuracy is not None:
        print(f"Slot-nauwkeurigheid (uitspraken met slots): {_pct(report.slot_accuracy)}", file=out)
    print("\nPer intent:            precisie  recall  aantal", file=out)
    for intent, (precision, recall, support) in report.per_intent().items():
        print(f"  {intent:<28} {_pct(precision)}  {_pct(recall)}  {support:5d}", file=out)
    misses = report.misses
    print(f"\nMissers ({len(misses)}):", file=out)
    for miss in misses:
        expected = miss.example.intent + (f" {miss.example.slots}" if miss.example.slots else "")
        got = miss.intent + (f" {miss.slots}" if miss.slots else "")
        print(f"  - '{miss.example.text}': verwacht {expected}, kreeg {got}", file=out)


def run_evaluation(path: Path, min_accuracy: float | None = None, out: IO[str] | None = None) -> int:
    out = out or sys.stdout
    report = evaluate(load_examples(path))
    print_report(report, out)
    if min_accuracy is not None and report.accuracy < min_accuracy:
        print(f"\nTe laag: {_pct(report.accuracy).strip()} is minder dan de vereiste {_pct(min_accuracy).strip()}.", file=out)
        return 1
    return 0
