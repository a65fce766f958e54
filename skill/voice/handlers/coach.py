"""The hands-free coach: speaks a routine block by block, and answers commands at any moment.

A response holds one block (at most 240 s of speech and pauses). When the listener interrupts
("Alexa, herhaal"), the time between the response and the new request says which exercise was
playing, so every command works in the middle of an exercise as well as between blocks.
The position is kept in the session; for the warm-up and the cooling-down also, through the
persistence adapter, across sessions. A rehab phase and the easier variants stay in the session:
they would say something about the listener's health (skill.voice.memory). Across sessions the
listener names the phase again, and may name the part to start at ("fase twee, begin bij onderdeel drie").
"""
from __future__ import annotations

from datetime import datetime, timezone

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.core.coach import Routine, script_seconds, words
from skill.core.content import Content
from skill.voice import conversation as conv
from skill.core.timing import speaking_seconds
from skill.voice import memory
from skill.voice.conversation import anything_else, ask, close, expect_answer, offer_handler, session, set_offer
from skill.voice.slots import phase_in_words, resolved_id, whole_number_value
from skill.voice.speech import Speech
from skill.voice.handlers.triage import wrap_up

MODE = "coach"
PHASE_MODE = "coach_phase"        # waiting for "fase een, twee of drie"
STATE = "coach"
TOLD_MEMORY = "memory_told"
PLACE = "coach_place"            # session: where the listener was, for "ga verder" in this session
EASIER = "coach_easier"          # session: exercises done the easier way in this session
FROM_BLOCK = "coach_from_block"  # session: the part named before the phase ("begin bij onderdeel drie")

PLAYED = "coach_played"          # request attribute: this turn's response was the coach speaking

COMMANDS = ("AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "SkipIntent", "EasierIntent",
            "TimeLeftIntent", "AMAZON.PauseIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
            "AMAZON.HelpIntent", "AMAZON.FallbackIntent", "AMAZON.ResumeIntent", "ResumeRoutineIntent",
            "AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent", "AMAZON.YesIntent", "AMAZON.NoIntent")
GO_ON = ("AMAZON.ResumeIntent", "ResumeRoutineIntent", "AMAZON.YesIntent")   # carry on with the exercise


def in_coach(handler_input: HandlerInput) -> bool:
    return session(handler_input).get(conv.MODE) == MODE


def _now(handler_input: HandlerInput) -> datetime:
    stamp = handler_input.request_envelope.request.timestamp
    if stamp is None:
        return datetime.now(timezone.utc)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------- playing a block

def play(handler_input: HandlerInput, content: Content, routine: Routine, block: int, first: int = 0,
         lead: Speech | None = None, easier_now: tuple[str, ...] = (), intro: bool = False,
         announce: bool | None = None, first_cue: int = 0, back_in: bool = True) -> Response:
    """Speaks block `block` of the routine from exercise `first`, and asks to go on after it.

    `intro` adds the routine's introduction and the pain rule (at the start); `announce` names the
    block first (by default when the block is played from its first exercise)."""
    coach = content.coach
    phrase = content.phrases
    attrs = session(handler_input)
    previous = attrs.get(STATE) if attrs.get(STATE, {}).get("routine") == routine.id else None
    out = Speech()
    if attrs.get(conv.MODE) == "triage":            # leaving a triage: what it found so far first
        out.extend(wrap_up(handler_input, content))
    conv.enter_mode(handler_input, MODE)
    handler_input.attributes_manager.request_attributes[PLAYED] = True
    easier = set((previous or {}).get("easier", [])) | set(_preferred_easier(handler_input)) | set(easier_now)
    conv.disclaimer_due(handler_input, content, out)   # a one-shot start: the disclaimer first, and timed
    if lead:
        out.extend(lead)
    if intro:
        out.say(routine.intro, coach.pain_rule_for(routine))
    spec = routine.blocks[block]
    if announce if announce is not None else first == 0:
        out.say(coach.cue("block_start", nummer=words(block + 1), titel=spec.title))
    offsets = []
    for index in range(first, len(spec.exercises)):
        exercise = spec.exercises[index]
        script = coach.exercise_script(exercise, exercise.id in easier, announce_easier=exercise.id in easier_now)
        skip = first_cue if index == first else 0
        if skip and back_in:                       # back into the exercise where the listener was
            out.say(phrase("coach_back_in", oefening=exercise.variant(exercise.id in easier).name))
        offsets.append(out.seconds)
        out.extend(Speech.of_cues(script, skip))
    # Where the listener is, for the next request: the block's exercises start at `offsets` and end
    # at `end`; after that the block is over. Stored, it is the place to resume when the session
    # breaks off; once the block has been heard to the end (session_ended), it becomes the next block.
    attrs[STATE] = {"routine": routine.id, "block": block, "first": first, "cue": first_cue, "offsets": offsets,
                    "end": out.seconds, "at": _now(handler_input).isoformat(),
                    "easier": sorted(easier)}
    _save_position(handler_input, routine, block, first, out, content)
    if block + 1 < len(routine.blocks):
        following = routine.blocks[block + 1]
        out.say(phrase("coach_block_done", nummer=words(block + 2), titel=following.title))
        return ask(handler_input, out, phrase("coach_block_reprompt", titel=following.title))
    # The last block: the session stays open, so "herhaal" or "pauze" still work while it plays.
    out.say(routine.outro, phrase("coach_finished"))
    return ask(handler_input, out, phrase("coach_finished_reprompt"))


def _easier_now(handler_input: HandlerInput) -> set[str]:
    return set((session(handler_input).get(STATE) or {}).get("easier", [])) | set(_preferred_easier(handler_input))


def _preferred_easier(handler_input: HandlerInput) -> list[str]:
    return list(session(handler_input).get(EASIER, []))


def stored(routine: Routine) -> bool:
    """Only positions in the warm-up and the cooling-down are kept across sessions."""
    return routine.kind in memory.STORED_ROUTINE_KINDS


def _save_position(handler_input: HandlerInput, routine: Routine, block: int | None, exercise: int | None,
                   out: Speech | None, content: Content) -> bool:
    """Keeps the place in this session, and stores it for the warm-up and the cooling-down. When
    storing fails, says so once into `out` (if given). True when nothing failed."""
    place = None if block is None else {"routine": routine.id, "block": block, "exercise": exercise}
    if place is None:
        session(handler_input).pop(PLACE, None)
    else:
        session(handler_input)[PLACE] = place
    if not stored(routine):
        return True
    coach = None if place is None else dict(place, kind=routine.kind)
    if memory.remember(handler_input, coach=coach):
        return True
    if out is not None:
        _tell_memory_failed(handler_input, out, content)
    return False


def _forget_position(handler_input: HandlerInput, routine: Routine) -> None:
    """The routine is done: nothing to resume, in this session or the next."""
    session(handler_input).pop(PLACE, None)
    if stored(routine):
        memory.remember(handler_input, coach=None)


def _tell_memory_failed(handler_input: HandlerInput, out: Speech, content: Content) -> None:
    attrs = session(handler_input)
    if not attrs.get(TOLD_MEMORY):
        attrs[TOLD_MEMORY] = True
        out.say(content.phrases("memory_unavailable"))


def where(handler_input: HandlerInput, content: Content) -> tuple[Routine, int, int | None]:
    """(routine, block, exercise) now: the exercise that was playing, or None when the block is over."""
    state = session(handler_input)[STATE]
    routine = content.coach.routine(state["routine"])
    if "frozen" in state:                 # the coach was interrupted by something else; still there
        return routine, state["block"], state["frozen"]
    elapsed = (_now(handler_input) - datetime.fromisoformat(state["at"])).total_seconds()
    if elapsed >= state["end"] or not state["offsets"]:
        return routine, state["block"], None
    index = state["first"]
    for k, offset in enumerate(state["offsets"]):
        if elapsed >= offset:
            index = state["first"] + k
    return routine, state["block"], index


def cue_now(handler_input: HandlerInput, content: Content) -> int:
    """How far into the playing exercise the listener is: the index of the cue that was playing, so a
    question in between ("hoe lang nog", "help") can go back to that point rather than to the start."""
    state = session(handler_input)[STATE]
    if "frozen" in state:
        return int(state.get("frozen_cue") or 0)
    routine, block, exercise = where(handler_input, content)
    if exercise is None:
        return 0
    k = exercise - state["first"]
    if not 0 <= k < len(state["offsets"]):
        return 0
    elapsed = (_now(handler_input) - datetime.fromisoformat(state["at"])).total_seconds() - state["offsets"][k]
    spec = routine.blocks[block].exercises[exercise]
    script = content.coach.exercise_script(spec, spec.id in set(state.get("easier", [])))
    start = int(state.get("cue") or 0) if k == 0 else 0
    played = 0.0
    for index in range(start, len(script)):
        kind, value = script[index]
        played += speaking_seconds(value) if kind == "say" else float(value)
        if played > elapsed:
            return index
    return max(len(script) - 1, 0)


def freeze_if_interrupted(handler_input: HandlerInput, content: Content) -> None:
    """Something other than the coach answered while a block was playing (a question about ice,
    say): keep the place it had reached, so "verder" or "herhaal" afterwards still fit."""
    attrs = session(handler_input)
    state = attrs.get(STATE)
    if (attrs.get(conv.MODE) != MODE or not state or "frozen" in state
            or handler_input.attributes_manager.request_attributes.get(PLAYED)):
        return
    if state.get("routine") not in content.coach.routines:
        conv.leave_mode(handler_input, STATE)
        return
    state["frozen_cue"] = cue_now(handler_input, content)
    state["frozen"] = where(handler_input, content)[2]


def session_ended(handler_input: HandlerInput, content: Content) -> None:
    """The session closed while coaching. A block heard to the end counts as done."""
    attrs = session(handler_input)
    state = attrs.get(STATE)
    if attrs.get(conv.MODE) != MODE or not state or state.get("routine") not in content.coach.routines:
        return
    routine, block, exercise = where(handler_input, content)
    if exercise is None and stored(routine):
        following = block + 1 if block + 1 < len(routine.blocks) else None
        memory.remember(handler_input, coach=None if following is None else
                        {"routine": routine.id, "kind": routine.kind, "block": following, "exercise": 0})


def remaining_seconds(content: Content, routine: Routine, block: int, exercise: int | None) -> float:
    """Time left in the routine from this point, at the skill's speaking rate."""
    coach = content.coach
    total = 0.0
    for b, spec in enumerate(routine.blocks):
        for e, ex in enumerate(spec.exercises):
            if b > block or (b == block and exercise is not None and e >= exercise):
                total += script_seconds(coach.exercise_script(ex))
    return total


# ---------------------------------------------------------------- starting and resuming

def start_routine(handler_input: HandlerInput, content: Content, routine: Routine, lead: Speech | None = None,
                  block: int = 0) -> Response:
    """From the start, or from the start of part `block` (counted from 0) when the listener named one.
    Nothing about a rehab phase is stored, whoever chose it (the listener, or an offer after a triage)."""
    session(handler_input).pop(STATE, None)
    session(handler_input).pop(FROM_BLOCK, None)
    return play(handler_input, content, routine, block, 0, lead, intro=True)   # the pain rule also from a later part


def _position(handler_input: HandlerInput, content: Content) -> dict | None:
    """Where to resume: this session's place first, else a stored warm-up or cooling-down position."""
    coach = content.coach
    place = session(handler_input).get(PLACE)
    if place and place.get("routine") in coach.routines:
        return place
    kept = memory.recall(handler_input, "coach")
    if kept and kept.get("routine") in coach.routines and stored(coach.routine(kept["routine"])):
        return kept
    return None


def resume(handler_input: HandlerInput, content: Content, wanted: str | None = None) -> Response | None:
    """Picks up where the listener was; None when there is nothing to resume."""
    position = _position(handler_input, content)
    coach = content.coach
    if position is None:
        return None
    routine = coach.routine(position["routine"])
    if wanted and not _same_kind(routine, wanted):
        return None
    block = min(position["block"], len(routine.blocks) - 1)
    exercise = min(position.get("exercise") or 0, len(routine.blocks[block].exercises) - 1)
    spec = routine.blocks[block]
    lead = Speech().say(content.phrases("coach_resume", sessie=routine.title, nummer=words(block + 1), titel=spec.title))
    if exercise:
        lead.say(content.phrases("coach_resume_exercise"))
    return play(handler_input, content, routine, block, exercise, lead, announce=False)


def _same_kind(routine: Routine, wanted: str) -> bool:
    return routine.id == wanted or routine.kind == wanted


def pick_routine(handler_input: HandlerInput, content: Content) -> tuple[Routine | None, str | None]:
    """The routine the listener named, or (None, "rehab") when a phase is still needed. A part
    named on its own ("begin bij onderdeel drie") means the routine running in this session."""
    coach = content.coach
    kind = resolved_id(handler_input, "routine")
    phase = whole_number_value(handler_input, "fase", 1, 9)
    if phase is None and kind == "rehab":
        phase = phase_in_words(handler_input, "routine")       # "de tweede fase van de revalidatie"
    if kind in (None, "rehab") and phase is not None and coach.rehab_phase(phase) is not None:
        return coach.rehab_phase(phase), None
    if kind is None and whole_number_value(handler_input, "onderdeel", 1, 99) is not None:
        current = (session(handler_input).get(STATE) or session(handler_input).get(PLACE) or {}).get("routine")
        if current in coach.routines:
            return coach.routine(current), None
        return None, "rehab"
    if kind == "rehab":
        return None, "rehab"
    for routine in coach.routines.values():
        if routine.kind == kind:
            return routine, None
    return None, None


def ask_phase(handler_input: HandlerInput, content: Content) -> Response:
    out = Speech()
    if session(handler_input).get(conv.MODE) == "triage":
        out.extend(wrap_up(handler_input, content))
    conv.enter_mode(handler_input, PHASE_MODE)
    expect_answer(handler_input, PHASE_MODE)
    phrase = content.phrases
    return ask(handler_input, out.say(phrase("coach_which_phase")), phrase("coach_which_phase_reprompt"))


# ---------------------------------------------------------------- offers

def named_block(handler_input: HandlerInput, routine: Routine) -> int | None:
    """The part the listener named ("onderdeel drie" is 2), when the routine has it."""
    number = whole_number_value(handler_input, "onderdeel", 1, 99)
    if number is None:
        number = session(handler_input).get(FROM_BLOCK)
    if number is None:
        return None
    number = int(number)
    return number - 1 if 1 <= number <= len(routine.blocks) else None


def start_named(handler_input: HandlerInput, content: Content, routine: Routine) -> Response:
    """Starts the routine the listener named, at the part they named, if any and if it exists."""
    wanted = whole_number_value(handler_input, "onderdeel", 1, 99)
    if wanted is None:
        wanted = session(handler_input).get(FROM_BLOCK)
    block = named_block(handler_input, routine)
    if wanted is not None and block is None:
        lead = Speech().say(content.phrases("coach_no_such_part", aantal=words(len(routine.blocks))))
        return start_routine(handler_input, content, routine, lead)
    return start_routine(handler_input, content, routine, block=block or 0)


@offer_handler("start_routine")
def _start_offer(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted and offer["routine"] in content.coach.routines:
        return start_routine(handler_input, content, content.coach.routine(offer["routine"]))
    if offer.get("then_topic") in content.topics:
        return conv.offer_topic(handler_input, content, offer["then_topic"], Speech().say(content.phrases("okay")))
    return anything_else(handler_input, content, okay=True)


@offer_handler("resume_routine")
def _resume_offer(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted:
        response = resume(handler_input, content)
        if response is not None:
            return response
    out = Speech().say(content.phrases("okay"), content.phrases("launch_options"))
    set_offer(handler_input, "start_triage")
    return ask(handler_input, out, content.phrases("launch_reprompt"))


@offer_handler("delete_data")
def _delete_offer(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    phrase = content.phrases
    if not accepted:
        return anything_else(handler_input, content, Speech().say(phrase("delete_kept")))
    if session(handler_input).get(conv.MODE) in (MODE, PHASE_MODE):
        conv.leave_mode(handler_input, STATE)
    for key in (PLACE, EASIER, FROM_BLOCK):
        session(handler_input).pop(key, None)
    done = memory.forget_everything(handler_input)
    return anything_else(handler_input, content, Speech().say(phrase("delete_done" if done else "delete_failed")))


# ---------------------------------------------------------------- handlers

class _CoachHandler(conv.ContentHandler):
    pass


class StartRoutineHandler(_CoachHandler):
    """"start de warming-up", "doe mijn revalidatie-oefeningen fase twee", "cooling-down"."""

    intents = ("StartRoutineIntent",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("StartRoutineIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        routine, missing = pick_routine(handler_input, self.content)
        if routine is not None:
            return start_named(handler_input, self.content, routine)
        if missing == "rehab":
            part = whole_number_value(handler_input, "onderdeel", 1, 99)
            if part is not None:
                session(handler_input)[FROM_BLOCK] = int(part)
            return ask_phase(handler_input, self.content)
        phrase = self.content.phrases
        return ask(handler_input, Speech().say(phrase("coach_unknown_routine")), phrase("coach_unknown_routine"))


class PhaseAnswerHandler(_CoachHandler):
    """The answer to "In welke fase zit je?"."""

    intents = ("NumberAnswerIntent", "AMAZON.FallbackIntent", "DontKnowIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (session(handler_input).get(conv.MODE) == PHASE_MODE and conv.awaiting(handler_input) == PHASE_MODE
                and is_request_type("IntentRequest")(handler_input)
                and get_intent_name(handler_input) in ("NumberAnswerIntent", "AMAZON.FallbackIntent", "DontKnowIntent"))

    def handle(self, handler_input: HandlerInput) -> Response:
        phase = whole_number_value(handler_input, "getal", 1, 9) if is_intent_name("NumberAnswerIntent")(handler_input) else None
        routine = self.content.coach.rehab_phase(phase) if phase else None
        if routine is None:
            phrase = self.content.phrases
            expect_answer(handler_input, PHASE_MODE)
            return ask(handler_input, Speech().say(phrase("coach_phase_help")), phrase("coach_which_phase_reprompt"))
        conv.leave_mode(handler_input)
        return start_named(handler_input, self.content, routine)


class ResumeRoutineHandler(_CoachHandler):
    """"ga verder met de warming-up", or "ga door" in a new session with a stored position."""

    intents = ("ResumeRoutineIntent", "AMAZON.ResumeIntent", "AMAZON.NextIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        if is_intent_name("ResumeRoutineIntent")(handler_input):
            return True
        idle = (not in_coach(handler_input) and not session(handler_input).get(conv.MODE)
                and conv.pending_offer(handler_input) is None)
        if not idle:
            return False
        if is_intent_name("AMAZON.ResumeIntent")(handler_input):
            return True
        # "verder" or "ga verder" with nothing else under way: the paused routine, when there is one
        # (after "pauze", or when silence closed the session); otherwise "niets om mee verder te gaan".
        return is_intent_name("AMAZON.NextIntent")(handler_input) and _position(handler_input, self.content) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        wanted = resolved_id(handler_input, "routine")
        routine, _ = pick_routine(handler_input, self.content)
        if routine is not None and routine.kind == "rehab":
            # "ga verder met fase twee": where one was in the rehab is never kept, so the phase named
            # starts (at the part named, if any), whatever else was kept
            return start_named(handler_input, self.content, routine)
        response = resume(handler_input, self.content, wanted)
        if response is not None:
            return response
        phrase = self.content.phrases
        if wanted == "rehab":
            return ask(handler_input, Speech().say(phrase("coach_rehab_not_kept")), phrase("coach_which_phase_reprompt"))
        if routine is not None and wanted is not None:
            # "ga door met de warming-up" with no place kept (another device, it was finished, or the
            # store is down): the routine named, from the start, rather than a question.
            lead = Speech()
            if memory.failed_in_session(handler_input):
                lead.say(phrase("memory_unavailable"))
            return start_routine(handler_input, self.content, routine, lead.say(phrase("coach_resume_from_start")))
        if memory.failed_in_session(handler_input):
            return ask(handler_input, Speech().say(phrase("memory_unavailable"), phrase("coach_nothing_to_resume")),
                       phrase("coach_nothing_to_resume"))
        return ask(handler_input, Speech().say(phrase("coach_nothing_to_resume")), phrase("coach_nothing_to_resume"))


class CoachCommandHandler(_CoachHandler):
    """verder, vorige, herhaal, sla over, makkelijker, hoe lang nog, pauze, stop: mid-exercise or between."""

    intents = COMMANDS
    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not (in_coach(handler_input) and is_request_type("IntentRequest")(handler_input)):
            return False
        name = get_intent_name(handler_input)
        if name not in COMMANDS:
            return False
        if conv.pending_offer(handler_input) and name in ("AMAZON.YesIntent", "AMAZON.NoIntent"):
            return False          # "ja" to "Wil je meer weten?" asked in between
        if name == "ResumeRoutineIntent":
            # "ga verder met fase twee" during the warm-up names another routine: that one, not "go on"
            named, _ = pick_routine(handler_input, self.content)
            if named is not None and named.id != session(handler_input)[STATE].get("routine"):
                return False
        # After something else answered in between, "herhaal" means that answer, not the exercise.
        return not (name == "AMAZON.RepeatIntent" and "frozen" in session(handler_input).get(STATE, {}))

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        phrase = self.content.phrases
        routine, block, exercise = where(handler_input, self.content)
        blocks = routine.blocks
        between = exercise is None
        current = len(blocks[block].exercises) - 1 if between else exercise

        if between and block + 1 == len(blocks) and name in ("AMAZON.YesIntent", "AMAZON.NoIntent"):
            # The answer to "Wat wil je nog weten? Of zeg stop." after the last part: "ja" asks what,
            # "nee" says goodbye. The routine is done either way.
            _forget_position(handler_input, routine)
            conv.leave_mode(handler_input, STATE)
            if name == "AMAZON.YesIntent":
                return ask(handler_input, Speech().say(phrase("ask_away")), phrase("anything_else_reprompt"))
            return close(handler_input, Speech().say(phrase("coach_all_done")))
        cue = 0 if between else cue_now(handler_input, self.content)
        frozen = "frozen" in session(handler_input)[STATE]
        if not between and (name in GO_ON or (name == "AMAZON.NextIntent" and frozen)):
            # "ga door" mid-exercise, or "verder" after a question in between: on where the listener was.
            return play(handler_input, self.content, routine, block, exercise, self._go_on(Speech(), cue),
                        announce=False, first_cue=cue)
        if name in ("AMAZON.NextIntent",) + GO_ON:
            if not between and exercise + 1 < len(blocks[block].exercises):
                return play(handler_input, self.content, routine, block, exercise + 1, announce=False)
            return self._next_block(handler_input, routine, block, Speech())
        if name == "SkipIntent":
            if not between:
                lead = Speech().say(phrase("coach_skipped", oefening=blocks[block].exercises[exercise].normal.name))
                if exercise + 1 < len(blocks[block].exercises):
                    return play(handler_input, self.content, routine, block, exercise + 1, lead, announce=False)
                return self._next_block(handler_input, routine, block, lead)
            if block + 1 < len(blocks):
                lead = Speech().say(phrase("coach_skipped", oefening=blocks[block + 1].title))
                return self._next_block(handler_input, routine, block + 1, lead)
            return self._next_block(handler_input, routine, block, Speech())
        if name == "AMAZON.PreviousIntent":
            if not between and exercise > 0:
                return play(handler_input, self.content, routine, block, exercise - 1, announce=False)
            if not between and block > 0:
                return play(handler_input, self.content, routine, block - 1, len(blocks[block - 1].exercises) - 1,
                            announce=False)
            if between:
                return play(handler_input, self.content, routine, block, current, announce=False)
            return play(handler_input, self.content, routine, block, 0, Speech().say(phrase("coach_first_exercise")),
                        announce=False)
        if name == "AMAZON.RepeatIntent":
            if between:
                return play(handler_input, self.content, routine, block, current, announce=False)
            # The name and the instruction again, then on from where the listener was.
            chosen = blocks[block].exercises[exercise]
            script = self.content.coach.exercise_script(chosen, chosen.id in _easier_now(handler_input))
            lead = Speech().say(*(value for kind, value in script[:2] if kind == "say"))
            return play(handler_input, self.content, routine, block, exercise, lead, announce=False,
                        first_cue=max(cue, 2), back_in=False)
        if name == "EasierIntent":
            if between and block + 1 < len(blocks):
                ids = tuple(e.id for e in blocks[block + 1].exercises)
                self._prefer_easier(handler_input, ids)
                lead = Speech().say(phrase("coach_easier_next", titel=blocks[block + 1].title))
                return play(handler_input, self.content, routine, block + 1, 0, lead, easier_now=ids)
            chosen = blocks[block].exercises[current]
            self._prefer_easier(handler_input, (chosen.id,))
            return play(handler_input, self.content, routine, block, current, easier_now=(chosen.id,), announce=False)
        if name == "TimeLeftIntent":
            left = remaining_seconds(self.content, routine, block, None if between else exercise)
            minutes = round(left / 60)
            said = (phrase("coach_time_left", minuten=words(minutes)) if minutes > 1 else
                    phrase("coach_time_left_one") if minutes == 1 else phrase("coach_time_left_short"))
            if between:
                following = blocks[block + 1].title if block + 1 < len(blocks) else None
                if following is None:
                    return self._next_block(handler_input, routine, block, Speech().say(said))
                return ask(handler_input, Speech().say(said, phrase("coach_block_reprompt", titel=following)),
                           phrase("coach_block_reprompt", titel=following))
            return play(handler_input, self.content, routine, block, exercise, self._go_on(Speech().say(said), cue),
                        announce=False, first_cue=cue)
        if name in ("AMAZON.HelpIntent", "AMAZON.FallbackIntent", "AMAZON.NoIntent"):
            lead = Speech()
            if name == "AMAZON.FallbackIntent":
                lead.say(phrase("not_understood"))
            lead.say(phrase("coach_help"))
            if between:
                following = blocks[block + 1].title if block + 1 < len(blocks) else routine.title
                return ask(handler_input, lead.say(phrase("coach_block_reprompt", titel=following)),
                           phrase("coach_block_reprompt", titel=following))
            return play(handler_input, self.content, routine, block, exercise, self._go_on(lead, cue),
                        announce=False, first_cue=cue)
        if name == "AMAZON.StartOverIntent":
            return start_routine(handler_input, self.content, routine, Speech().say(phrase("coach_restart")))
        # pause, stop, cancel, home: keep the place for next time (nothing, once the routine is done);
        # a rehab place only for this session, and the listener hears how to start there next time.
        resume_block, resume_exercise = (block + 1, 0) if between else (block, exercise)
        out = Speech()
        saved = True
        if resume_block < len(blocks):
            # Said once, in the words that fit: never "ik onthoud waar je was" after a failed save.
            saved = _save_position(handler_input, routine, resume_block, resume_exercise, None, self.content)
        else:
            _forget_position(handler_input, routine)
        conv.leave_mode(handler_input, STATE)
        finished = resume_block >= len(blocks)
        unsaved = "" if saved else "_unsaved"
        if name == "AMAZON.NavigateHomeIntent":
            said = "coach_stopped_home_done" if finished else \
                "coach_stopped_home" + unsaved if stored(routine) else "coach_stopped_home_rehab"
            out.say(phrase(said), phrase("start_over"))
            return ask(handler_input, out, phrase("launch_reprompt"))
        if finished:
            out.say(phrase("coach_all_done"))
        elif stored(routine):
            out.say(phrase(("coach_paused" if name == "AMAZON.PauseIntent" else "coach_stopped") + unsaved))
        else:
            out.say(phrase("coach_paused_rehab" if name == "AMAZON.PauseIntent" else "coach_stopped_rehab",
                           fase=words(routine.phase), nummer=words(resume_block + 1)))
        return close(handler_input, out)

    def _go_on(self, lead: Speech, cue: int) -> Speech:
        """Back into the exercise: from its start "We gaan verder", else play() names where ("Verder met ...")."""
        return lead if cue else lead.say(self.content.phrases("coach_go_on"))

    def _next_block(self, handler_input: HandlerInput, routine: Routine, block: int, lead: Speech) -> Response:
        if block + 1 < len(routine.blocks):
            return play(handler_input, self.content, routine, block + 1, 0, lead)
        _forget_position(handler_input, routine)
        conv.leave_mode(handler_input, STATE)          # the outro came with the last block
        return close(handler_input, lead.say(self.content.phrases("coach_all_done")))

    def _prefer_easier(self, handler_input: HandlerInput, exercise_ids: tuple[str, ...]) -> None:
        """For the rest of this session only: the choice hints at an injury, so it is never stored."""
        attrs = session(handler_input)
        attrs[EASIER] = sorted(set(attrs.get(EASIER, [])) | set(exercise_ids))


class DeleteDataHandler(_CoachHandler):
    """"wis mijn gegevens": asks once, then deletes the stored record."""

    intents = ("DeleteDataIntent",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("DeleteDataIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        set_offer(handler_input, "delete_data")
        phrase = self.content.phrases
        return ask(handler_input, Speech().say(phrase("delete_confirm")), phrase("delete_confirm"))


class CoachCommandOutsideHandler(_CoachHandler):
    """sla over, makkelijker, hoe lang nog when no session of exercises is running."""

    intents = ("SkipIntent", "EasierIntent", "TimeLeftIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(n)(handler_input) for n in ("SkipIntent", "EasierIntent", "TimeLeftIntent"))

    def handle(self, handler_input: HandlerInput) -> Response:
        phrase = self.content.phrases
        return ask(handler_input, Speech().say(phrase("coach_not_running")), phrase("coach_not_running"))


def launch_offer(handler_input: HandlerInput, content: Content) -> str | None:
    """When the listener has a session to finish, the launch offers to go on with it."""
    position = memory.recall(handler_input, "coach")
    if not position or position.get("routine") not in content.coach.routines:
        return None
    routine = content.coach.routine(position["routine"])
    if not stored(routine):            # written by an older version: never offered, and dropped now
        memory.remember(handler_input, coach=None)
        return None
    block = min(position.get("block", 0), len(routine.blocks) - 1)
    return content.phrases("coach_offer_resume", sessie=routine.title, nummer=words(block + 1))
