"""The skill's knowledge, loaded from `content/` and validated before anything is spoken.

Pure Python: no Alexa imports. `load_content()` either returns a complete, checked `Content` or
raises `ContentError` listing every problem with file, line and key.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from skill import paths
from skill.core.validation import (MAX_PART_CHARS, ContentError, Document, Problem, check_schema, check_text,  # noqa: F401
                                   load_document)

# The content ids the skill promises to answer (issue "core skill"). Editors may add topics;
# these may not disappear.
REQUIRED_TOPICS = (
    "symptoms", "causes", "overload_vs_tear", "when_to_get_help", "recovery_time", "prevention",
    "approach", "faq_keep_training", "faq_best_exercises", "faq_ice_or_heat",
    "faq_keeps_coming_back", "faq_return_to_sport", "faq_stiff_hips", "faq_massage",
)

# Every fixed phrase the code may ask for, with the placeholders its text must use.
# The texts themselves live in content/phrases.yaml.
PHRASES: dict[str, frozenset[str]] = {key: frozenset(names) for key, names in {
    "welcome": (),
    "disclaimer": (),
    "launch_options": (),
    "launch_reprompt": (),
    "more_prompt": (),
    "more_reprompt": (),
    "offer_related": ("onderwerp",),
    "offer_related_reprompt": ("onderwerp",),
    "anything_else": (),
    "anything_else_reprompt": (),
    "okay": (),
    "okay_short": (),
    "ask_away": (),
    "launch_options_back": (),
    "help": (),
    "help_reprompt": (),
    "goodbye": (),
    "fallback": (),
    "fallback_reprompt": (),
    "not_understood": (),
    "unknown_topic": (),
    "start_over": (),
    "nothing_to_repeat": (),
    "nothing_to_continue": (),
    "no_previous_part": (),
    "pause": (),
    "answer_without_question": (),
    "triage_intro": (),
    "triage_unsure": (),
    "triage_steps_intro": (),
    "triage_steps_until": (),
    "triage_no_diagnosis": (),
    "triage_capped": (),
    "triage_capped_details": (),
    "triage_details_offer": (),
    "triage_details_reprompt": (),
    "emergency_end": (),
    "emergency_unsure": (),
    "out_of_scope_body": (),
    "out_of_scope_medication": (),
    "out_of_scope_tape": (),
    "out_of_scope_other": (),
    "out_of_scope_reprompt": (),
    "triage_resume": (),
    "triage_stopped": (),
    "triage_help_commands": (),
    "triage_first_question": (),
    "triage_back": (),
    "triage_restart": (),
    "triage_already": (),
    "triage_interim": (),
    "triage_back_to_question": (),
    "triage_goodbye": (),
    "triage_not_understood": (),
    "triage_counted_unknown": (),
    "triage_offer_resume": (),
    "welcome_back": (),
    "memory_unavailable": (),
    "memory_discarded": (),
    "coach_block_done": ("nummer", "titel"),
    "coach_block_reprompt": ("titel",),
    "coach_resume": ("sessie", "nummer", "titel"),
    "coach_resume_exercise": (),
    "coach_finished": (),
    "coach_finished_reprompt": (),
    "coach_all_done": (),
    "coach_which_phase": (),
    "coach_which_phase_reprompt": (),
    "coach_phase_help": (),
    "coach_unknown_routine": (),
    "coach_nothing_to_resume": (),
    "coach_resume_from_start": (),
    "coach_skipped": ("oefening",),
    "coach_first_exercise": (),
    "coach_easier_next": ("titel",),
    "coach_time_left": ("minuten",),
    "coach_time_left_short": (), "coach_time_left_one": (),
    "coach_go_on": (),
    "coach_back_in": ("oefening",),
    "coach_help": (),
    "coach_restart": (),
    "coach_stopped_home": (),
    "coach_paused": (),
    "coach_stopped": (),
    "coach_stopped_home_done": (),
    "coach_stopped_home_rehab": (),
    "coach_paused_rehab": ("fase", "nummer"),
    "coach_stopped_rehab": ("fase", "nummer"),
    "coach_rehab_not_kept": (),
    "coach_no_such_part": ("aantal",),
    "coach_stopped_home_unsaved": (),
    "coach_paused_unsaved": (),
    "coach_stopped_unsaved": (),
    "coach_not_running": (),
    "coach_offer_resume": ("sessie", "nummer"),
    "coach_offer_start": ("sessie",),
    "delete_confirm": (),
    "delete_done": (),
    "delete_failed": (),
    "delete_kept": (),
    "rts_answer_hint": (),
    "rts_offer": (),
    "symptom_check_offer": (),
    "rts_back_to_question": (),
    "error": (),
    "error_reprompt": (),
}.items()}

MAX_SHORT_SENTENCES = 2

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@dataclass(frozen=True)
class Topic:
    id: str
    intent: str
    title: str
    short: str
    more: tuple[str, ...]
    related: tuple[str, ...]
    offer_routine: str | None = None     # offered at the end: a coach routine ("rehab_1")
    offer_check: bool = False            # offered at the end: the return-to-sport check
    offer_triage: bool = False           # offered at the end: the questions about your complaints

    @property
    def parts(self) -> tuple[str, ...]:
        """Everything the skill can say about the topic: the short answer, then each further part."""
        return (self.short,) + self.more


@dataclass(frozen=True)
class Phrases:
    texts: Mapping[str, str]

    def __call__(self, key: str, **values: Any) -> str:
        text = self.texts[key]
        return text.format(**values) if PHRASES.get(key) else text


@dataclass(frozen=True)
class Content:
    topics: Mapping[str, Topic]
    phrases: Phrases
    extras: Mapping[str, Any] = field(default_factory=dict)   # triage protocol, routines, ...

    @property
    def coach(self):
        """The exercise coach and its routines (skill.core.coach.Coach)."""
        return self.extras["coach"]

    @property
    def return_to_sport(self):
        """The return-to-sport check (skill.core.return_to_sport.ReturnToSport)."""
        return self.extras["return_to_sport"]

    @property
    def triage(self):
        """The triage protocol (skill.core.triage.Protocol)."""
        return self.extras["triage"]

    def topic_for_intent(self, intent_name: str) -> Topic | None:
        for topic in self.topics.values():
            if topic.intent == intent_name:
                return topic
        return None

    def all_texts(self, topic_id: str) -> str:
        return " ".join(self.topics[topic_id].parts)


def _parse_topics(doc: Document) -> tuple[dict[str, Topic], list[Problem]]:
    problems = check_schema(doc, "topics")
    if problems:
        return {}, problems
    topics: dict[str, Topic] = {}
    for i, raw in enumerate(doc.data["topics"]):
        here = ("topics", i)
        if raw["id"] in topics:
            problems.append(doc.problem(here + ("id",), f"het id '{raw['id']}' komt al eerder voor"))
            continue
        problems += check_text(doc, here + ("title",), raw["title"], 60)
        problems += check_text(doc, here + ("short",), raw["short"], 300)
        sentences = len(_SENTENCE_END.findall(raw["short"].strip()))
        if sentences > MAX_SHORT_SENTENCES:
            problems.append(doc.problem(here + ("short",), f"het korte antwoord heeft {sentences} zinnen; houd het bij één of twee en zet de rest onder 'more'"))
        for j, part in enumerate(raw["more"]):
            problems += check_text(doc, here + ("more", j), part)
        topics[raw["id"]] = Topic(raw["id"], raw["intent"], raw["title"].strip(), raw["short"].strip(),
                                  tuple(p.strip() for p in raw["more"]), tuple(raw["related"]),
                                  raw.get("offer_routine"), bool(raw.get("offer_check", False)),
                                  bool(raw.get("offer_triage", False)))
        offers = [key for key in ("offer_routine", "offer_check", "offer_triage") if raw.get(key)]
        if len(offers) > 1:
            problems.append(doc.problem(here + (offers[1],), f"een onderwerp biedt aan het eind hooguit één ding aan; kies uit {' en '.join(offers)}"))
    index = {raw["id"]: i for i, raw in reversed(list(enumerate(doc.data["topics"])))}   # first occurrence
    intents: dict[str, str] = {}
    for topic in topics.values():
        i = index[topic.id]
        if topic.intent in intents:
            problems.append(doc.problem(("topics", i, "intent"), f"de intent {topic.intent} hoort al bij '{intents[topic.intent]}'"))
        intents[topic.intent] = topic.id
        for j, other in enumerate(topic.related):
            if other == topic.id:
                problems.append(doc.problem(("topics", i, "related", j), "een onderwerp kan niet naar zichzelf verwijzen"))
            elif other not in topics:
                problems.append(doc.problem(("topics", i, "related", j), f"onbekend onderwerp '{other}'"))
    for required in REQUIRED_TOPICS:
        if required not in topics:
            problems.append(doc.problem(("topics",), f"het onderwerp '{required}' ontbreekt; de skill belooft het te kunnen beantwoorden"))
    return topics, problems


def _parse_phrases(doc: Document) -> tuple[Phrases, list[Problem]]:
    problems = check_schema(doc, "phrases")
    if problems:
        return Phrases({}), problems
    texts = doc.data["phrases"]
    for key in PHRASES:
        if key not in texts:
            problems.append(doc.problem(("phrases",), f"de zin '{key}' ontbreekt"))
    for key, text in texts.items():
        if key not in PHRASES:
            problems.append(doc.problem(("phrases", key), f"onbekende zin '{key}'; de skill gebruikt hem nergens"))
            continue
        problems += check_text(doc, ("phrases", key), text, placeholders=PHRASES[key])
    return Phrases({k: " ".join(v.split()) for k, v in texts.items()}), problems


def load_content(directory: Path | None = None) -> Content:
    """Load and check all content. Raises ContentError listing every problem."""
    directory = Path(directory or paths.content_dir())
    problems: list[Problem] = []

    def load(name: str) -> Document | None:
        doc, found = load_document(directory / name, shown_as=f"content/{name}")
        problems.extend(found)
        return doc

    topics: dict[str, Topic] = {}
    phrases = Phrases({})
    topics_doc = load("topics.yaml")
    if topics_doc is not None:
        topics, found = _parse_topics(topics_doc)
        problems += found
    doc = load("phrases.yaml")
    if doc is not None:
        phrases, found = _parse_phrases(doc)
        problems += found
    extras: dict[str, Any] = {}
    doc = load("routines.yaml")
    if doc is not None:
        from skill.core.coach import parse_coach
        extras["coach"], found = parse_coach(doc)
        problems += found
    routine_ids = list(extras["coach"].routines) if extras.get("coach") else None
    doc = load("triage.yaml")
    if doc is not None:
        from skill.core.triage import parse_protocol
        extras["triage"], found = parse_protocol(doc, topic_ids=topics, routine_ids=routine_ids)
        problems += found
    doc = load("return_to_sport.yaml")
    if doc is not None:
        from skill.core.return_to_sport import parse_return_to_sport
        extras["return_to_sport"], found = parse_return_to_sport(doc, routine_ids)
        problems += found
    if topics_doc is not None and routine_ids is not None:
        for i, raw in enumerate(topics_doc.data.get("topics", [])):
            wanted = raw.get("offer_routine") if isinstance(raw, dict) else None
            if wanted and wanted not in routine_ids:
                problems.append(topics_doc.problem(("topics", i, "offer_routine"), f"onbekende oefensessie '{wanted}'"))
    if problems:
        raise ContentError(problems)
    return Content(topics, phrases, extras)


@lru_cache(maxsize=4)
def cached_content(directory: str | None = None) -> Content:
    return load_content(Path(directory) if directory else None)
