"""`hamstring-skill check`: content and interaction model checked together, before Amazon sees them.

Amazon deprecated its utterance conflict detection; this puts the checks editors need in one
command that exits non-zero on any error:
  - content problems (schema, unknown keys, unsafe characters, lengths, placeholders),
  - samples Alexa's model build rejects (digits, punctuation, broken slot references, duplicates),
  - utterance conflicts: the same or a near-identical sample in two intents, slot values included,
  - slot references without a slot, slot types nobody uses or nobody defines,
  - content ids that no intent reaches, intents the skill has no handler for,
  - store listing example phrases that are not samples.
"""
from __future__ import annotations

import bisect
import hashlib
import json

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from skill import paths
from skill.adapters.simulator.nlu import drop_fillers, normalize
from skill.core.validation import ContentError

MODEL_NAME = "interaction_model/nl-NL.json"
REQUIRED_BUILTINS = (
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
)
LAUNCH_WORDS = {"alexa", "open", "start", "vraag", "begin", "stop", "lanceer", "speel", "zeg", "vertel"}
MAX_SAMPLE_CHARS = 200
NEAR_IDENTICAL = 95          # rapidfuzz ratio from which two samples of different intents conflict
MAX_EXPANSIONS = 500         # filled-in variants tried per sample when looking for conflicts

_SLOT = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Finding:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _letters_ok(text: str) -> bool:
    for char in _SLOT.sub(" ", text):
        if char in " '.-":
            continue
        if not unicodedata.category(char).startswith("L"):
            return False
    return True


def check_model(model: dict[str, Any]) -> list[Finding]:
    """Checks on the interaction model alone."""
    found: list[Finding] = []
    try:
        language = model["interactionModel"]["languageModel"]
    except (KeyError, TypeError):
        return [Finding(MODEL_NAME, "dit is geen ASK-interactiemodel (interactionModel.languageModel ontbreekt)")]
    invocation = language.get("invocationName", "")
    where = f"{MODEL_NAME}, invocationName"
    if len(invocation.split()) < 2:
        found.append(Finding(where, f"'{invocation}' moet uit minstens twee woorden bestaan"))
    if invocation != invocation.lower() or not _letters_ok(invocation) or any(c.isdigit() for c in invocation):
        found.append(Finding(where, f"'{invocation}' mag alleen kleine letters, spaties, apostrofs en punten bevatten"))
    if set(invocation.split()) & LAUNCH_WORDS:
        found.append(Finding(where, f"'{invocation}' bevat een startwoord ({', '.join(sorted(set(invocation.split()) & LAUNCH_WORDS))})"))

    names = [intent.get("name", "") for intent in language.get("intents", [])]
    for builtin in REQUIRED_BUILTINS:
        if builtin not in names:
            found.append(Finding(f"{MODEL_NAME}, intents", f"de ingebouwde intent {builtin} ontbreekt"))
    for name in {n for n in names if names.count(n) > 1}:
        found.append(Finding(f"{MODEL_NAME}, intents", f"de intent {name} staat er meer dan eens in"))

    defined_types = {t["name"] for t in language.get("types", [])}
    used_types: set[str] = set()
    for i, intent in enumerate(language.get("intents", [])):
        name = intent.get("name", f"#{i}")
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        used_types.update(slots.values())
        for slot_name, slot_type in slots.items():
            if not slot_type.startswith("AMAZON.") and slot_type not in defined_types:
                found.append(Finding(f"{MODEL_NAME}, {name}.slots.{slot_name}", f"het slottype {slot_type} bestaat niet"))
        samples = intent.get("samples", [])
        if name == "AMAZON.FallbackIntent" and samples:
            found.append(Finding(f"{MODEL_NAME}, {name}", "AMAZON.FallbackIntent mag geen voorbeeldzinnen hebben"))
        seen: dict[str, int] = {}
        for j, sample in enumerate(samples):
            at = f"{MODEL_NAME}, {name}.samples[{j}] '{sample}'"
            found += _sample_problems(at, sample, slots, invocation)
            key = " ".join(sample.lower().split())
            if key in seen:
                found.append(Finding(at, f"staat al eerder in deze intent (samples[{seen[key]}])"))
            seen[key] = j
    for slot_type in sorted(defined_types - used_types):
        found.append(Finding(f"{MODEL_NAME}, types.{slot_type}", "dit slottype wordt door geen enkel slot gebruikt"))
    for t in language.get("types", []):
        found += _type_problems(t)
    found += conflicts(language)
    return found


def _sample_problems(at: str, sample: str, slots: dict[str, str], invocation: str) -> list[Finding]:
    out = []
    if not sample.strip():
        return [Finding(at, "lege voorbeeldzin")]
    if len(sample) > MAX_SAMPLE_CHARS:
        out.append(Finding(at, f"langer dan {MAX_SAMPLE_CHARS} tekens"))
    if any(c.isdigit() for c in sample):
        out.append(Finding(at, "bevat cijfers; Alexa wil getallen uitgeschreven ('twee' in plaats van '2')"))
    if "{" in _SLOT.sub("", sample) or "}" in _SLOT.sub("", sample):
        out.append(Finding(at, "een losse { of }: een slot schrijf je als {naam}"))
    if not _letters_ok(sample):
        bad = sorted({c for c in _SLOT.sub(" ", sample) if c not in " '.-" and not unicodedata.category(c).startswith("L")})
        out.append(Finding(at, f"bevat tekens die Alexa's build weigert: {' '.join(bad)}"))
    for match in _SLOT.finditer(sample):
        name = match.group(1)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            out.append(Finding(at, f"'{{{name}}}' is geen geldige slotnaam"))
        elif name not in slots:
            out.append(Finding(at, f"verwijst naar slot '{{{name}}}', maar de intent heeft dat slot niet"))
        before = sample[match.start() - 1] if match.start() > 0 else " "
        after = sample[match.end()] if match.end() < len(sample) else " "
        if before != " " or after != " ":
            out.append(Finding(at, f"zet spaties om '{{{name}}}'"))
    if sample != sample.lower():
        out.append(Finding(at, "gebruik kleine letters"))
    if invocation and invocation in sample.lower():
        out.append(Finding(at, "bevat de aanroepnaam van de skill"))
    return out


def _type_problems(slot_type: dict[str, Any]) -> list[Finding]:
    out = []
    owner: dict[str, str] = {}
    for value in slot_type.get("values", []):
        vid = value.get("id") or value["name"]["value"]
        for phrase in [value["name"]["value"]] + list(value["name"].get("synonyms", [])):
            key = normalize(phrase)
            where = f"{MODEL_NAME}, types.{slot_type['name']}.{vid}"
            if key in owner and owner[key] != vid:
                out.append(Finding(where, f"'{phrase}' hoort ook bij '{owner[key]}'; Alexa kan dan niet kiezen"))
            owner[key] = vid
            if any(c.isdigit() for c in phrase):
                out.append(Finding(where, f"'{phrase}' bevat cijfers; schrijf getallen uit"))
    return out


def _expansions(sample: str, slots: dict[str, str], types: dict[str, list[str]]) -> list[str]:
    """A sample with its slots filled in by the slot type's values (as Alexa's conflict check did)."""
    variants = [sample]
    for name in _SLOT.findall(sample):
        values = types.get(slots.get(name, ""), [])
        if not values:
            return [v for v in variants if "{" not in v]   # open types (numbers) cannot collide literally
        variants = [v.replace("{" + name + "}", value, 1) for v in variants for value in values][:MAX_EXPANSIONS]
    return variants


_CONFLICTS: dict[str, list[Finding]] = {}     # per model text: the search takes seconds, the model rarely changes


def conflicts(language: dict[str, Any]) -> list[Finding]:
    """Same or near-identical samples in two different intents, slot values filled in."""
    key = hashlib.sha256(json.dumps(language, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    if key not in _CONFLICTS:
        if len(_CONFLICTS) >= 8:
            _CONFLICTS.clear()
        _CONFLICTS[key] = _conflicts(language)
    return list(_CONFLICTS[key])


def _conflicts(language: dict[str, Any]) -> list[Finding]:
    types: dict[str, list[str]] = {}
    for t in language.get("types", []):
        values = []
        for v in t.get("values", []):
            values.append(normalize(v["name"]["value"]))
            values += [normalize(s) for s in v["name"].get("synonyms", [])]
        types[t["name"]] = values
    entries: list[tuple[str, str, str]] = []     # (intent, original sample, normalised expansion)
    for intent in language.get("intents", []):
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            for variant in _expansions(normalize(sample), slots, types):
                entries.append((intent["name"], sample, drop_fillers(variant)))
    found: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    by_text: dict[str, tuple[str, str]] = {}
    for intent, sample, text in entries:
        other = by_text.get(text)
        if other and other[0] != intent and (other[1], sample) not in reported:
            reported.add((other[1], sample))
            found.append(Finding(f"{MODEL_NAME}, {intent}", f"'{sample}' botst met '{other[1]}' van {other[0]} (zelfde zin: '{text}')"))
        by_text.setdefault(text, (intent, sample))
    # Near-identical pairs of different texts, then every pair of entries that carries them, in the
    # order a scan of all pairs by length would report them.
    near = _near_texts({text for _, _, text in entries})
    at: dict[str, list[int]] = {}
    for index, (_, _, text) in enumerate(entries):
        at.setdefault(text, []).append(index)
    order = sorted(range(len(entries)), key=lambda i: (len(entries[i][2]), i))
    rank = {index: position for position, index in enumerate(order)}
    pairs = sorted({tuple(sorted((i, j), key=rank.get)) for a, b in near for i in at[a] for j in at[b]},
                   key=lambda pair: (rank[pair[0]], rank[pair[1]]))
    for first, second in pairs:
        a_, b_ = sorted((first, second))
        (ia, sa, ta), (ib, sb, tb) = entries[a_], entries[b_]
        if ia == ib or ta == tb or (sa, sb) in reported or (sb, sa) in reported:
            continue
        if _only_differ_by_key_word(ta, tb):
            continue
        reported.add((sa, sb))
        found.append(Finding(f"{MODEL_NAME}, {ib}", f"'{sb}' lijkt bijna gelijk op '{sa}' van {ia}; Alexa kan ze verwarren"))
    return found


_NEAR: dict[str, set[str]] = {}      # text -> the texts near-identical to it, among all texts seen so far
_NEAR_SEEN: set[str] = set()


def _near_texts(texts: set[str]) -> set[tuple[str, str]]:
    """Pairs of different texts with fuzz.ratio >= NEAR_IDENTICAL. Near-identity is a property of the
    two texts alone, so what was found once is kept: a model that differs from one checked before
    (every editor's change, every test's broken copy) only compares its new texts. fuzz.ratio >=
    NEAR_IDENTICAL needs lengths within (100 - NEAR_IDENTICAL)% of their sum, so a text is only
    compared with texts of about its own length: the same pairs as all with all."""
    new = sorted(texts - _NEAR_SEEN, key=lambda t: (len(t), t))
    if new:
        old = sorted(_NEAR_SEEN, key=lambda t: (len(t), t))
        old_lengths, new_lengths = [len(t) for t in old], [len(t) for t in new]
        slack = (100 - NEAR_IDENTICAL) / 100
        for position, text in enumerate(new):
            shortest = int(len(text) * (1 - slack) / (1 + slack)) - 1
            longest = int(len(text) * (1 + slack) / (1 - slack)) + 1
            candidates = (old[bisect.bisect_left(old_lengths, shortest):bisect.bisect_right(old_lengths, longest)]
                          + new[position + 1:bisect.bisect_right(new_lengths, longest)])   # each new pair once
            for other, _, _ in process.extract(text, candidates, scorer=fuzz.ratio,
                                               score_cutoff=NEAR_IDENTICAL, limit=None):
                if other != text:
                    _NEAR.setdefault(text, set()).add(other)
                    _NEAR.setdefault(other, set()).add(text)
        _NEAR_SEEN.update(new)
    return {(a, b) for a in texts for b in _NEAR.get(a, ()) if b in texts and a < b}


def _only_differ_by_key_word(a: str, b: str) -> bool:
    """'is m'n hamstring overbelast' and '... gescheurd' differ in the word that matters."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    diff = [(x, y) for x, y in zip(wa, wb) if x != y]
    return len(diff) == 1 and fuzz.ratio(*diff[0]) < 70


def check_reach(model: dict[str, Any], content) -> list[Finding]:
    """Content ids no intent reaches, and slot value ids that name no content."""
    language = model["interactionModel"]["languageModel"]
    intents = {i["name"]: i for i in language.get("intents", [])}
    found: list[Finding] = []
    slot_ids: set[str] = set()
    topic_intent = intents.get("TopicIntent")
    if topic_intent:
        types = {s["type"] for s in topic_intent.get("slots", [])}
        for t in language.get("types", []):
            if t["name"] in types:
                slot_ids |= {v.get("id") for v in t.get("values", [])}
                for v in t.get("values", []):
                    if v.get("id") not in content.topics:
                        found.append(Finding(f"{MODEL_NAME}, types.{t['name']}.{v.get('id')}",
                                             "dit id hoort bij geen enkel onderwerp in content/topics.yaml"))
    for topic in content.topics.values():
        if topic.intent in intents:
            if not intents[topic.intent].get("samples"):
                found.append(Finding(f"content/topics.yaml, {topic.id}", f"de intent {topic.intent} heeft geen voorbeeldzinnen"))
            continue
        if topic.id in slot_ids:
            found.append(Finding(f"content/topics.yaml, {topic.id}",
                                 f"de intent {topic.intent} staat niet in het model; alleen via 'vertel over ...' bereikbaar"))
        else:
            found.append(Finding(f"content/topics.yaml, {topic.id}",
                                 f"geen enkele intent bereikt dit onderwerp: {topic.intent} staat niet in het model"))
    return found


def check_triage(model: dict[str, Any], content) -> list[Finding]:
    """The triage's choices must be what the ChoiceAnswerIntent slot can resolve to, and back."""
    language = model["interactionModel"]["languageModel"]
    intents = {i["name"]: i for i in language.get("intents", [])}
    found: list[Finding] = []
    for needed in ("StartTriageIntent", "DontKnowIntent", "NumberAnswerIntent", "DurationAnswerIntent", "ChoiceAnswerIntent"):
        if needed not in intents:
            found.append(Finding(f"{MODEL_NAME}, intents", f"de intent {needed} ontbreekt; de triage heeft hem nodig"))
    choice_intent = intents.get("ChoiceAnswerIntent")
    if not choice_intent:
        return found
    types = {s["type"] for s in choice_intent.get("slots", [])}
    slot_ids = {v.get("id") for t in language.get("types", []) if t["name"] in types for v in t.get("values", [])}
    choices = {c.id: q.id for q in content.triage.questions for c in q.choices}
    for choice_id, question_id in sorted(choices.items()):
        if choice_id not in slot_ids:
            found.append(Finding(f"content/triage.yaml, {question_id}.choices.{choice_id}",
                                 f"het model kent deze keuze niet; voeg een waarde met id '{choice_id}' en synoniemen toe aan het slottype van ChoiceAnswerIntent"))
    for slot_id in sorted(slot_ids - set(choices)):
        found.append(Finding(f"{MODEL_NAME}, types ({', '.join(sorted(types))}).{slot_id}",
                             "deze waarde hoort bij geen enkele keuze in content/triage.yaml"))
    found += _slot_ids_match(language, intents, "EmergencyIntent", set(content.triage.emergency_signs),
                             "emergency_signs")
    found += _slot_ids_match(language, intents, "StartTriageIntent", set(content.triage.volunteered), "volunteered")
    return found


def _slot_ids_match(language: dict[str, Any], intents: dict[str, Any], intent: str, wanted: set[str],
                    section: str) -> list[Finding]:
    """Every value of the intent's custom slot types has its entry in content/triage.yaml, and back."""
    found: list[Finding] = []
    if intent not in intents:
        if wanted:
            found.append(Finding(f"{MODEL_NAME}, intents", f"de intent {intent} ontbreekt; content/triage.yaml ({section}) heeft hem nodig"))
        return found
    types = {s["type"] for s in intents[intent].get("slots", []) if not s["type"].startswith("AMAZON.")}
    slot_ids = {v.get("id") for t in language.get("types", []) if t["name"] in types for v in t.get("values", [])}
    for slot_id in sorted(slot_ids - wanted):
        found.append(Finding(f"{MODEL_NAME}, types ({', '.join(sorted(types))}).{slot_id}",
                             f"deze waarde staat niet onder {section} in content/triage.yaml"))
    for entry in sorted(wanted - slot_ids):
        found.append(Finding(f"content/triage.yaml, {section}.{entry}",
                             f"het model kent deze waarde niet; voeg een waarde met id '{entry}' toe aan het slottype van {intent}"))
    return found


def check_handlers(model: dict[str, Any], skill) -> list[Finding]:
    """Every intent of the model must be claimed by some handler of the skill."""
    from ask_sdk_core.attributes_manager import AttributesManager
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import RequestEnvelope

    from skill.adapters.simulator.session import Simulator

    handlers = [h for mapper in skill.request_dispatcher.request_mappers
                for chain in mapper.request_handler_chains for h in [chain.request_handler]]
    sim = Simulator(skill, nlu=None)
    sim._new_session()
    found = []
    for intent in model["interactionModel"]["languageModel"].get("intents", []):
        envelope = sim.envelope({"type": "IntentRequest", "intent": {"name": intent["name"], "confirmationStatus": "NONE", "slots": {}}})
        request_envelope = skill.serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        handler_input = HandlerInput(request_envelope=request_envelope,
                                     attributes_manager=AttributesManager(request_envelope=request_envelope))
        # The fallback answers any intent nobody else claims; that does not count as handling it.
        if not any(_claims(h, handler_input) for h in handlers
                   if intent["name"] == "AMAZON.FallbackIntent" or not getattr(h, "answers_unknown_intents", False)):
            found.append(Finding(f"{MODEL_NAME}, {intent['name']}", "geen enkele handler van de skill behandelt deze intent"))
    return found


def _claims(handler, handler_input) -> bool:
    try:
        return bool(handler.can_handle(handler_input))
    except Exception:   # a handler that cannot judge an empty session does not claim it
        return False


def run_checks(content_dir: Path | None = None, model_path: Path | None = None) -> list[Finding]:
    from skill.adapters.ask_package import example_phrase_problems, load_listing
    from skill.core.content import load_content
    from skill.voice.app import build_skill

    findings: list[Finding] = []
    model_path = Path(model_path or paths.model_file())
    try:
        model = json.loads(model_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Finding(MODEL_NAME, "bestand ontbreekt")]
    except json.JSONDecodeError as exc:
        return [Finding(f"{MODEL_NAME}, regel {exc.lineno}", f"geen geldige JSON: {exc.msg}")]
    findings += check_model(model)
    content = None
    try:
        content = load_content(content_dir)
    except ContentError as error:
        findings += [Finding(p.file + (f", regel {p.line}" if p.line else ""), f"{p.key}: {p.message}" if p.key else p.message)
                     for p in error.problems]
    try:
        findings += [Finding(f"{p.file}, {p.key}", p.message) for p in example_phrase_problems(load_listing(content_dir), model)]
    except ContentError as error:
        findings += [Finding(f"{p.file}, {p.key}", p.message) for p in error.problems]
    from skill.adapters import documents
    for name in documents.DOCUMENTS:
        try:
            documents.load(name, content_dir)
        except ContentError as error:
            findings += [Finding(p.file + (f", regel {p.line}" if p.line else ""), f"{p.key}: {p.message}" if p.key else p.message)
                         for p in error.problems]
    if content is not None and "interactionModel" in model:
        findings += check_reach(model, content)
        findings += check_triage(model, content)
        findings += check_handlers(model, build_skill(content))
    return findings


def run_check(content_dir: Path | None = None, model_path: Path | None = None, out=None) -> int:
    out = out or sys.stdout
    findings = run_checks(content_dir, model_path)
    if not findings:
        print("Alles in orde: inhoud en interactiemodel zijn gecontroleerd.", file=out)
        return 0
    print(f"{len(findings)} probleem/problemen gevonden:" if len(findings) != 1 else "1 probleem gevonden:", file=out)
    for finding in findings:
        print(f"  - {finding}", file=out)
    return 1
