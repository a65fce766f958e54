"""Utterances the console offers as buttons, taken from data rather than written here.

- During the triage: how the team's patient vignettes (tests/triage/vignettes.yaml) answered the
  question being asked, most common first, so a reviewer can click a whole triage through.
- During a routine: the coach's commands, the first phrasing of each intent.
- Otherwise: the store listing's example phrases, each topic intent's first sample, starting every
  routine (the ROUTINE slot values), the triage and the return-to-sport check.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

COACH_INTENTS = ("AMAZON.NextIntent", "AMAZON.RepeatIntent", "EasierIntent", "SkipIntent", "TimeLeftIntent",
                 "AMAZON.PreviousIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.StopIntent")
GENERAL_INTENTS = ("AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.RepeatIntent", "AMAZON.HelpIntent",
                   "AMAZON.StopIntent")
START_INTENTS = ("StartTriageIntent", "ReturnToSportCheckIntent", "DeleteDataIntent")
MAX_ANSWERS = 6


@lru_cache(maxsize=4)
def _phrasebook(model_path: str) -> dict[str, Any]:
    """First samples per intent (interaction model and the offline NLU's built-in phrasings)."""
    from skill.adapters.simulator.nlu import load_builtins, load_model
    language = load_model(Path(model_path))["interactionModel"]["languageModel"]
    first: dict[str, str] = {name: phrases[0] for name, phrases in load_builtins().items() if phrases}
    for intent in language["intents"]:
        plain = [s for s in intent.get("samples", []) if "{" not in s]
        if plain:
            first.setdefault(intent["name"], plain[0])     # built-ins: the plain word ("ja") first
    routine_samples = next((i.get("samples", []) for i in language["intents"] if i["name"] == "StartRoutineIntent"), [])
    routine_sample = next((s for s in routine_samples if s.count("{") == 1 and "{routine}" in s), None)
    routines = next((t["values"] for t in language.get("types", []) if t["name"] == "ROUTINE"), [])
    start_routines = [routine_sample.replace("{routine}", v["name"]["value"]) for v in routines] if routine_sample else []
    return {"first": first, "start_routines": start_routines, "invocation": language["invocationName"]}


@lru_cache(maxsize=2)
def _vignette_answers(directory: str) -> dict[str, list[str]]:
    from skill.adapters.simulator import vignettes
    counts: dict[str, Counter] = {}
    for vignette in vignettes.load("team", Path(directory)):
        for question, answer in (vignette.get("answers") or {}).items():
            counts.setdefault(question, Counter())[str(answer)] += 1
    return {question: [text for text, _ in counter.most_common(MAX_ANSWERS)] for question, counter in counts.items()}


def _listing_phrases(content_dir: Path, invocation: str) -> list[str]:
    """The store's example phrases as a listener says them to the simulator ("vraag hamstring hulp ...")."""
    import yaml
    try:
        listing = yaml.safe_load((content_dir / "listing.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    out = []
    for phrase in listing.get("example_phrases") or []:
        text = str(phrase).strip()
        if text.lower().startswith("alexa,"):
            text = text[len("alexa,"):].strip()
        out.append(text)
    return out


def suggestions(view: dict[str, Any] | None, content, model_path: Path, content_dir: Path,
                vignette_dir: Path) -> list[dict[str, str]]:
    book = _phrasebook(str(model_path))
    first = book["first"]
    out: list[dict[str, str]] = []

    def add(group: str, text: str | None) -> None:
        if text and not any(s["text"] == text for s in out):
            out.append({"group": group, "text": text})

    state = (view or {}).get("triage_state") or {}
    in_session = bool(view) and not view.get("end_session")
    if in_session and state.get("current") and not view.get("triage"):
        for answer in _vignette_answers(str(vignette_dir)).get(state["current"], []):
            add("Antwoorden", answer)
        add("Antwoorden", first.get("DontKnowIntent"))
    if in_session and view.get("coach") and view.get("mode") == "coach":
        for intent in COACH_INTENTS:
            add("Oefenen", first.get(intent))
    if in_session:
        for intent in GENERAL_INTENTS:
            add("Algemeen", first.get(intent))
    for text in _listing_phrases(content_dir, book["invocation"]):
        add("Voorbeeldzinnen", text)
    add("Beginnen", first.get("StartTriageIntent"))
    for text in book["start_routines"]:
        add("Beginnen", text)
    add("Beginnen", first.get("ReturnToSportCheckIntent"))
    if content is not None:
        for topic in content.topics.values():
            add("Onderwerpen", first.get(topic.intent))
    return out
