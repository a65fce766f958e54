"""The spoken triage: translates Alexa requests into answers for the engine, and its results into speech.

The engine (skill.core.triage) decides; this module only asks, listens and speaks. Answers live
in the session attribute "triage" and nowhere else: not in logs, not in storage, not on cards.
"""
from __future__ import annotations

from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.core.content import Content
from skill.core.triage import RANK, UNKNOWN, Question, Result
from skill.voice import conversation as conv
from skill.voice.conversation import (anything_else, ask, close, expect_answer, offer_handler, offer_routine,
                                     offer_topic, session, set_offer, spoke_content, trace)
from skill.voice.slots import number_value, resolved_id
from skill.voice.speech import Speech

COMPLAINT_SLOTS = ("klacht", "extra")   # StartTriageIntent: what the listener told unasked
MODE = "triage"
STATE = "triage"                 # session attribute: {"answers": {...}, "asked": [...], "current": id, "misses": n}
QUESTION = "triage"              # what conv.AWAITING holds while a triage question is open
OUTCOME = "triage_outcome"       # ... and right after the advice, when "vorige vraag" may still change it

# "sla deze over" mid-triage skips the question, which the engine takes as "weet ik niet".
ANSWER_INTENTS = ("AMAZON.YesIntent", "AMAZON.NoIntent", "DontKnowIntent", "NumberAnswerIntent",
                  "DurationAnswerIntent", "ChoiceAnswerIntent", "AMAZON.FallbackIntent", "SkipIntent")
CONTROL_INTENTS = ("AMAZON.HelpIntent", "AMAZON.PreviousIntent", "AMAZON.StartOverIntent", "AMAZON.NextIntent",
                   "AMAZON.ResumeIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.PauseIntent",
                   "AMAZON.NavigateHomeIntent", "StartTriageIntent")

# Spoken durations: slot ids of the interaction model's TIJDSEENHEID and MOMENT types, in days.
UNIT_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30}
MOMENT_DAYS = {"today": 0, "yesterday": 1, "two_days": 2, "weekend": 3, "last_week": 7, "last_month": 30, "long": 90}


def in_triage(handler_input: HandlerInput) -> bool:
    return session(handler_input).get(conv.MODE) == MODE


def _state(handler_input: HandlerInput) -> dict[str, Any]:
    return session(handler_input)[STATE]


# ---------------------------------------------------------------- understanding an answer

def read_answer(handler_input: HandlerInput, question: Question) -> Any:
    """The listener's answer in the engine's terms, or None when it does not fit the question."""
    intent = get_intent_name(handler_input)
    if intent in ("DontKnowIntent", "SkipIntent"):
        return UNKNOWN
    if question.kind == "yes_no":
        if intent == "AMAZON.YesIntent":
            return True
        if intent == "AMAZON.NoIntent":
            return False
        if question.yes_from_days is not None and intent == "DurationAnswerIntent":
            days = _days(handler_input)           # "al twee weken" answers "langer dan een week?"
            return None if days is None else days >= question.yes_from_days
        return None
    if question.kind in ("scale", "number") and intent == "NumberAnswerIntent":
        value = number_value(handler_input, "getal")
        if value is None:
            return None
        low = question.minimum if question.minimum is not None else float("-inf")
        high = question.maximum if question.maximum is not None else float("inf")
        if not low <= value <= high:
            return None
        return int(value) if value == int(value) else value
    if question.kind == "duration" and intent == "DurationAnswerIntent":
        return _days(handler_input)
    if question.kind == "choice" and intent == "ChoiceAnswerIntent":
        choice = resolved_id(handler_input, "keuze")
        return choice if choice in {c.id for c in question.choices} else None
    return None


def _days(handler_input: HandlerInput) -> float | None:
    moment = resolved_id(handler_input, "moment")
    if moment in MOMENT_DAYS:
        return MOMENT_DAYS[moment]
    unit = resolved_id(handler_input, "eenheid")
    if unit not in UNIT_DAYS:
        return None
    amount = number_value(handler_input, "aantal")
    if amount is None:
        vague = resolved_id(handler_input, "ongeveer")        # "een paar dagen"
        amount = float(vague) if vague else 1.0
    return amount * UNIT_DAYS[unit]


# ---------------------------------------------------------------- speaking

def ask_current(handler_input: HandlerInput, content: Content, lead: Speech | None = None,
                with_examples: bool = False) -> Response:
    question = content.triage.question(_state(handler_input)["current"])
    out = (lead or Speech()).say(question.ask)
    if with_examples:
        out.say(question.examples)
    expect_answer(handler_input, QUESTION)
    return ask(handler_input, out, Speech().say(question.ask, question.examples))


def volunteered(handler_input: HandlerInput, content: Content) -> dict[str, Any]:
    """Answers the listener gave before being asked ("mijn kuit is dik en rood"), from the KLACHT slots."""
    answers: dict[str, Any] = {}
    for slot in COMPLAINT_SLOTS:
        answers.update(content.triage.volunteered.get(resolved_id(handler_input, slot) or "", {}))
    return answers


def start(handler_input: HandlerInput, content: Content, lead: Speech | None = None,
          answers: dict[str, Any] | None = None) -> Response:
    """Starts the questions; what the listener already told is filled in and not asked again."""
    conv.enter_mode(handler_input, MODE, STATE, {"answers": dict(answers or {}), "asked": [], "current": None,
                                                 "misses": 0})
    out = (lead or Speech()).say(content.phrases("triage_intro"))
    return advance(handler_input, content, out)


def advance(handler_input: HandlerInput, content: Content, out: Speech) -> Response:
    """Asks the next question, or speaks the outcome when the answers settle it."""
    state = _state(handler_input)
    protocol = content.triage
    question = protocol.next_question(state["answers"], asked=len(state["asked"]))
    if question is None:
        return speak_outcome(handler_input, content, protocol.conclude(state["answers"], asked=len(state["asked"])), out)
    state["current"] = question.id
    state["misses"] = 0
    return ask_current(handler_input, content, out)


def outcome_speech(content: Content, result: Result, out: Speech | None = None) -> Speech:
    """The first outcome response: who to contact and how soon, when to escalate, that it is no
    diagnosis. An emergency adds why in one sentence and that the skill stops; anything else ends
    with the offer of the explanation and the first steps."""
    protocol = content.triage
    outcome = protocol.outcomes[result.outcome]
    phrase = content.phrases
    out = out if out is not None else Speech()
    own_advice = outcome.advice and not result.capped and result.urgency == result.rule.urgency
    out.paragraph(outcome.advice if own_advice else protocol.advice[result.urgency])
    if result.capped:
        out.say(phrase("triage_capped"))
    elif result.unsure:
        out.say(phrase("triage_unsure"))
    if result.urgency == "emergency":
        if not result.capped:                            # never explain with what was not asked
            out.say(outcome.estimate, *outcome.steps)    # calling comes first: only an outcome's own safety net
        return out.say(outcome.safety_net or "", phrase("triage_no_diagnosis"), phrase("emergency_end"))
    own_net = outcome.safety_net and not result.capped
    out.paragraph(outcome.safety_net if own_net else protocol.safety_net[result.urgency])
    return out.say(phrase("triage_no_diagnosis"), phrase("triage_details_offer"))


def speak_outcome(handler_input: HandlerInput, content: Content, result: Result, out: Speech) -> Response:
    """Speaks the outcome; an emergency ends the session so the listener can call."""
    conv.leave_mode(handler_input)
    _state(handler_input)["current"] = None      # answers stay in this session only, for "vorige vraag"
    trace(handler_input)["triage"] = result.trace()
    outcome_speech(content, result, out)
    if result.urgency == "emergency":
        return close(handler_input, out)
    expect_answer(handler_input, OUTCOME)
    set_offer(handler_input, "triage_details", outcome=result.outcome, urgency=result.urgency, capped=result.capped)
    return ask(handler_input, out, content.phrases("triage_details_reprompt"))


def speak_details(handler_input: HandlerInput, content: Content, outcome_id: str, urgency: str,
                  capped: bool = False) -> Response:
    """On request after the outcome: what it may be, the first steps, then the matching offer. After a
    conversation the question limit cut short, nothing is said that was never asked."""
    protocol = content.triage
    outcome = protocol.outcomes.get(outcome_id)
    if outcome is None or urgency not in protocol.advice:
        return anything_else(handler_input, content)
    phrase = content.phrases
    if capped:
        return anything_else(handler_input, content, Speech().say(phrase("triage_capped_details")))
    out = Speech().paragraph(outcome.estimate)
    if outcome.steps:
        intro = phrase("triage_steps_intro") if urgency in ("self_care", "physio") else phrase("triage_steps_until")
        out.paragraph(" ".join((intro,) + outcome.steps))
    if outcome.offer_routine and outcome.offer_routine in content.coach.routines:
        topic = outcome.offer_topic if outcome.offer_topic in content.topics else None
        return offer_routine(handler_input, content, outcome.offer_routine, out, then_topic=topic)
    if outcome.offer_topic and outcome.offer_topic in content.topics:
        return offer_topic(handler_input, content, outcome.offer_topic, out)
    return anything_else(handler_input, content, out)


def leave(handler_input: HandlerInput) -> None:
    """Ends the triage and forgets the answers."""
    conv.leave_mode(handler_input, STATE)


def wrap_up(handler_input: HandlerInput, content: Content) -> Speech:
    """Leaving the triage before the end: what the answers so far already call for, when that is more
    than self-care, so a warning sign heard is never dropped. Forgets the answers."""
    out = Speech()
    state = session(handler_input).get(STATE)
    if state and session(handler_input).get(conv.MODE) == MODE:
        protocol = content.triage
        result = protocol.result(state["answers"])
        if result is not None and (RANK[result.urgency] >= RANK["doctor_soon"] or result.red_flags):
            outcome = protocol.outcomes[result.outcome]
            out.say(content.phrases("triage_interim"))
            out.say(outcome.advice if outcome.advice and not result.unsure else protocol.advice[result.urgency])
            out.say(outcome.safety_net or protocol.safety_net[result.urgency])
            trace(handler_input)["triage"] = result.trace()
    leave(handler_input)
    return out


# ---------------------------------------------------------------- offers

@offer_handler("start_triage")
def _start_offer(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted:
        return start(handler_input, content)
    return anything_else(handler_input, content, okay=True)


@offer_handler("triage_details")
def _details_offer(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted:
        return speak_details(handler_input, content, str(offer.get("outcome")), str(offer.get("urgency")),
                             bool(offer.get("capped")))
    return anything_else(handler_input, content, okay=True)


@offer_handler("resume_triage")
def _resume_offer(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted and in_triage(handler_input):
        return ask_current(handler_input, content, Speech().say(content.phrases("triage_resume")))
    return _stopped(handler_input, content)


def _stopped(handler_input: HandlerInput, content: Content) -> Response:
    out = wrap_up(handler_input, content)
    return anything_else(handler_input, content, out.say(content.phrases("triage_stopped")))


# ---------------------------------------------------------------- handlers

class _TriageHandler(conv.ContentHandler):
    pass


class StartTriageHandler(_TriageHandler):
    """"ik heb pijn aan m'n hamstring", "wat heb ik", "check mijn klachten", also as one-shot."""

    intents = ("StartTriageIntent",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("StartTriageIntent")(handler_input) and not in_triage(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return start(handler_input, self.content, answers=volunteered(handler_input, self.content))


class CorrectAfterOutcomeHandler(_TriageHandler):
    """"vorige vraag" right after the advice: reopen the last question so the answer can change."""

    intents = ("AMAZON.PreviousIntent",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        state = session(handler_input).get(STATE)
        return (conv.awaiting(handler_input) == OUTCOME and state is not None and bool(state.get("asked"))
                and is_intent_name("AMAZON.PreviousIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        session(handler_input).pop(conv.OFFER, None)
        session(handler_input)[conv.MODE] = MODE
        state = _state(handler_input)
        previous = state["asked"].pop()
        state["answers"].pop(previous, None)
        state["current"], state["misses"] = previous, 0
        return ask_current(handler_input, self.content, Speech().say(self.content.phrases("triage_back")))


class TriageControlHandler(_TriageHandler):
    """Help for the question, back one question, start again, stop, and the like, mid-triage."""

    intents = CONTROL_INTENTS
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (in_triage(handler_input) and is_request_type("IntentRequest")(handler_input)
                and get_intent_name(handler_input) in CONTROL_INTENTS
                and not (conv.pending_offer(handler_input) and get_intent_name(handler_input) in
                         ("AMAZON.NextIntent", "AMAZON.ResumeIntent")))

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        phrase = self.content.phrases
        protocol = self.content.triage
        state = _state(handler_input)
        session(handler_input).pop(conv.OFFER, None)
        if name == "AMAZON.HelpIntent":
            state["misses"] = 0
            question = protocol.question(state["current"])
            out = Speech().say(question.help, question.examples, phrase("triage_help_commands"), question.ask)
            expect_answer(handler_input, QUESTION)
            return ask(handler_input, out, Speech().say(question.ask, question.examples))
        if name == "AMAZON.PreviousIntent":
            if not state["asked"]:
                return ask_current(handler_input, self.content, Speech().say(phrase("triage_first_question")))
            previous = state["asked"].pop()
            state["answers"].pop(previous, None)
            state["current"] = previous
            state["misses"] = 0
            return ask_current(handler_input, self.content, Speech().say(phrase("triage_back")))
        if name == "AMAZON.StartOverIntent":
            return start(handler_input, self.content, Speech().say(phrase("triage_restart")))
        told = volunteered(handler_input, self.content) if name == "StartTriageIntent" else {}
        if told:
            # "ik hoorde een knak", "mijn kuit is dik": information, taken as answers, never asked again.
            # What was not answered yet, or a sign now told that an earlier "nee" or "weet ik niet" missed.
            told = {qid: value for qid, value in told.items()
                    if qid not in state["answers"] or (value is True and state["answers"][qid] is not True)}
            state["answers"].update(told)
            if state["current"] in told:
                state["asked"].append(state["current"])
            return advance(handler_input, self.content, Speech())
        if name == "StartTriageIntent":
            # Mid-triage this is more often an answer misheard ("ja, mijn been doet pijn") than a wish
            # to start again: keep the answers, ask the question again. "opnieuw beginnen" restarts.
            return ask_current(handler_input, self.content, Speech().say(phrase("triage_already")),
                               with_examples=True)
        if name in ("AMAZON.NextIntent", "AMAZON.ResumeIntent"):
            return ask_current(handler_input, self.content)
        out = wrap_up(handler_input, self.content)   # a warning sign already heard is said before leaving
        if name == "AMAZON.NavigateHomeIntent":
            return ask(handler_input, out.say(phrase("triage_stopped"), phrase("start_over")), phrase("launch_reprompt"))
        return close(handler_input, out.say(phrase("triage_goodbye")))   # stop, cancel, pause: answers are not kept


class TriageAnswerHandler(_TriageHandler):
    intents = ANSWER_INTENTS
    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not (in_triage(handler_input) and is_request_type("IntentRequest")(handler_input)):
            return False
        name = get_intent_name(handler_input)
        if name not in ANSWER_INTENTS:
            return False
        # With a yes/no offer open ("Zullen we verdergaan?"), ja/nee and "huh?" belong to the offer.
        return not (conv.pending_offer(handler_input)
                    and name in ("AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.FallbackIntent"))

    def handle(self, handler_input: HandlerInput) -> Response:
        session(handler_input).pop(conv.OFFER, None)
        protocol = self.content.triage
        state = _state(handler_input)
        question = protocol.question(state["current"])
        phrase = self.content.phrases
        if conv.awaiting(handler_input) != QUESTION:
            # Something else was said in between (wissen, een oefencommando): this "ja" or "nee"
            # may answer that, not the question. Ask the question again rather than guess.
            return ask_current(handler_input, self.content, Speech().say(phrase("triage_back_to_question")))
        answer = read_answer(handler_input, question)
        if answer is None and _answers_another(handler_input, protocol, state):
            # "ik loop mank" while asked how it began: kept for its own question, this one asked again.
            return advance(handler_input, self.content, Speech().say(phrase("okay_short")))
        lead = Speech()
        if answer is None:
            state["misses"] += 1
            if state["misses"] == 1:
                return ask_current(handler_input, self.content, Speech().say(phrase("triage_not_understood")),
                                   with_examples=True)
            # A second miss: counted as "weet ik niet", which never lowers the urgency, and on to the
            # next question (advance starts its count afresh). Offering to stop made people give up halfway.
            answer = UNKNOWN
            lead.say(phrase("triage_counted_unknown"))
        state["answers"][question.id] = answer
        state["asked"].append(question.id)
        return advance(handler_input, self.content, lead)


def _answers_another(handler_input: HandlerInput, protocol, state: dict[str, Any]) -> bool:
    """A choice that answers a later question ("ik kan niet staan" while the pop is asked) is kept
    as that question's answer, so it is not asked again. True when it was taken."""
    if get_intent_name(handler_input) != "ChoiceAnswerIntent":
        return False
    choice = resolved_id(handler_input, "keuze")
    for question in protocol.questions:
        if question.id not in state["answers"] and choice in {c.id for c in question.choices}:
            state["answers"][question.id] = choice
            return True
    return False


class TriageTopicHandler(_TriageHandler):
    """A content question in the middle ("mag ik ijs gebruiken?"): answer briefly, offer to go on."""

    request_types = ("IntentRequest",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return in_triage(handler_input) and conv.asks_topic(handler_input, self.content)

    def handle(self, handler_input: HandlerInput) -> Response:
        topic = conv.topic_asked(handler_input, self.content)
        phrase = self.content.phrases
        out = Speech()
        if topic is None:
            out.say(phrase("unknown_topic"))
        else:
            spoke_content(handler_input, topic.id)
            out.paragraph(topic.short)
        set_offer(handler_input, "resume_triage")
        out.say(phrase("triage_offer_resume"))
        return ask(handler_input, out, phrase("triage_offer_resume"))


class AnswerWithoutQuestionHandler(_TriageHandler):
    """"weet ik niet", a number, a duration or a choice when no question is open."""

    intents = ("DontKnowIntent", "NumberAnswerIntent", "DurationAnswerIntent", "ChoiceAnswerIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        # With a yes/no offer open, the fallback asks it again (common.FallbackHandler).
        return conv.pending_offer(handler_input) is None and any(is_intent_name(n)(handler_input) for n in
                   ("DontKnowIntent", "NumberAnswerIntent", "DurationAnswerIntent", "ChoiceAnswerIntent"))

    def handle(self, handler_input: HandlerInput) -> Response:
        phrase = self.content.phrases
        told = self._told_complaint(handler_input)
        if told is not None:
            # "bij het sprinten schoot het ineens in mijn hamstring", "ik loop mank", "het trekt al een
            # paar dagen": the listener tells how it began, how walking goes or since when, before any
            # question. That is a complaint told: the questions start, what was told filled in.
            return start(handler_input, self.content, answers=told)
        return ask(handler_input, Speech().say(phrase("answer_without_question")), phrase("fallback_reprompt"))

    def _told_complaint(self, handler_input: HandlerInput) -> dict[str, Any] | None:
        """What a choice or a duration said out of the blue tells ("achter in mijn been trekt het al
        een paar dagen"): None when it is no complaint told (a number, "weet ik niet", or a dialogue
        owns the turn), else the answers it gives (a duration alone fills none: it only starts)."""
        if session(handler_input).get(conv.MODE):
            return None
        if is_intent_name("DurationAnswerIntent")(handler_input):
            return {}
        if not is_intent_name("ChoiceAnswerIntent")(handler_input):
            return None
        choice = resolved_id(handler_input, "keuze")
        for question in self.content.triage.questions:
            if question.kind == "choice" and choice in {c.id for c in question.choices}:
                return {question.id: choice}
        return None
