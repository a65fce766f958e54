"""Request and response interceptors: privacy-safe logging, the repeat cache, the trace.

Logging rule: request type, intent name and outcome. Never slot values, never what was said,
never triage answers or outcomes.
"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.core.content import Content
from skill.voice import conversation as conv
from skill.voice.speech import Speech

log = logging.getLogger("hamstring.skill")


# While one of these questions is open, even the intent name is an answer (ja, nee, a choice),
# so it is not logged.
PRIVATE_QUESTIONS = ("triage", "triage_outcome", "return_to_sport")


class LogRequest(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        if intent and conv.awaiting(handler_input) in PRIVATE_QUESTIONS:
            intent = "(answer)"
        log.info("request type=%s intent=%s new_session=%s", request.object_type, intent or "-",
                 bool(getattr(handler_input.request_envelope.session, "new", False)))


class LogResponse(AbstractResponseInterceptor):
    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None:
            return
        if response.output_speech is None:
            outcome = "silent"
        elif response.should_end_session:
            outcome = "tell"
        else:
            outcome = "ask"
        log.info("response outcome=%s", outcome)


class DisclaimerOnFirstAnswer(AbstractResponseInterceptor):
    """A one-shot question ("vraag hamstring hulp ...") skips the welcome, not the disclaimer."""

    def __init__(self, content: Content):
        self.content = content

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None or response.output_speech is None or response.should_end_session:
            return
        lead = Speech()
        if not conv.disclaimer_due(handler_input, self.content, lead):
            return
        disclaimer = lead.ssml
        response.output_speech.ssml = (disclaimer.removesuffix("</speak>") + " "
                                       + response.output_speech.ssml.removeprefix("<speak>"))


class FreezeCoachOnDetour(AbstractResponseInterceptor):
    """When something else answered in the middle of a coaching block, the coach keeps its place."""

    def __init__(self, content: Content):
        self.content = content

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        from skill.voice.handlers.coach import freeze_if_interrupted
        freeze_if_interrupted(handler_input, self.content)


class TrackExpectedAnswer(AbstractResponseInterceptor):
    """Remembers which question this response asked; a response that asks none clears it, so an
    answer given after something else came in between is not taken for an answer to the question."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        expected = handler_input.attributes_manager.request_attributes.get(conv.EXPECT)
        attrs = conv.session(handler_input)
        if expected and response is not None and not response.should_end_session:
            attrs[conv.AWAITING] = expected
        else:
            attrs.pop(conv.AWAITING, None)


class RememberLastResponse(AbstractResponseInterceptor):
    """Caches speech and reprompt so "herhaal" can say exactly the same again."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None or response.output_speech is None or response.should_end_session:
            return
        conv.session(handler_input)[conv.LAST] = {
            "speech": response.output_speech.ssml,
            "reprompt": response.reprompt.output_speech.ssml if response.reprompt else None,
            "content_ids": list(conv.trace(handler_input)["content_ids"]),
        }


class HandTraceToObserver(AbstractResponseInterceptor):
    """Gives what this turn spoke (content ids, triage outcome) to an observer, if one is attached.

    The offline simulator passes an observer as the invocation context; Lambda and the web service
    pass their own context without one, so nothing leaves the process there.
    """

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        observer = getattr(handler_input.context, "record_trace", None)
        if callable(observer):
            observer(dict(conv.trace(handler_input)))
