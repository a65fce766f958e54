"""The return-to-sport check, spoken: one criterion at a time, stopping at the first one not met.

Answers stay in the session; nothing of it is stored or logged.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.core.content import Content
from skill.voice import conversation as conv
from skill.voice.conversation import ask, offer_handler, session, set_offer, trace
from skill.voice.speech import Speech

MODE = "return_to_sport"
STATE = "return_to_sport"        # session attribute: {"met": number of criteria answered ja}
ANSWERS = ("AMAZON.YesIntent", "AMAZON.NoIntent", "DontKnowIntent", "AMAZON.FallbackIntent")


def in_check(handler_input: HandlerInput) -> bool:
    return session(handler_input).get(conv.MODE) == MODE


def start_check(handler_input: HandlerInput, content: Content) -> Response:
    attrs = session(handler_input)
    for key in (conv.TOPIC, conv.OFFER):
        attrs.pop(key, None)
    attrs[conv.MODE] = MODE
    attrs[STATE] = {"met": 0}
    check = content.return_to_sport
    return _ask(handler_input, content, Speech().say(check.intro))


def _ask(handler_input: HandlerInput, content: Content, out: Speech) -> Response:
    criterion = content.return_to_sport.next_criterion(session(handler_input)[STATE]["met"])
    out.say(criterion.ask)
    return ask(handler_input, out, Speech().say(criterion.ask, content.phrases("rts_answer_hint")))


def _finish(handler_input: HandlerInput, content: Content, failed_at=None) -> Response:
    check = content.return_to_sport
    attrs = session(handler_input)
    attrs.pop(conv.MODE, None)
    attrs.pop(STATE, None)
    out = Speech()
    trace(handler_input)["return_to_sport"] = "ready" if failed_at is None else failed_at.id
    if failed_at is None:
        out.say(check.ready, check.decide_together)
        out.say(content.phrases("anything_else"))
        return ask(handler_input, out, content.phrases("anything_else_reprompt"))
    out.say(check.not_ready, failed_at.work_on, check.decide_together)
    routine = content.coach.routines.get(failed_at.offer_routine) if failed_at.offer_routine else None
    if routine is not None:
        set_offer(handler_input, "start_routine", routine=routine.id)
        out.say(content.phrases("coach_offer_start", sessie=routine.title))
        return ask(handler_input, out, content.phrases("coach_offer_start", sessie=routine.title))
    out.say(content.phrases("anything_else"))
    return ask(handler_input, out, content.phrases("anything_else_reprompt"))


@offer_handler("start_check")
def _start_offer(handler_input: HandlerInput, content: Content, offer: dict, accepted: bool) -> Response:
    if accepted:
        return start_check(handler_input, content)
    return ask(handler_input, Speech().say(content.phrases("okay"), content.phrases("anything_else")),
               content.phrases("anything_else_reprompt"))


class StartCheckHandler(AbstractRequestHandler):
    def __init__(self, content: Content):
        self.content = content

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ReturnToSportCheckIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return start_check(handler_input, self.content)


class CheckAnswerHandler(AbstractRequestHandler):
    """ja moves on; nee or weet ik niet ends with what to work on first; help explains the question."""

    def __init__(self, content: Content):
        self.content = content

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (in_check(handler_input) and is_request_type("IntentRequest")(handler_input)
                and get_intent_name(handler_input) in ANSWERS + ("AMAZON.HelpIntent", "AMAZON.StartOverIntent"))

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
        if name == "AMAZON.FallbackIntent":
            return _ask(handler_input, self.content, Speech().say(phrase("not_understood"), phrase("rts_answer_hint")))
        if name == "AMAZON.YesIntent":
            state["met"] += 1
            if check.next_criterion(state["met"]) is None:
                return _finish(handler_input, self.content)
            return _ask(handler_input, self.content, Speech())
        return _finish(handler_input, self.content, criterion)      # nee, or not sure: not yet
