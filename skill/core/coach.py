"""The exercise coach: routines from content/routines.yaml, turned into timed spoken scripts. Pure Python.

A routine has blocks; a block has exercises that follow each other without a command. The coach
writes each exercise as a list of cues, things to say and pauses, and knows how long every cue
takes at the skill's speaking rate, so the voice layer can keep every response under Alexa's
240 seconds and work out which exercise was playing when the listener interrupts.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

from skill.core.timing import speaking_seconds
from skill.core.validation import Document, Problem, check_schema, check_text

MAX_BLOCK_SECONDS = 240.0
CUE_EVERY_SECONDS = 10            # longest silence without a cue: Alexa's own limit for one pause


# ---------------------------------------------------------------- data

@dataclass(frozen=True)
class Variant:
    name: str
    instruction: str


@dataclass(frozen=True)
class Exercise:
    id: str
    normal: Variant
    easier: Variant
    sides: str = "none"
    sets: int = 1
    reps: int | None = None
    tempo_seconds: float | None = None
    hold_seconds: float | None = None
    duration_seconds: float | None = None
    rest_seconds: float = 0

    def variant(self, easier: bool) -> Variant:
        return self.easier if easier else self.normal


@dataclass(frozen=True)
class Block:
    title: str
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True)
class Routine:
    id: str
    kind: str
    title: str
    intro: str
    outro: str
    blocks: tuple[Block, ...]
    minutes: tuple[float, float]
    phase: int | None = None
    pain_rule: str | None = None      # replaces the general pain rule for this routine

    def exercise_ids(self) -> list[str]:
        return [e.id for b in self.blocks for e in b.exercises]


Cue = tuple[str, Any]            # ("say", text) or ("pause", seconds)


@dataclass(frozen=True)
class Coach:
    routines: Mapping[str, Routine]
    cues: Mapping[str, str]
    pain_rule: str

    def routine(self, routine_id: str) -> Routine:
        return self.routines[routine_id]

    def exercise_ids(self) -> frozenset[str]:
        """Every exercise id of every routine (kept: the session check asks on every coach turn)."""
        ids = self.__dict__.get("_exercise_ids")
        if ids is None:
            ids = self.__dict__["_exercise_ids"] = frozenset(e for r in self.routines.values() for e in r.exercise_ids())
        return ids

    def pain_rule_for(self, routine: Routine) -> str:
        """What is said about pain at the start of a routine: its own rule, else the general one."""
        return routine.pain_rule or self.pain_rule

    def rehab_phase(self, phase: int) -> Routine | None:
        return next((r for r in self.routines.values() if r.kind == "rehab" and r.phase == phase), None)

    # ------------------------------------------------------------ scripts

    def cue(self, key: str, **values: Any) -> str:
        return self.cues[key].format(**values)

    def exercise_script(self, exercise: Exercise, easier: bool = False, announce_easier: bool = False) -> list[Cue]:
        """Everything said and every pause for one exercise, from its name to "goed zo".
        Written once per exercise and variant, then kept (a coach turn asks for every exercise of
        its block); the list is shared, so callers read it and never change it."""
        cache = self.__dict__.setdefault("_scripts", {})     # not a field: not compared, not in repr
        key = (exercise, bool(easier), bool(announce_easier))
        script = cache.get(key)
        if script is None:
            script = cache[key] = self._write_script(exercise, easier, announce_easier)
        return script

    def _write_script(self, exercise: Exercise, easier: bool, announce_easier: bool) -> list[Cue]:
        variant = exercise.variant(easier)
        script: list[Cue] = []
        if announce_easier:
            script.append(("say", self.cue("easier_now", naam=variant.name)))
        else:
            script.append(("say", _sentence(variant.name)))
        script.append(("say", variant.instruction))
        sides = ["first", "second"] if exercise.sides == "each" else [None]
        for side in sides:
            if side == "first":
                script.append(("say", self.cue("first_side")))
            elif side == "second":
                script.append(("say", self.cue("switch_side")))
            for number in range(1, exercise.sets + 1):
                if exercise.sets > 1:
                    script.append(("say", self.cue("set_of", nummer=words(number), totaal=words(exercise.sets))))
                script += self._work(exercise)
                if number < exercise.sets and exercise.rest_seconds:
                    script.append(("say", self.cue("rest", seconden=words(exercise.rest_seconds))))
                    script.append(("pause", float(exercise.rest_seconds)))
        script.append(("say", self.cue("well_done")))
        return script

    def _work(self, exercise: Exercise) -> list[Cue]:
        if exercise.reps is not None:
            out: list[Cue] = [("say", self.cue("begin"))]
            for rep in range(1, exercise.reps + 1):
                counted = _sentence(words(rep))
                if rep == exercise.reps and exercise.reps > 1:
                    counted = self.cue("last_rep") + " " + counted
                out.append(("say", counted))
                out += _pauses(exercise.tempo_seconds or 1)
            return out
        if exercise.hold_seconds is not None:
            return [("say", self.cue("hold"))] + self._countdown(exercise.hold_seconds) + [("say", self.cue("release"))]
        return [("say", self.cue("begin"))] + self._countdown(exercise.duration_seconds) + [("say", self.cue("stop"))]

    def _countdown(self, seconds: float) -> list[Cue]:
        """Silence in steps of at most ten seconds, with "nog ... seconden" at every ten (under 30 s)
        or thirty seconds left, so the listener always knows where they are."""
        out: list[Cue] = []
        remaining = float(seconds)
        for step in _steps(seconds):
            out.append(("pause", step))
            remaining -= step
            if remaining > 0 and (remaining % 30 == 0 or (remaining < 30 and remaining % 10 == 0)):
                out.append(("say", self.cue("seconds_left", seconden=words(remaining))))
        return out


def words(number: float) -> str:
    """Dutch number words for the ear: 20 -> "twintig"."""
    value = int(number) if float(number).is_integer() else number
    known = NUMBER_WORDS.get(value)
    return known if known is not None else _words(value)


# Whole numbers up to this one are said often (counting, seconds left, parts): the compiled
# snapshot carries their words, so a coach turn after a cold start need not import num2words.
COMMON_NUMBERS = 600
NUMBER_WORDS: dict[float, str] = {}


def common_number_words() -> dict[int, str]:
    return {n: _words(n) for n in range(COMMON_NUMBERS + 1)}


@lru_cache(maxsize=1024)
def _words(value: float) -> str:
    # Imported on the first number said: a launch or a topic needs none (num2words costs ~20 ms).
    from num2words import num2words
    return num2words(value, lang="nl")


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _steps(seconds: float) -> list[float]:
    """A silence cut into pauses Alexa accepts: none longer than ten seconds."""
    steps, remaining = [], float(seconds)
    while remaining > 0:
        steps.append(min(CUE_EVERY_SECONDS, remaining))
        remaining -= steps[-1]
    return steps


def _pauses(seconds: float) -> list[Cue]:
    return [("pause", step) for step in _steps(seconds)]


def script_seconds(script: Iterable[Cue]) -> float:
    return sum(speaking_seconds(value) if kind == "say" else float(value) for kind, value in script)


# ---------------------------------------------------------------- loading and validation

def parse_coach(doc: Document) -> tuple[Coach | None, list[Problem]]:

    problems = check_schema(doc, "routines")
    if problems:
        return None, problems
    data = doc.data
    cue_names = {"begin": (), "hold": (), "release": (), "stop": (), "seconds_left": ("seconden",),
                 "switch_side": (), "first_side": (), "last_rep": (), "rest": ("seconden",),
                 "set_of": ("nummer", "totaal"), "easier_now": ("naam",), "well_done": (), "block_start": ("nummer", "titel")}
    cues = {}
    for name, placeholders in cue_names.items():
        if name not in data["cues"]:
            problems.append(doc.problem(("cues",), f"de zin '{name}' ontbreekt"))
            continue
        problems += check_text(doc, ("cues", name), data["cues"][name], 200, frozenset(placeholders))
        cues[name] = " ".join(data["cues"][name].split())
    for name in data["cues"]:
        if name not in cue_names:
            problems.append(doc.problem(("cues", name), f"onbekende zin '{name}'; toegestaan: {', '.join(cue_names)}"))
    problems += check_text(doc, ("pain_rule",), data["pain_rule"], 400)

    routines: dict[str, Routine] = {}
    seen_exercises: dict[str, str] = {}
    for i, raw in enumerate(data["routines"]):
        here = ("routines", i)
        if raw["id"] in routines:
            problems.append(doc.problem(here + ("id",), f"de sessie '{raw['id']}' staat er twee keer in"))
        for key in ("title", "intro", "outro"):
            problems += check_text(doc, here + (key,), raw[key], 600)
        if "pain_rule" in raw:
            problems += check_text(doc, here + ("pain_rule",), raw["pain_rule"], 400)
        if raw["kind"] == "rehab" and "phase" not in raw:
            problems.append(doc.problem(here, "een revalidatiesessie heeft een fase (phase: 1, 2 of 3)"))
        blocks = []
        for j, raw_block in enumerate(raw["blocks"]):
            exercises = []
            for k, ex in enumerate(raw_block["exercises"]):
                at = here + ("blocks", j, "exercises", k)
                kinds = [key for key in ("reps", "hold_seconds", "duration_seconds") if key in ex]
                if len(kinds) != 1:
                    problems.append(doc.problem(at, "geef precies één van reps, hold_seconds of duration_seconds"))
                    continue
                if "reps" in ex and "tempo_seconds" not in ex:
                    problems.append(doc.problem(at, "bij herhalingen hoort tempo_seconds: hoeveel seconden per herhaling"))
                if ex.get("sets", 1) > 1 and not ex.get("rest_seconds"):
                    problems.append(doc.problem(at, "bij meer series hoort rest_seconds: de rust tussen de series"))
                if ex["id"] in seen_exercises:
                    problems.append(doc.problem(at + ("id",), f"de oefening '{ex['id']}' staat ook in '{seen_exercises[ex['id']]}'; geef elke oefening een eigen id"))
                seen_exercises[ex["id"]] = raw["id"]
                for key in ("name", "instruction"):
                    problems += check_text(doc, at + (key,), ex[key], 400)
                    problems += check_text(doc, at + ("easier", key), ex["easier"][key], 400)
                exercises.append(Exercise(
                    ex["id"], Variant(ex["name"].strip(), " ".join(ex["instruction"].split())),
                    Variant(ex["easier"]["name"].strip(), " ".join(ex["easier"]["instruction"].split())),
                    ex.get("sides", "none"), ex.get("sets", 1), ex.get("reps"), ex.get("tempo_seconds"),
                    ex.get("hold_seconds"), ex.get("duration_seconds"), ex.get("rest_seconds", 0)))
            blocks.append(Block(raw_block["title"].strip(), tuple(exercises)))
        routines[raw["id"]] = Routine(raw["id"], raw["kind"], raw["title"].strip(), " ".join(raw["intro"].split()),
                                      " ".join(raw["outro"].split()), tuple(blocks),
                                      (raw["minutes"]["min"], raw["minutes"]["max"]), raw.get("phase"),
                                      " ".join(raw["pain_rule"].split()) if "pain_rule" in raw else None)
    if problems:
        return None, problems
    coach = Coach(routines, cues, " ".join(data["pain_rule"].split()))
    problems += _check_timing(doc, coach)
    phases = sorted(r.phase for r in routines.values() if r.kind == "rehab")
    if phases != [1, 2, 3]:
        problems.append(doc.problem(("routines",), f"er horen revalidatiesessies voor fase 1, 2 en 3 te zijn (nu: {phases})"))
    for kind in ("warmup", "cooldown"):
        if not any(r.kind == kind for r in routines.values()):
            problems.append(doc.problem(("routines",), f"er ontbreekt een sessie van het soort '{kind}'"))
    return (None if problems else coach), problems


# What a block's response says around its exercises, at most: the announcement, and the question
# that follows the block (the routine's intro and the pain rule come on top for the first block).
BLOCK_FRAME_SECONDS = 15.0


def block_overhead_seconds(coach: Coach, routine: Routine, block_index: int) -> float:
    extra = BLOCK_FRAME_SECONDS
    if block_index == 0:
        extra += speaking_seconds(routine.intro) + speaking_seconds(coach.pain_rule_for(routine))
    return extra


def _check_timing(doc: Document, coach: Coach) -> list[Problem]:
    """Each block fits in one response (240 s, both variants); each routine lasts what it says."""
    problems = []
    for i, routine in enumerate(coach.routines.values()):
        total = 0.0
        for j, block in enumerate(routine.blocks):
            for easier in (False, True):
                seconds = sum(script_seconds(coach.exercise_script(e, easier, announce_easier=easier))
                              for e in block.exercises)
                seconds += block_overhead_seconds(coach, routine, j)
                if seconds > MAX_BLOCK_SECONDS:
                    problems.append(doc.problem(("routines", i, "blocks", j),
                                                f"dit onderdeel duurt ongeveer {seconds:.0f} seconden{' (makkelijker)' if easier else ''}; "
                                                f"het maximum is {MAX_BLOCK_SECONDS:.0f}. Verdeel het over twee onderdelen"))
            total += sum(script_seconds(coach.exercise_script(e)) for e in block.exercises)
        low, high = routine.minutes
        if not low * 60 <= total <= high * 60:
            problems.append(doc.problem(("routines", i, "minutes"),
                                        f"de sessie duurt ongeveer {total / 60:.1f} minuten, niet {low:g} tot {high:g}"))
    return problems
