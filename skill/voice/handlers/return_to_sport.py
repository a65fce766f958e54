"""The return-to-sport check, spoken: one criterion at a time, stopping at the first one not met.

Answers stay in the session; nothing of it is stored or logged.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.core.content import Content
from skill.voice import conversation as conv
from skill.voice.conversation import anything_else, ask, expect_answer, offer_handler, offer_routine, session, trace
from skill.voice.speech import Speech
from skill.voice.handlers.triage import wrap_up

MODE = "return_to_sport"
STATE = "return_to_sport"        # session attribute: {"met": number of criteria answered ja}
QUESTION = "return_to_sport"     # what conv.AWAITING holds while a criterion is asked
ANSWERS = ("AMAZON.YesIntent", "AMAZON.NoIntent", "DontKnowIntent", "AMAZON.FallbackIntent")


def in_check(handler_input: HandlerInput) -> bool:
    return session(handler_input).get(conv.MODE) == MODE


def start_check(handler_input: HandlerInput, content: Content) -> Response:
    out = Speech()
    if session(handler_input).get(conv.MODE) == "triage":      # leaving a triage: what it found so far first
        out.extend(wrap_up(handler_input, content))
    conv.enter_mode(handler_input, MODE, STATE, {"met": 0})
    return _ask(handler_input, content, out.say(content.return_to_sport.intro))


def _ask(handler_input: HandlerInput, content: Content, out: Speech) -> Response:
    criterion = content.return_to_sport.next_criterion(session(handler_input)[STATE]["met"])
    out.say(criterion.ask)
    expect_answer(handler_input, QUESTION)
    return ask(handler_input, out, Speech().say(criterion.ask, content.phrases("rts_answer_hint")))


def _finish(handler_input: HandlerInput, content: Content, failed_at=None) -> Response:
    check = content.return_to_sport
    conv.leave_mode(handler_input, STATE)
    out = Speech()
    trace(handler_input)["return_to_sport"] = "ready" if failed_at is None else failed_at.id
    if failed_at is None:
        return anything_else(handler_input, content, out.say(check.ready, check.decide_together))
    out.say(check.not_ready, failed_at.work_on, check.decide_together)
    if failed_at.offer_routine in content.coach.routines:
        return offer_routine(handler_input, content, failed_at.offer_routine, out)
    return anything_else(handler_input, content, out)


@offer_handler("start_check")
def _start_offer(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted:
        return start_check(handler_input, content)
    return anything_else(handler_input, content, okay=True)


class StartCheckHandler(conv.ContentHandler):
    intents = ("ReturnToSportCheckIntent",)
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ReturnToSportCheckIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return start_check(handler_input, self.content)


class CheckAnswerHandler(conv.ContentHandler):
    """ja moves on; nee or weet ik niet ends with what to work on first; help explains the question."""


    intents = ANSWERS + ("AMAZON.HelpIntent", "AMAZON.StartOverIntent")
    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not (in_check(handler_input) and is_request_type("IntentRequest")(handler_input)):
            return False
        name = get_intent_name(handler_input)
        if name not in ANSWERS + ("AMAZON.HelpIntent", "AMAZON.StartOverIntent"):
            return False
        # With another yes/no question open ("Wil je meer weten?"), ja and nee belong to that one.
        return not (conv.pending_offer(handler_input) and name in ANSWERS)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        check = self.content.return_to_sport
        state = session(handler_input)[STATE]
        criterion = check.next_criterion(state["met"])
        phrase = self.content.phrases
        if name == "AMAZON.HelpIntent":
            return _ask(handler_input, self.content, Speech().say(criterion.help))
        if name == "AMAZON.StartOverIntent":
            return start_check(handler_input, self.content)
        if conv.awaiting(handler_input) != QUESTION:
            # Something else came in between: ask the criterion again rather than count this answer.
            return _ask(handler_input, self.content, Speech().say(phrase("rts_back_to_question")))
        if name == "AMAZON.FallbackIntent":
            return _ask(handler_input, self.content, Speech().say(phrase("not_understood"), phrase("rts_answer_hint")))
        if name == "AMAZON.YesIntent":
            state["met"] += 1
            if check.next_criterion(state["met"]) is None:
                return _finish(handler_input, self.content)
            return _ask(handler_input, self.content, Speech())
        return _finish(handler_input, self.content, criterion)      # nee, or not sure: not yet
